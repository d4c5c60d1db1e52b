/* fuzz-imap: the IMAP command parser, sequence sets, the mailbox-name
   codec, SEARCH's UTF-8 matching and Date: day reader of tern-imap on
   arbitrary bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "../imap/tern-imap.h"
#include "../imap/tern-imap-parse.c"
#include "../imap/tern-imap-name.c"
#include "../imap/tern-imap-text.c"

static icmd c ;

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  char *s = malloc(size + 1) ;
  genalloc r = GENALLOC_ZERO ;
  stralloc a = STRALLOC_ZERO, b = STRALLOC_ZERO ;
  uint64_t n ;
  int plus ;
  int64_t day ;
  if (!s) return 0 ;
  memcpy(s, data, size) ;
  s[size] = 0 ;
  imap_sentday(s, size, &day) ;
  if (!imap_textmatch(s, size, s, size)) abort() ;   /* a text always matches itself */
  if (imap_parse(&c, s, size))
    for (unsigned int i = 0 ; i < c.n ; i++)
      if (c.nodes[i].type == N_ATOM) { imap_seqparse(c.nodes[i].s, c.nodes[i].len, &r) ; imap_seqhas(&r, 7, 9) ; }
  memcpy(s, data, size) ;
  imap_litscan(s, size, &n, &plus) ;
  if (imap_mutf7_decode(&a, s, size) && !imap_mutf7_encode(&b, a.s, a.len)) abort() ;
  if (imap_mutf7_encode(&a, s, size) && (!imap_mutf7_decode(&b, a.s, a.len) || b.len != size || (size && memcmp(b.s, s, size)))) abort() ;
  genalloc_free(iseq, &r) ;
  stralloc_free(&a) ;
  stralloc_free(&b) ;
  free(s) ;
  return 0 ;
}
