/* tern-imap-recent: \Recent (IMAP4rev1) at a cost that stays flat as the
   mailbox grows: the index header's recent boundary, which the first
   session to SELECT a message takes over under the exclusive lock. */
#include <sys/file.h>
#include "tern.h"
#include "tern-imap.h"

static size_t nrecent = 0, reported = 0 ;
static uint32_t decided = 0 ;   /* highest UID whose \Recent is decided */

void recent_reset (void)
{
  nrecent = reported = 0 ;
  decided = 0 ;
}

/* messages of the list above the UIDs already decided (new ones, so at
   its end): recent to this session if above the mailbox's boundary.  A
   read-write session raises the boundary (Dovecot's model); EXAMINE only
   looks.  In doubt (no lock, no write) none is recent.  An IMAP4rev2
   session has no \Recent (RFC 9051): it takes none over, leaving them
   to the IMAP4rev1 sessions. */
void recent_take (void)
{
  imsg *m = sel_msgs() ;
  size_t n = sel_count(), i = n ;
  uint32_t b, last ;
  if (S.rev2 || !n || m[n-1].uid <= decided) return ;
  last = m[n-1].uid ;
  while (i > 0 && m[i-1].uid > decided) i-- ;
  b = S.mbox.hdr.recent ;
  if (!S.readonly)
  {
    if (S.mbox.locked || tern_mbox_lock(&S.mbox, LOCK_EX)) b = last ;
    else
    {
      b = S.mbox.hdr.recent ;
      if (b < last)
      {
        S.mbox.hdr.recent = last ;
        if (tern_mbox_puthdr(&S.mbox)) b = last ;
      }
      tern_mbox_unlock(&S.mbox) ;
    }
  }
  for (; i < n ; i++)
    if (m[i].uid > b && !(m[i].flags & TERN_F_EXPUNGED) && !m[i].recent) { m[i].recent = 1 ; nrecent++ ; }
  decided = last ;
}

/* SELECT counted n recent messages up to UID last (tern-imap-lazy.c) */
void recent_select (size_t n, uint32_t last)
{
  nrecent = n ;
  decided = last ;
}

/* message m leaves the list */
void recent_gone (imsg const *m)
{
  if (m->recent && nrecent) nrecent-- ;
}

/* the list was rebuilt */
void recent_recount (void)
{
  nrecent = 0 ;
  for (size_t i = 0 ; i < sel_count() ; i++) if (sel_msgs()[i].recent && !(sel_msgs()[i].flags & TERN_F_EXPUNGED)) nrecent++ ;
}

/* "* n RECENT" when the number changed (always: at SELECT); never
   under IMAP4rev2 */
void recent_report (int always)
{
  if (S.rev2 || (!always && nrecent == reported)) return ;
  out_puts("* ") ; out_u64(nrecent) ; out_puts(" RECENT\r\n") ;
  reported = nrecent ;
}

/* STATUS RECENT: the messages above the boundary of m (header read),
   found by a binary search on UID: O(log n + recent) */
int recent_count (tern_mbox *m, uint64_t *n)
{
  size_t lo ;
  genalloc recs = GENALLOC_ZERO ;
  int e ;
  *n = 0 ;
  if (m->hdr.recent == 0xffffffffu) return TERN_OK ;
  e = tern_mbox_lower(m, m->hdr.recent + 1, &lo) ;
  if (e) return e ;
  e = tern_mbox_records(m, lo, &recs) ;
  for (size_t i = 0 ; !e && i < genalloc_len(tern_rec, &recs) ; i++)
    if (!(genalloc_s(tern_rec, &recs)[i].flags & TERN_F_EXPUNGED)) (*n)++ ;
  genalloc_free(tern_rec, &recs) ;
  return e ;
}
