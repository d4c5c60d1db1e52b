/* tern_hex_fmt: lowercase hex of a byte string, no NUL. */
#include "tern_crypto.h"

void tern_hex_fmt (char *out, void const *s, size_t len)
{
  static char const digits[] = "0123456789abcdef" ;
  unsigned char const *p = s ;
  for (size_t i = 0 ; i < len ; i++)
  {
    out[2 * i] = digits[p[i] >> 4] ;
    out[2 * i + 1] = digits[p[i] & 15] ;
  }
}
