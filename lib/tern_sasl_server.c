/* tern_sasl_server: the server side of SASL as a step function: start,
   step until done or failed; PLAIN and LOGIN here, CRAM-MD5 and SCRAM in
   tern_sasl_server_cram.c and tern_sasl_server_scram.c. */
#include <string.h>
#include "tern.h"
#include "tern_sasl_priv.h"

int tern_sasl_server_getcred (tern_sasl_server *s)
{
  int r = TERN_PERM ;
  if (s->get) r = s->get(s->user.s, s->user.len - 1, &s->cred, s->aux) ;
  if (r == TERN_TEMP) return TERN_SASL_ETEMP ;
  if (r != TERN_OK) tern_sasl_fakecred(&s->cred, s->user.s, s->user.len - 1) ;
  return TERN_SASL_NEXT ;
}

/* user and password from PLAIN or LOGIN: check them */
static int check (tern_sasl_server *s, char const *user, size_t ulen, char const *pw, size_t plen)
{
  int r ;
  s->state = SV_END ;
  if (!ulen || !plen || memchr(user, 0, ulen) || memchr(pw, 0, plen)) return TERN_SASL_EAUTH ;
  s->user.len = 0 ;
  if (!stralloc_catb(&s->user, user, ulen) || !stralloc_0(&s->user)) return TERN_SASL_ETEMP ;
  r = tern_sasl_server_getcred(s) ;
  if (r) return r ;
  return tern_cred_check_plain(&s->cred, pw, plen) ? TERN_SASL_DONE : TERN_SASL_EAUTH ;
}

static int plain (tern_sasl_server *s, char const *in, size_t len)
{
  char const *a = memchr(in, 0, len), *b ;
  size_t alen, ulen ;
  if (!a) return (s->state = SV_END, TERN_SASL_ESYNTAX) ;
  alen = a - in ;
  b = memchr(a + 1, 0, len - alen - 1) ;
  if (!b) return (s->state = SV_END, TERN_SASL_ESYNTAX) ;
  ulen = b - a - 1 ;
  if (memchr(b + 1, 0, len - alen - ulen - 2)) return (s->state = SV_END, TERN_SASL_ESYNTAX) ;
  if (alen && (alen != ulen || memcmp(in, a + 1, ulen))) return (s->state = SV_END, TERN_SASL_EAUTH) ;
  if (!stralloc_catb(&s->authz, in, alen) || !stralloc_0(&s->authz)) return TERN_SASL_ETEMP ;
  return check(s, a + 1, ulen, b + 1, len - alen - ulen - 2) ;
}

static int challenge (tern_sasl_server *s, char const *c, int state)
{
  s->out.len = 0 ;
  s->state = state ;
  return stralloc_cats(&s->out, c) ? TERN_SASL_NEXT : TERN_SASL_ETEMP ;
}

int tern_sasl_server_start (tern_sasl_server *s, char const *mech, char const *ir, size_t irlen, int hasir)
{
  s->mech = tern_sasl_mech(mech, strlen(mech)) ;
  s->state = 0 ;
  s->out.len = s->user.len = s->authz.len = s->msg.len = s->expect.len = 0 ;
  memset(&s->cred, 0, sizeof s->cred) ;
  if (!s->mech) return (s->state = SV_END, TERN_SASL_ENOMECH) ;
  if (hasir && irlen > TERN_SASL_MAX) return (s->state = SV_END, TERN_SASL_ESYNTAX) ;
  switch (s->mech)
  {
    case TERN_SASL_PLAIN : s->state = SV_PLAIN ; break ;
    case TERN_SASL_LOGIN :
      if (!hasir) return challenge(s, "Username:", SV_LOGINUSER) ;
      s->state = SV_LOGINUSER ; break ;
    case TERN_SASL_CRAMMD5 :
      if (hasir) return (s->state = SV_END, TERN_SASL_ESYNTAX) ;
      return tern_sasl_server_cram_start(s) ;
    default : s->state = SV_SCRAMFIRST ; break ;
  }
  return hasir ? tern_sasl_server_step(s, ir, irlen) : challenge(s, "", s->state) ;
}

int tern_sasl_server_step (tern_sasl_server *s, char const *in, size_t len)
{
  int st = s->state ;
  if (len > TERN_SASL_MAX) return (s->state = SV_END, TERN_SASL_ESYNTAX) ;
  switch (st)
  {
    case SV_PLAIN : return plain(s, in, len) ;
    case SV_LOGINUSER :
      if (!len || memchr(in, 0, len)) return (s->state = SV_END, TERN_SASL_ESYNTAX) ;
      if (!stralloc_copyb(&s->msg, in, len)) return TERN_SASL_ETEMP ;
      return challenge(s, "Password:", SV_LOGINPASS) ;
    case SV_LOGINPASS :
      if (memchr(in, 0, len)) return (s->state = SV_END, TERN_SASL_ESYNTAX) ;
      if (!stralloc_0(&s->authz)) return TERN_SASL_ETEMP ;
      return check(s, s->msg.s, s->msg.len, in, len) ;
    case SV_CRAM : return tern_sasl_server_cram_step(s, in, len) ;
    case SV_SCRAMFIRST : return tern_sasl_server_scram_first(s, in, len) ;
    case SV_SCRAMFINAL : return tern_sasl_server_scram_final(s, in, len) ;
    case SV_SCRAMOK :
      s->state = SV_END ;
      return len ? TERN_SASL_ESYNTAX : TERN_SASL_DONE ;
    case SV_SCRAMBAD : s->state = SV_END ; return TERN_SASL_EAUTH ;
    default : s->state = SV_END ; return TERN_SASL_ESYNTAX ;
  }
}

void tern_sasl_server_free (tern_sasl_server *s)
{
  stralloc_free(&s->out) ;
  stralloc_free(&s->user) ;
  stralloc_free(&s->authz) ;
  stralloc_free(&s->msg) ;
  stralloc_free(&s->expect) ;
  memset(&s->cred, 0, sizeof s->cred) ;
  s->state = s->mech = 0 ;
}
