/* tern_store_copy: IMAP COPY of one message into another mailbox (the file
   is hard-linked), and moveall (copy then expunge each message), which
   IMAP uses for RENAME INBOX.  Never two mailbox locks at once. */
#include <errno.h>
#include <sys/file.h>
#include "tern.h"
#include "tern_store.h"

int tern_store_copy (tern_mbox *m, uint32_t uid, char const *acct, char const *dest, uint32_t *newuid)
{
  stralloc p = STRALLOC_ZERO ;
  char const *kw[TERN_STORE_KWMAX] ;
  unsigned int nkw = 0 ;
  tern_rec rec ;
  size_t pos ;
  int r = tern_mbox_header(m) ;
  if (!r) r = tern_mbox_find(m, uid, &rec, &pos) ;
  if (!r && (rec.flags & TERN_F_EXPUNGED)) { r = TERN_PERM ; errno = ENOENT ; }
  if (!r && rec.keywords) r = tern_mbox_keywords(m) ;
  if (r) return r ;
  for (unsigned int b = 0 ; b < TERN_STORE_KWMAX ; b++)
    if (rec.keywords & ((uint64_t)1 << b) && tern_mbox_keywordname(m, b)) kw[nkw++] = tern_mbox_keywordname(m, b) ;
  if (!tern_mbox_path(&p, m, "cur", uid)) return TERN_TEMP ;
  r = tern_store_deliverlink(acct, dest, p.s, rec.flags & TERN_F_USER, kw, nkw, rec.internaldate, 0, newuid) ;
  if (r == TERN_TEMP && errno == ENOENT) r = TERN_PERM ;  /* expunged under us */
  stralloc_free(&p) ;
  return r ;
}

static int moveone (tern_mbox *m, uint32_t uid, char const *acct, char const *to)
{
  int r = tern_store_copy(m, uid, acct, to, 0) ;
  if (r == TERN_PERM && errno == ENOENT) return TERN_OK ;  /* gone already */
  if (r) return r ;
  r = tern_mbox_lock(m, LOCK_EX) ;
  if (r) return r ;
  r = tern_mbox_expunge(m, uid, 0) ;
  if (r == TERN_PERM && errno == ENOENT) r = TERN_OK ;
  tern_mbox_unlock(m) ;
  return r ;
}

int tern_store_moveall (char const *acct, char const *from, char const *to)
{
  tern_mboxent e ;
  tern_mbox m = TERN_MBOX_ZERO ;
  genalloc g = GENALLOC_ZERO ;
  int r = tern_store_mbox_lookup(acct, from, &e) ;
  if (r) return r ;
  r = tern_mbox_open(&m, acct, e.id) ;
  if (!r) r = tern_mbox_records(&m, 0, &g) ;
  for (size_t i = 0 ; !r && i < genalloc_len(tern_rec, &g) ; i++)
    if (!(genalloc_s(tern_rec, &g)[i].flags & TERN_F_EXPUNGED))
      r = moveone(&m, genalloc_s(tern_rec, &g)[i].uid, acct, to) ;
  if (!r) r = tern_mbox_lock(&m, LOCK_EX) ;
  if (!r) { r = tern_mbox_compact(&m, 0) ; tern_mbox_unlock(&m) ; }
  tern_mbox_close(&m) ;
  genalloc_free(tern_rec, &g) ;
  return r ;
}
