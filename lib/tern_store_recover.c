/* tern_store_recover: the O(1) repair every writer runs on taking the
   EX lock (tern-store.5 Recovery): cut partial records, fix UIDNEXT, adopt
   messages whose delivery died after the rename, replay the last change. */
#include <errno.h>
#include <unistd.h>
#include <sys/stat.h>
#include "tern.h"
#include "tern_store.h"

static int adopt (tern_mbox *m, int *dirty)
{
  stralloc p = STRALLOC_ZERO ;
  int r = TERN_OK ;
  for (;;)
  {
    struct stat st ;
    tern_rec rec = { .uid = m->hdr.uidnext } ;
    if (m->hdr.uidnext == 0xffffffffu) break ;
    if (!tern_mbox_path(&p, m, "cur", m->hdr.uidnext)) { r = TERN_TEMP ; break ; }
    if (stat(p.s, &st) < 0)
    {
      if (errno != ENOENT) r = tern_errcode(errno) ;
      break ;
    }
    rec.modseq = ++m->hdr.highestmodseq ;
    rec.size = (uint64_t)st.st_size ;
    rec.internaldate = (int64_t)st.st_mtime ;
    r = tern_mbox_putrec(m, m->count, &rec) ;
    if (r) break ;
    m->count++ ;
    m->hdr.uidnext++ ;
    *dirty = 1 ;
  }
  stralloc_free(&p) ;
  return r ;
}

static int lastrec (tern_mbox *m, int *dirty)
{
  tern_rec rec ;
  int r ;
  if (m->torn && ftruncate(m->fd, (off_t)(TERN_STORE_HDRSIZE + m->count * TERN_STORE_RECSIZE)) < 0) return tern_errcode(errno) ;
  m->torn = 0 ;
  if (!m->count) return TERN_OK ;
  r = tern_mbox_getrec(m, m->count - 1, &rec) ;
  if (r) return r ;
  if (rec.uid >= m->hdr.uidnext && rec.uid != 0xffffffffu) { m->hdr.uidnext = rec.uid + 1 ; *dirty = 1 ; }
  if (rec.modseq > m->hdr.highestmodseq) { m->hdr.highestmodseq = rec.modseq ; *dirty = 1 ; }
  return TERN_OK ;
}

/* the last change may be logged but not applied to its record or header */
static int replay (tern_mbox *m, int *dirty)
{
  char buf[TERN_STORE_CHGSIZE] ;
  struct stat st ;
  uint32_t gen ;
  tern_change c ;
  tern_rec rec ;
  size_t pos, n ;
  int r = tern_mbox_chgopen(m) ;
  if (r) return r ;
  if (fstat(m->cfd, &st) < 0) return tern_errcode(errno) ;
  if (st.st_size < TERN_STORE_CHGHDR || pread(m->cfd, buf, TERN_STORE_CHGHDR, 0) != TERN_STORE_CHGHDR
   || !tern_chghdr_unpack(buf, &gen) || gen != m->hdr.generation)
    return tern_mbox_chgreset(m) ;
  n = ((size_t)st.st_size - TERN_STORE_CHGHDR) / TERN_STORE_CHGSIZE ;
  if ((size_t)st.st_size != TERN_STORE_CHGHDR + n * TERN_STORE_CHGSIZE
   && ftruncate(m->cfd, (off_t)(TERN_STORE_CHGHDR + n * TERN_STORE_CHGSIZE)) < 0) return tern_errcode(errno) ;
  if (!n) return TERN_OK ;
  if (pread(m->cfd, buf, sizeof buf, (off_t)(TERN_STORE_CHGHDR + (n - 1) * TERN_STORE_CHGSIZE)) != (ssize_t)sizeof buf)
    return tern_errcode(errno ? errno : EIO) ;
  tern_change_unpack(buf, &c) ;
  if (c.flags & TERN_F_EXPUNGED)
  {
    /* the expunge may have died before unlinking the file */
    stralloc p = STRALLOC_ZERO ;
    if (!tern_mbox_path(&p, m, "cur", c.uid)) return TERN_TEMP ;
    r = unlink(p.s) < 0 && errno != ENOENT ? tern_errcode(errno) : TERN_OK ;
    stralloc_free(&p) ;
    if (r) return r ;
  }
  if (c.modseq <= m->hdr.highestmodseq) return TERN_OK ;
  r = tern_mbox_find(m, c.uid, &rec, &pos) ;
  if (r == TERN_OK && rec.modseq < c.modseq)
  {
    rec.flags = c.flags ; rec.keywords = c.keywords ; rec.modseq = c.modseq ;
    r = tern_mbox_putrec(m, pos, &rec) ;
    if (r) return r ;
  }
  else if (r == TERN_TEMP) return r ;
  if (c.flags & TERN_F_EXPUNGED) m->hdr.tombstones++ ;
  m->hdr.highestmodseq = c.modseq ;
  *dirty = 1 ;
  return TERN_OK ;
}

int tern_mbox_recover (tern_mbox *m)
{
  int dirty = 0 ;
  int r = lastrec(m, &dirty) ;
  if (!r) r = replay(m, &dirty) ;
  if (!r) r = adopt(m, &dirty) ;
  if (!r && dirty) r = tern_mbox_puthdr(m) ;
  return r ;
}
