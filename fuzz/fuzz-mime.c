/* fuzz-mime: RFC 2047 decoding of arbitrary header text; the output is
   at most three bytes per input byte (a Latin byte becomes up to three
   bytes of UTF-8), and decoding its own output again must not crash. */
#include <stdint.h>
#include <stdlib.h>
#include "tern_mime.h"

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  stralloc sa = STRALLOC_ZERO, again = STRALLOC_ZERO ;
  if (!tern_rfc2047_cat(&sa, (char const *)data, size)) abort() ;
  if (sa.len > 3 * size) abort() ;
  if (!tern_rfc2047_cat(&again, sa.s, sa.len)) abort() ;
  stralloc_free(&sa) ;
  stralloc_free(&again) ;
  return 0 ;
}
