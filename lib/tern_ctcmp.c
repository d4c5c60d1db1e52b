/* tern_ctcmp: compare secrets in time that depends only on their length. */
#include "tern_crypto.h"

int tern_ctcmp (void const *a, void const *b, size_t n)
{
  unsigned char const *x = a, *y = b ;
  unsigned char d = 0 ;
  for (size_t i = 0 ; i < n ; i++) d |= x[i] ^ y[i] ;
  return d == 0 ;
}
