/* fuzz-imapmime: tern-imap's MIME structure, envelope and section lookup
   on arbitrary messages, with message/global attached or not. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "../imap/tern-imap.h"
#include "../imap/tern-imap-env.c"
#include "../imap/tern-imap-mime.c"

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  static char const *const paths[] = { "1", "2", "1.1", "2.1", "1.2.3", "3.1.1" } ;
  stralloc sa = STRALLOC_ZERO ;
  char const *s = (char const *)data ;
  size_t es, el ;
  int ismsg ;
  mime_global = size & 1 ;   /* message/global as IMAP4rev2 sees it, or not */
  mime_structure(&sa, s, size, 1) ;
  sa.len = 0 ;
  mime_structure(&sa, s, size, 0) ;
  sa.len = 0 ;
  mime_envelope(&sa, s, mime_hdrlen(s, size)) ;
  for (unsigned int i = 0 ; i < sizeof paths / sizeof *paths ; i++)
    if (mime_section(s, size, paths[i], strlen(paths[i]), &es, &el, &ismsg) && (es > size || el > size - es)) abort() ;
  stralloc_free(&sa) ;
  return 0 ;
}
