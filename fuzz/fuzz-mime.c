/* fuzz-mime: RFC 2047 decoding of arbitrary header text (the output is
   at most three bytes per input byte: a Latin byte becomes up to three
   bytes of UTF-8; decoding its own output again must not crash), and
   the Content-Transfer-Encoding field and decoders (never longer than the
   input). */
#include <stdint.h>
#include <stdlib.h>
#include "tern_mime.h"

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  stralloc sa = STRALLOC_ZERO, again = STRALLOC_ZERO ;
  if (!tern_rfc2047_cat(&sa, (char const *)data, size)) abort() ;
  if (sa.len > 3 * size) abort() ;
  if (!tern_rfc2047_cat(&again, sa.s, sa.len)) abort() ;
  for (int cte = TERN_CTE_NONE ; cte <= TERN_CTE_QP ; cte++)
  {
    sa.len = 0 ;
    if (!tern_cte_decode(&sa, (char const *)data, size, cte) || sa.len > size) abort() ;
  }
  if (tern_cte_kind((char const *)data, size) > TERN_CTE_QP) abort() ;
  stralloc_free(&sa) ;
  stralloc_free(&again) ;
  return 0 ;
}
