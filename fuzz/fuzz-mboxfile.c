/* fuzz-mboxfile: splitting arbitrary bytes as an mbox file.  Every
   message lies inside the input, in order, the walk ends, and unquoting
   a message never makes it longer. */
#include <stdint.h>
#include <stdlib.h>
#include "tern_mboxfile.h"

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  char const *s = (char const *)data ;
  stralloc sa = STRALLOC_ZERO ;
  size_t pos = 0, start, end, last = 0, n = 0 ;
  while (tern_mboxfile_next(s, size, &pos, &start, &end))
  {
    if (start < last || end < start || end > size || pos > size || ++n > size + 1) abort() ;
    last = end ;
    sa.len = 0 ;
    if (!tern_mboxfile_unquote(&sa, s + start, end - start) || sa.len > end - start) abort() ;
  }
  stralloc_free(&sa) ;
  return 0 ;
}
