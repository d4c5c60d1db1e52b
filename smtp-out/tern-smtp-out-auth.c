/* tern-smtp-out-auth.c: SMTP AUTH (RFC 4954) with lib's SASL client: the
   first configured mechanism the server offers; PLAIN and LOGIN only over
   TLS; SCRAM's server signature must verify before we believe 235. */
#include <string.h>
#include <strings.h>
#include <skalibs/stralloc.h>
#include <skalibs/djbunix.h>
#include <skalibs/bytestr.h>
#include "tern_sasl.h"
#include "tern_crypto.h"
#include "tern-smtp-out.h"

#define PREFS_MAX 8

static int password (char const *file, stralloc *pw)
{
  size_t n ;
  if (!openslurpclose(pw, file)) return 0 ;
  n = byte_chr(pw->s, pw->len, '\n') ;
  if (n && pw->s[n - 1] == '\r') n-- ;
  pw->len = n ;
  return stralloc_0(pw) ;
}

/* mechanisms=A,B,C into prefs (in place); 0 without the option */
static char const *const *prefsof (char *s, char const **prefs)
{
  unsigned int n = 0 ;
  if (!s) return 0 ;
  while (*s && n < PREFS_MAX)
  {
    prefs[n++] = s ;
    s += str_chr(s, ',') ;
    if (*s) *s++ = 0 ;
  }
  prefs[n] = 0 ;
  return prefs ;
}

/* sends base64(out), "=" for an empty initial response; reads the reply */
static int send64 (sout *o, tern_sasl_client *c, char const *prefix, int ir, char *buf, size_t max)
{
  stralloc sa = STRALLOC_ZERO ;
  int code = 0 ;
  if (stralloc_cats(&sa, prefix)
   && (ir && !c->out.len ? stralloc_cats(&sa, "=") : tern_b64_cat(&sa, c->out.s, c->out.len)) && stralloc_0(&sa))
    code = so_cmd(o, sa.s, buf, max) ;
  if (sa.s) memset(sa.s, 0, sa.a) ;
  stralloc_free(&sa) ;
  return code ;
}

static int dialogue (sout *o, tern_sasl_client *c, char const *mech, char *buf, size_t max)
{
  char cmd[64] = "AUTH " ;
  int code ;
  strncat(cmd, mech, 40) ;
  if (c->hasout) { strcat(cmd, " ") ; code = send64(o, c, cmd, 1, buf, max) ; }
  else code = so_cmd(o, cmd, buf, max) ;
  for (;;)
  {
    stralloc in = STRALLOC_ZERO ;
    int r ;
    char const *t = buf + 4 ;
    if (code != 334 && code != 235) return 0 ;
    if (code == 235 && c->last) return 1 ;
    if (strlen(buf) < 4) t = "" ;
    if (!tern_b64_decat(&in, t, strlen(t))) { stralloc_free(&in) ; so_fail(buf, "454 4.7.0", "bad SASL challenge from ", o->peer) ; return 0 ; }
    r = tern_sasl_client_step(c, in.s, in.len) ;
    stralloc_free(&in) ;
    if (r != TERN_SASL_NEXT) { so_fail(buf, "454 4.7.0", "SASL failed: ", c->err) ; return 0 ; }
    if (code == 235) return c->last ;  /* SCRAM's v= came with 235 */
    code = send64(o, c, "", 0, buf, max) ;
  }
}

int so_auth (sout *o, char *buf, size_t max)
{
  char const *prefs[PREFS_MAX + 1] ;
  char list[256] ;
  char const *mech ;
  tern_sasl_client c = TERN_SASL_CLIENT_ZERO ;
  stralloc pw = STRALLOC_ZERO ;
  int ok = 0 ;
  list[sizeof list - 1] = 0 ;
  if (!stralloc_0(&o->authmechs)) { so_fail(buf, "451 4.3.0", "out of memory", 0) ; return 0 ; }
  o->authmechs.len-- ;
  mech = tern_sasl_client_choose(o->authmechs.s, o->authmechs.len, prefsof(o->mechs ? strncpy(list, o->mechs, sizeof list - 1) : 0, prefs)) ;
  if (!mech) { so_fail(buf, "454 4.7.0", "no configured SASL mechanism offered by ", o->peer) ; return 0 ; }
  if (!o->intls && (!strcasecmp(mech, "PLAIN") || !strcasecmp(mech, "LOGIN")))
  {
    so_fail(buf, "454 4.7.0", "refusing to send a password without TLS to ", o->peer) ;
    return 0 ;
  }
  if (!password(o->authfile, &pw)) { so_fail(buf, "451 4.3.0", "unable to read ", o->authfile) ; return 0 ; }
  if (tern_sasl_client_start(&c, mech, o->authuser, pw.s) == TERN_SASL_NEXT) ok = dialogue(o, &c, mech, buf, max) ;
  else so_fail(buf, "451 4.3.0", "SASL failed: ", c.err) ;
  tern_sasl_client_free(&c) ;
  if (pw.s) memset(pw.s, 0, pw.a) ;
  stralloc_free(&pw) ;
  return ok ;
}
