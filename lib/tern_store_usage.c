/* tern_store_usage: a mailbox's usage (tern-store.5 index header, usage
   total): bytes and number of the messages not expunged, from the header
   in O(1), or from every record when the total is not known (an index
   last written by a program that predates it). */
#include "tern.h"
#include "tern_store.h"

static int add (tern_rec const *r, size_t pos, void *data)
{
  (void)pos ;
  if (!(r->flags & TERN_F_EXPUNGED)) *(uint64_t *)data += r->size ;
  return 0 ;
}

/* the sum over m's m->count records as they are in memory's view (no
   header read: the caller may hold changes not yet written) */
static int sum (tern_mbox *m, uint64_t *bytes)
{
  *bytes = 0 ;
  return tern_mbox_scan(m, 0, m->count, &add, bytes) ;
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
