/* tern_rejects_prune: a rejects mailbox keeps 14 days of copies, as the
   reference's: the older messages are untrained (if they were trained:
   a rejects mailbox named as junk) and expunged, oldest first, stopping
   at the first newer one, so that a prune costs what it removes. */
#include <errno.h>
#include <sys/file.h>
#include <skalibs/genalloc.h>
#include "tern.h"
#include "tern_store.h"
#include "tern_junkdeliver.h"
#include "tern_rejects.h"

/* the UIDs of m's messages older than before, oldest first, into uids */
static int old (tern_mbox *m, int64_t before, genalloc *uids)
{
  for (size_t pos = 0 ; pos < m->count ; pos++)
  {
    tern_rec rec ;
    int r = tern_mbox_getrec(m, pos, &rec) ;
    if (r) return r ;
    if (rec.flags & TERN_F_EXPUNGED) continue ;
    if (rec.internaldate >= before) break ;
    if (!genalloc_append(uint32_t, uids, &rec.uid)) return TERN_TEMP ;
  }
  return TERN_OK ;
}

/* each untrained, all committed: TERN_OK or the error */
static int untrain (tern_junkdb *d, tern_junkopt const *o, tern_mbox *m, genalloc const *uids)
{
  int r = TERN_OK ;
  for (size_t i = 0 ; !r && i < genalloc_len(uint32_t, uids) ; i++)
    r = tern_junk_sync(d, o, m, genalloc_s(uint32_t const, uids)[i], 1) ;
  return r ? r : tern_junkdb_commit(d) ;
}

int tern_rejects_prune (char const *acct, char const *mailbox, tern_junkdeliver const *j, int64_t before, unsigned int *n)
{
  tern_mboxent e ;
  tern_mbox m = TERN_MBOX_ZERO ;
  tern_junkdb d = TERN_JUNKDB_ZERO ;
  genalloc uids = GENALLOC_ZERO ;
  int r = tern_store_mbox_lookup(acct, mailbox, &e), ee ;
  *n = 0 ;
  if (r == TERN_PERM && errno == ENOENT) return TERN_OK ;
  if (!r && j->on) r = tern_junkdb_open(&d, acct, TERN_JUNKDB_WRITE) ;  /* its lock before the mailbox's */
  if (!r) r = tern_mbox_openent(&m, acct, &e) ;
  if (!r) r = tern_mbox_lock(&m, LOCK_EX) ;
  if (!r) r = old(&m, before, &uids) ;
  if (!r && j->on && genalloc_len(uint32_t, &uids)) r = untrain(&d, &j->o, &m, &uids) ;
  for (size_t i = 0 ; !r && i < genalloc_len(uint32_t, &uids) ; i++)
  {
    r = tern_mbox_expunge(&m, genalloc_s(uint32_t, &uids)[i], 0) ;
    if (r == TERN_PERM && errno == ENOENT) r = TERN_OK ;   /* gone meanwhile */
    else if (!r) (*n)++ ;
  }
  if (!r && *n) r = tern_mbox_compact(&m, 0) ;
  ee = errno ;
  tern_mbox_close(&m) ;
  tern_junkdb_close(&d) ;
  genalloc_free(uint32_t, &uids) ;
  errno = ee ;
  return r ;
}
