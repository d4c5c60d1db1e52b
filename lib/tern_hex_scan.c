/* tern_hex_scan: decode exactly 2*outlen hex digits. */
#include "tern_crypto.h"

static int nib (unsigned char c)
{
  if (c >= '0' && c <= '9') return c - '0' ;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10 ;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10 ;
  return -1 ;
}

int tern_hex_scan (void *out, size_t outlen, char const *s)
{
  unsigned char *o = out ;
  for (size_t i = 0 ; i < outlen ; i++)
  {
    int hi = nib(s[2 * i]), lo ;
    if (hi < 0) return 0 ;
    lo = nib(s[2 * i + 1]) ;
    if (lo < 0) return 0 ;
    o[i] = (unsigned char)(hi << 4 | lo) ;
  }
  return 1 ;
}
