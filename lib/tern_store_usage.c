/* tern_store_usage: a mailbox's usage (tern-store.5 index header, usage
   total): bytes and number of the messages not expunged, from the header
   in O(1), or from every record when the total is not known (an index
   last written by a program that predates it). */
#include <errno.h>
#include <unistd.h>
#include "tern.h"
#include "tern_store.h"

/* the sum over m's m->count records as they are in memory's view (no
   header read: the caller may hold changes not yet written) */
static int sum (tern_mbox *m, uint64_t *bytes)
{
  char buf[256 * TERN_STORE_RECSIZE] ;
  size_t from = 0 ;
  *bytes = 0 ;
  while (from < m->count)
  {
    size_t want = m->count - from, got ;
    ssize_t n ;
    if (want > 256) want = 256 ;
    n = pread(m->fd, buf, want * TERN_STORE_RECSIZE, (off_t)(TERN_STORE_HDRSIZE + from * TERN_STORE_RECSIZE)) ;
    if (n < 0) return tern_errcode(errno) ;
    got = (size_t)n / TERN_STORE_RECSIZE ;
    if (!got) break ;
    for (size_t i = 0 ; i < got ; i++)
    {
      tern_rec rec ;
      tern_rec_unpack(buf + i * TERN_STORE_RECSIZE, &rec) ;
      if (!(rec.flags & TERN_F_EXPUNGED)) *bytes += rec.size ;
    }
    from += got ;
  }
  return TERN_OK ;
}

int tern_mbox_usagecount (tern_mbox *m)
{
  uint64_t b ;
  int r = sum(m, &b) ;
  if (!r) m->hdr.usage = b + 1 ;
  return r ;
}

int tern_mbox_usage (tern_mbox *m, uint64_t *bytes, uint64_t *messages)
{
  int r = tern_mbox_header(m) ;
  if (r) return r ;
  *messages = m->count > m->hdr.tombstones ? m->count - m->hdr.tombstones : 0 ;
  if (m->hdr.usage) { *bytes = m->hdr.usage - 1 ; return TERN_OK ; }
  return sum(m, bytes) ;
}
