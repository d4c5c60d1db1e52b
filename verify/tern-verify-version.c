/* tern-verify-version: parse a backup's version file (tern-backup(8)): a
   mask of what is wrong with it, 0 for a complete backup of formats this
   tern reads.  Pure (no I/O), so that fuzz/fuzz-verifyversion.c includes it. */
#include <string.h>
#include <skalibs/types.h>
#include "tern_store.h"
#include "tern_queue.h"
#include "tern-verify-version.h"

static int known (char const *s, uint32_t lo, uint32_t hi)
{
  uint32_t v ;
  size_t n = uint32_scan(s, &v) ;
  return n && !s[n] && v >= lo && v <= hi ;
}

/* s[0..len) is changed in place: each LF becomes a NUL; s[len] must exist */
unsigned int verify_version (char *s, size_t len)
{
  unsigned int bad = 0 ;
  size_t i = 0, last = 0 ;
  s[len] = 0 ;
  while (i < len)
  {
    char *nl = memchr(s + i, '\n', len - i) ;
    size_t end = nl ? (size_t)(nl - s) : len ;
    s[end] = 0 ;
    last = i ;
    if (!strncmp(s + i, "store ", 6) && !known(s + i + 6, TERN_STORE_VERSION_MIN, TERN_STORE_VERSION)) bad |= VERIFY_V_STORE ;
    else if (!strncmp(s + i, "queue ", 6) && !known(s + i + 6, 1, TERN_QUEUE_VERSION)) bad |= VERIFY_V_QUEUE ;
    else if (!strncmp(s + i, "tern-backup ", 12) && !known(s + i + 12, 1, 1)) bad |= VERIFY_V_FORMAT ;
    i = end + 1 ;
  }
  if (!len || strcmp(s + last, "complete")) bad |= VERIFY_V_INCOMPLETE ;
  return bad ;
}
