/* fuzz-route: tern_route_match on hostile route values; the first bytes
   choose the attempt count and where the domains split off.  Property: a
   match's transport name is a non-empty prefix without a space. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "tern_route.h"

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  char const *s = (char const *)data ;
  size_t a, b, tlen = 0 ;
  int r ;
  if (size < 3) return 0 ;
  s += 3 ; size -= 3 ;
  a = data[1] % (size + 1) ;
  b = data[2] % (size - a + 1) ;
  r = tern_route_match(s + a + b, size - a - b, s, a, s + a, b, data[0], &tlen) ;
  if (r > 0 && (!tlen || tlen > size - a - b || memchr(s + a + b, ' ', tlen))) abort() ;
  tern_route_domain(s + a + b, size - a - b, s, a) ;
  return 0 ;
}
