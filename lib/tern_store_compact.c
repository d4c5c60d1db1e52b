/* tern_store_compact: write a new index (index.tmp, locked before it is
   renamed into place, so the lock never lapses), mark the old one
   obsolete, reset the changes log.  Compaction drops tombstones. */
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/file.h>
#include "tern.h"
#include "tern_store.h"

static int writeall (int fd, tern_idxhdr const *h, tern_rec const *recs, size_t n)
{
  char buf[64 * TERN_STORE_RECSIZE] ;
  size_t i = 0 ;
  tern_idxhdr_pack(buf, h) ;
  if (write(fd, buf, TERN_STORE_HDRSIZE) != TERN_STORE_HDRSIZE) return 0 ;
  while (i < n)
  {
    size_t k = 0 ;
    for (; k < 64 && i < n ; k++, i++) tern_rec_pack(buf + k * TERN_STORE_RECSIZE, recs + i) ;
    if (write(fd, buf, k * TERN_STORE_RECSIZE) != (ssize_t)(k * TERN_STORE_RECSIZE)) return 0 ;
  }
  return fsync(fd) == 0 ;
}

/* the unseen boundary (tern-store.5): the first live record without
   \Seen, or uidnext */
uint32_t tern_mbox_unseenof (tern_rec const *recs, size_t n, uint32_t uidnext)
{
  for (size_t i = 0 ; i < n ; i++)
    if (!(recs[i].flags & (TERN_F_SEEN | TERN_F_EXPUNGED))) return recs[i].uid ;
  return uidnext ;
}

/* EX lock held.  recs sorted by UID, unique, all below uidnext. */
int tern_mbox_rewrite (tern_mbox *m, tern_rec const *recs, size_t n, uint32_t uidnext, uint32_t uidvalidity)
{
  stralloc tmp = STRALLOC_ZERO, path = STRALLOC_ZERO ;
  tern_idxhdr h = m->hdr ;
  int fd = -1, r = TERN_TEMP ;
  h.uidnext = uidnext ; h.uidvalidity = uidvalidity ;
  h.generation++ ; h.tombstones = 0 ; h.flags = 0 ; h.usage = 1 ;
  for (size_t i = 0 ; i < n ; i++)
  {
    if (recs[i].flags & TERN_F_EXPUNGED) h.tombstones++ ;
    else h.usage += recs[i].size ;
    if (recs[i].modseq > h.highestmodseq) h.highestmodseq = recs[i].modseq ;
  }
  h.vanished = h.highestmodseq ? h.highestmodseq : 1 ;   /* the dropped expunges are forgotten */
  h.unseen = tern_mbox_unseenof(recs, n, uidnext) ;
  if (!tern_mbox_path(&tmp, m, "index.tmp", 0) || !tern_mbox_path(&path, m, "index", 0)) goto end ;
  fd = open(tmp.s, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600) ;
  if (fd < 0 || flock(fd, LOCK_EX) < 0) { r = tern_errcode(errno) ; goto end ; }
  errno = EIO ;
  if (!writeall(fd, &h, recs, n) || rename(tmp.s, path.s) < 0 || !tern_fsync_dir(path.s, 0))
  {
    r = tern_errcode(errno) ;
    unlink(tmp.s) ;
    goto end ;
  }
  m->hdr.flags |= TERN_IDX_OBSOLETE ;
  tern_mbox_puthdr(m) ;  /* best effort: waiters also notice the generation */
  close(m->fd) ;
  m->fd = fd ; fd = -1 ;
  m->locked = LOCK_EX ;
  m->hdr = h ;
  m->count = n ;
  r = tern_mbox_chgreset(m) ;
 end:
  if (fd >= 0) close(fd) ;
  stralloc_free(&tmp) ;
  stralloc_free(&path) ;
  return r ;
}

/* unlink the files of tombstones (an expunge may have died before) */
static int sweep (tern_mbox *m, genalloc *g, size_t *n)
{
  tern_rec *recs = genalloc_s(tern_rec, g) ;
  stralloc p = STRALLOC_ZERO ;
  size_t len = genalloc_len(tern_rec, g), k = 0 ;
  for (size_t i = 0 ; i < len ; i++)
  {
    if (!(recs[i].flags & TERN_F_EXPUNGED)) { recs[k++] = recs[i] ; continue ; }
    if (!tern_mbox_path(&p, m, "cur", recs[i].uid)) { stralloc_free(&p) ; return TERN_TEMP ; }
    if (unlink(p.s) < 0 && errno != ENOENT) { int e = errno ; stralloc_free(&p) ; return tern_errcode(e) ; }
  }
  stralloc_free(&p) ;
  *n = k ;
  return TERN_OK ;
}

int tern_mbox_compact (tern_mbox *m, int force)
{
  genalloc g = GENALLOC_ZERO ;
  size_t n = 0 ;
  int r ;
  if (!force && (m->hdr.tombstones <= 64 || m->hdr.tombstones <= m->count / 2)) return TERN_OK ;
  r = tern_mbox_records(m, 0, &g) ;
  if (!r) r = sweep(m, &g, &n) ;
  if (!r) r = tern_mbox_rewrite(m, genalloc_s(tern_rec, &g), n, m->hdr.uidnext, m->hdr.uidvalidity) ;
  genalloc_free(tern_rec, &g) ;
  return r ;
}
