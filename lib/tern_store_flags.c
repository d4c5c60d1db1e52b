/* tern_store_flags: flag changes, expunge, junk training state; all under
   the EX lock.  A change is logged first (write-ahead), then the record is
   rewritten in place, then the header (tern-store.5). */
#include <errno.h>
#include <unistd.h>
#include <sys/stat.h>
#include "tern.h"
#include "tern_store.h"

static int chgappend (tern_mbox *m, tern_change const *c)
{
  char buf[TERN_STORE_CHGSIZE] ;
  struct stat st ;
  int r = tern_mbox_chgopen(m) ;
  if (r) return r ;
  if (fstat(m->cfd, &st) < 0) return tern_errcode(errno) ;
  tern_change_pack(buf, c) ;
  errno = EIO ;
  if (pwrite(m->cfd, buf, sizeof buf, st.st_size) != (ssize_t)sizeof buf) return tern_errcode(errno) ;
  return TERN_OK ;
}

/* log, apply to the record at pos, bump the header */
static int change (tern_mbox *m, size_t pos, tern_rec *rec, uint32_t flags, uint64_t keywords)
{
  tern_change c = { .uid = rec->uid, .flags = flags, .modseq = m->hdr.highestmodseq + 1, .keywords = keywords } ;
  int r = chgappend(m, &c) ;
  if (r) return r ;
  if (!(flags & (TERN_F_SEEN | TERN_F_EXPUNGED)) && rec->uid < m->hdr.unseen)
  {
    /* the unseen boundary goes down before the record changes: a crash
       between the two leaves it low, which is only slower */
    m->hdr.unseen = rec->uid ;
    r = tern_mbox_puthdr(m) ;
    if (r) return r ;
  }
  rec->flags = flags ; rec->keywords = keywords ; rec->modseq = c.modseq ;
  r = tern_mbox_putrec(m, pos, rec) ;
  if (r) return r ;
  m->hdr.highestmodseq = c.modseq ;
  if (flags & TERN_F_EXPUNGED)
  {
    m->hdr.tombstones++ ;
    /* a total that would go below 1 was wrong: not known any more */
    m->hdr.usage = m->hdr.usage > rec->size ? m->hdr.usage - rec->size : 0 ;
  }
  return tern_mbox_puthdr(m) ;
}

static int live (tern_mbox *m, uint32_t uid, tern_rec *rec, size_t *pos)
{
  int r = tern_mbox_find(m, uid, rec, pos) ;
  if (r) return r ;
  if (rec->flags & TERN_F_EXPUNGED) return (errno = ENOENT, TERN_PERM) ;
  return TERN_OK ;
}

/* flags: the new client flags (TERN_F_USER bits); keywords: the new mask.
   unchangedsince (0: none): TERN_PERM with ESTALE if the record's modseq is
   greater.  *modseq gets the record's modseq afterwards. */
int tern_mbox_setflags (tern_mbox *m, uint32_t uid, uint32_t flags, uint64_t keywords, uint64_t unchangedsince, uint64_t *modseq)
{
  tern_rec rec ;
  size_t pos ;
  uint32_t nf ;
  int r = live(m, uid, &rec, &pos) ;
  if (r) return r ;
  if (modseq) *modseq = rec.modseq ;
  if (unchangedsince && rec.modseq > unchangedsince) return (errno = ESTALE, TERN_PERM) ;
  nf = (rec.flags & ~(uint32_t)TERN_F_USER) | (flags & TERN_F_USER) ;
  if (nf == rec.flags && keywords == rec.keywords) return TERN_OK ;
  r = change(m, pos, &rec, nf, keywords) ;
  if (!r && modseq) *modseq = rec.modseq ;
  return r ;
}

/* the record becomes a tombstone, then the file goes */
int tern_mbox_expunge (tern_mbox *m, uint32_t uid, uint64_t *modseq)
{
  stralloc p = STRALLOC_ZERO ;
  tern_rec rec ;
  size_t pos ;
  int r = tern_mbox_find(m, uid, &rec, &pos) ;
  if (r) return r ;
  if (!(rec.flags & TERN_F_EXPUNGED))
  {
    r = change(m, pos, &rec, rec.flags | TERN_F_EXPUNGED, rec.keywords) ;
    if (r) return r ;
  }
  if (modseq) *modseq = rec.modseq ;
  if (!tern_mbox_path(&p, m, "cur", uid)) return TERN_TEMP ;
  if (unlink(p.s) < 0 && errno != ENOENT) r = tern_errcode(errno) ;
  stralloc_free(&p) ;
  return r ;
}

/* not an IMAP-visible change: no modseq, no log */
int tern_mbox_settrain (tern_mbox *m, uint32_t uid, unsigned int state)
{
  tern_rec rec ;
  size_t pos ;
  int r ;
  if (state > TERN_TRAIN_SPAM) return (errno = EINVAL, TERN_PERM) ;
  r = live(m, uid, &rec, &pos) ;
  if (r) return r ;
  rec.flags = (rec.flags & ~(uint32_t)TERN_F_TRAINMASK) | ((uint32_t)state << 16) ;
  return tern_mbox_putrec(m, pos, &rec) ;
}
