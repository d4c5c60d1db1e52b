/* tern_sasl_client: the client side of SASL as a step function; PLAIN,
   LOGIN and CRAM-MD5 here, SCRAM in tern_sasl_client_scram.c. */
#include <string.h>
#include "tern_crypto.h"
#include "tern_sasl_priv.h"

#define CL_LOGINUSER 1
#define CL_LOGINPASS 2
#define CL_CRAM 3
#define CL_SCRAMFIRST 4
#define CL_SCRAMFINAL 5
#define CL_END 6

extern int tern_sasl_client_scram_start (tern_sasl_client *c) ;
extern int tern_sasl_client_scram_first (tern_sasl_client *c, char const *in, size_t len) ;
extern int tern_sasl_client_scram_final (tern_sasl_client *c, char const *in, size_t len) ;

/* "<x.y@z>": RFC 2195's shape, as the reference client checks it */
static int cramok (char const *in, size_t len)
{
  char const *dot, *at ;
  if (len < 2 || in[0] != '<' || in[len - 1] != '>' || memchr(in, 0, len)) return 0 ;
  dot = memchr(in + 1, '.', len - 2) ;
  if (!dot || dot == in + 1) return 0 ;
  at = memchr(dot + 1, '@', in + len - 1 - (dot + 1)) ;
  return at && at > dot + 1 && at < in + len - 2 ;
}

static int cram (tern_sasl_client *c, char const *in, size_t len)
{
  unsigned char d[16] ;
  char hex[33] ;
  if (!cramok(in, len)) return (c->err = "bad CRAM-MD5 challenge", TERN_SASL_ESYNTAX) ;
  tern_hmac(&br_md5_vtable, c->pass, strlen(c->pass), in, len, d) ;
  hex[0] = ' ' ;
  tern_hex_fmt(hex + 1, d, 16) ;
  c->last = 1 ;
  return stralloc_cats(&c->out, c->user) && stralloc_catb(&c->out, hex, 33) ? TERN_SASL_NEXT : TERN_SASL_ETEMP ;
}

int tern_sasl_client_start (tern_sasl_client *c, char const *mech, char const *user, char const *pass)
{
  c->mech = tern_sasl_mech(mech, strlen(mech)) ;
  c->user = user ; c->pass = pass ;
  c->state = c->hasout = c->last = 0 ;
  c->err = 0 ;
  c->out.len = c->msg.len = 0 ;
  switch (c->mech)
  {
    case TERN_SASL_PLAIN :
      c->hasout = c->last = 1 ;
      c->state = CL_END ;
      return stralloc_catb(&c->out, "", 1) && stralloc_cats(&c->out, user) && stralloc_catb(&c->out, "", 1)
        && stralloc_cats(&c->out, pass) ? TERN_SASL_NEXT : TERN_SASL_ETEMP ;
    case TERN_SASL_LOGIN : c->state = CL_LOGINUSER ; return TERN_SASL_NEXT ;
    case TERN_SASL_CRAMMD5 : c->state = CL_CRAM ; return TERN_SASL_NEXT ;
    case TERN_SASL_SCRAMSHA1 :
    case TERN_SASL_SCRAMSHA256 :
      c->hasout = 1 ;
      c->state = CL_SCRAMFIRST ;
      return tern_sasl_client_scram_start(c) ;
    default : c->err = "unknown mechanism" ; return TERN_SASL_ENOMECH ;
  }
}

int tern_sasl_client_step (tern_sasl_client *c, char const *in, size_t len)
{
  int st = c->state ;
  c->out.len = 0 ;
  c->state = CL_END ;
  if (len > TERN_SASL_MAX) return (c->err = "server message too long", TERN_SASL_ESYNTAX) ;
  switch (st)
  {
    case CL_LOGINUSER :
      c->state = CL_LOGINPASS ;
      return stralloc_cats(&c->out, c->user) ? TERN_SASL_NEXT : TERN_SASL_ETEMP ;
    case CL_LOGINPASS :
      c->last = 1 ;
      return stralloc_cats(&c->out, c->pass) ? TERN_SASL_NEXT : TERN_SASL_ETEMP ;
    case CL_CRAM : return cram(c, in, len) ;
    case CL_SCRAMFIRST : c->state = CL_SCRAMFINAL ; return tern_sasl_client_scram_first(c, in, len) ;
    case CL_SCRAMFINAL : return tern_sasl_client_scram_final(c, in, len) ;
    default : c->err = "server continued after our last message" ; return TERN_SASL_ESYNTAX ;
  }
}

void tern_sasl_client_free (tern_sasl_client *c)
{
  if (c->out.s) memset(c->out.s, 0, c->out.a) ;
  stralloc_free(&c->out) ;
  stralloc_free(&c->msg) ;
  memset(c->ssig, 0, sizeof c->ssig) ;
  c->state = c->mech = 0 ;
}
