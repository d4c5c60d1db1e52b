/* tern_utf8_dec: decode one UTF-8 character, strictly (RFC 3629). */
#include "tern_utf8.h"

size_t tern_utf8_dec (char const *s, size_t len, uint32_t *cp)
{
  static uint32_t const min[4] = { 0, 0x80, 0x800, 0x10000 } ;
  unsigned char c ;
  size_t n, i ;
  uint32_t v ;
  if (!len) return 0 ;
  c = s[0] ;
  if (c < 0x80) { *cp = c ; return 1 ; }
  if ((c & 0xe0) == 0xc0) { n = 2 ; v = c & 0x1f ; }
  else if ((c & 0xf0) == 0xe0) { n = 3 ; v = c & 0x0f ; }
  else if ((c & 0xf8) == 0xf0) { n = 4 ; v = c & 0x07 ; }
  else return 0 ;
  if (len < n) return 0 ;
  for (i = 1 ; i < n ; i++)
  {
    c = s[i] ;
    if ((c & 0xc0) != 0x80) return 0 ;
    v = (v << 6) | (c & 0x3f) ;
  }
  if (v < min[n-1] || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) return 0 ;
  *cp = v ;
  return n ;
}
