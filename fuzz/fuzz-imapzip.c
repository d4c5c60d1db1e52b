/* fuzz-imapzip: tern-imap's COMPRESS=DEFLATE input path (RFC 4978) on
   arbitrary bytes: every call makes at most the buffer's size, the calls
   end (need more input, or corrupt), and nothing leaks. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "../imap/tern-imap.h"
#include "../imap/tern-imap-zip.c"

isession S ;

/* what cmd_compress calls, never reached here */
int imap_isatom (inode const *n, char const *w) { (void)n ; (void)w ; return 0 ; }
void out_tagged (char const *s, char const *t) { (void)s ; (void)t ; }
void imap_ok (char const *t) { (void)t ; }
void out_flush (void) { }
char const *io_rest (size_t *n) { *n = 0 ; return "" ; }

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  static char buf[16384] ;
  unsigned int calls = 0 ;
  if (size > sizeof zin) size = sizeof zin ;
  zip_start((char const *)data, size) ;
  for (;;)
  {
    ssize_t r = zip_in(buf, sizeof buf) ;
    if (r < 0 || (size_t)r > sizeof buf) break ;
    if (!r && !zip_pending()) break ;
    /* deflate expands at most 1032 times: 16 kB in, at most ~1032 buffers out */
    if (++calls > 1100) abort() ;
  }
  zip_end() ;
  return 0 ;
}
