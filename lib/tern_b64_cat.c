/* tern_b64_cat: append the standard base64 form of a byte string. */
#include <skalibs/stralloc.h>
#include "tern_crypto.h"

static char const alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/" ;

int tern_b64_cat (stralloc *sa, void const *s, size_t len)
{
  unsigned char const *p = s ;
  char *o ;
  if (!stralloc_readyplus(sa, 4 * ((len + 2) / 3))) return 0 ;
  o = sa->s + sa->len ;
  for (; len >= 3 ; len -= 3, p += 3)
  {
    *o++ = alpha[p[0] >> 2] ;
    *o++ = alpha[((p[0] & 3) << 4) | (p[1] >> 4)] ;
    *o++ = alpha[((p[1] & 15) << 2) | (p[2] >> 6)] ;
    *o++ = alpha[p[2] & 63] ;
  }
  if (len)
  {
    *o++ = alpha[p[0] >> 2] ;
    if (len == 1)
    {
      *o++ = alpha[(p[0] & 3) << 4] ;
      *o++ = '=' ;
    }
    else
    {
      *o++ = alpha[((p[0] & 3) << 4) | (p[1] >> 4)] ;
      *o++ = alpha[(p[1] & 15) << 2] ;
    }
    *o++ = '=' ;
  }
  sa->len = o - sa->s ;
  return 1 ;
}
