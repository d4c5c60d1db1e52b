/* tern_sasl_server_cram: CRAM-MD5 (RFC 2195) server side, checked against
   the stored HMAC-MD5 intermediate states. */
#include <string.h>
#include <time.h>
#include <skalibs/types.h>
#include "tern_crypto.h"
#include "tern_sasl_priv.h"

int tern_sasl_server_cram_start (tern_sasl_server *s)
{
  s->state = SV_CRAM ;
  if (s->testnonce) { if (!stralloc_cats(&s->msg, s->testnonce)) return TERN_SASL_ETEMP ; }
  else
  {
    char fmt[UINT64_FMT] ;
    uint64_t r ;
    tern_random(&r, sizeof r) ;
    if (!stralloc_catb(&s->msg, "<", 1)
     || !stralloc_catb(&s->msg, fmt, uint64_fmt(fmt, r)) || !stralloc_catb(&s->msg, ".", 1)
     || !stralloc_catb(&s->msg, fmt, uint64_fmt(fmt, (uint64_t)time(0))) || !stralloc_catb(&s->msg, "@", 1)
     || !stralloc_cats(&s->msg, s->hostname) || !stralloc_catb(&s->msg, ">", 1)) return TERN_SASL_ETEMP ;
  }
  return stralloc_copyb(&s->out, s->msg.s, s->msg.len) ? TERN_SASL_NEXT : TERN_SASL_ETEMP ;
}

int tern_sasl_server_cram_step (tern_sasl_server *s, char const *in, size_t len)
{
  unsigned char want[16], inner[16], got[16] ;
  br_md5_context m ;
  size_t ulen ;
  int r ;
  s->state = SV_END ;
  /* "user SP digest": the user may hold spaces, the digest is 32 lowercase hex */
  if (len < 34 || in[len - 33] != ' ' || memchr(in, 0, len)) return TERN_SASL_ESYNTAX ;
  for (size_t i = len - 32 ; i < len ; i++)
    if (!((in[i] >= '0' && in[i] <= '9') || (in[i] >= 'a' && in[i] <= 'f'))) return TERN_SASL_ESYNTAX ;
  tern_hex_scan(got, 16, in + len - 32) ;
  ulen = len - 33 ;
  if (!stralloc_copyb(&s->user, in, ulen) || !stralloc_0(&s->user) || !stralloc_0(&s->authz)) return TERN_SASL_ETEMP ;
  r = tern_sasl_server_getcred(s) ;
  if (r) return r ;
  if (!(s->cred.has & TERN_CRED_CRAM)) return TERN_SASL_ENOTPOSS ;
  br_md5_set_state(&m, s->cred.cram_i, 64) ;
  br_md5_update(&m, s->msg.s, s->msg.len) ;
  br_md5_out(&m, inner) ;
  br_md5_set_state(&m, s->cred.cram_o, 64) ;
  br_md5_update(&m, inner, 16) ;
  br_md5_out(&m, want) ;
  return tern_ctcmp(want, got, 16) ? TERN_SASL_DONE : TERN_SASL_EAUTH ;
}
