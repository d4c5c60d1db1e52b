/* tern_store_read: the IMAP read side: all records or those from a
   position on (UID order checked), one record by UID (binary search), the
   changes tail, and a message file by UID.  Records are written whole, so
   no lock is needed. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <skalibs/types.h>
#include "tern.h"
#include "tern_store.h"

/* record i (from 0) breaks the UID order: damage */
static int badrec (tern_mbox *m, size_t i, uint32_t uid, uint32_t prev)
{
  char what[80 + SIZE_FMT + UINT32_FMT] ;
  size_t n = 7 ;
  memcpy(what, "record ", 7) ;
  n += size_fmt(what + n, i + 1) ;
  if (!uid) memcpy(what + n, ": UID 0", 8) ;
  else
  {
    char const *s = uid == prev ? ": duplicate UID " : ": records out of order, UID " ;
    memcpy(what + n, s, strlen(s)) ;
    n += strlen(s) ;
    n += uint32_fmt(what + n, uid) ;
    if (uid != prev)
    {
      memcpy(what + n, " after ", 7) ;
      n += 7 + uint32_fmt(what + n + 7, prev) ;
    }
    what[n] = 0 ;
  }
  return tern_store_damage(m->dir.s, "index", 0, what) ;
}

typedef struct readctx_s readctx ;
struct readctx_s
{
  tern_mbox *m ;
  genalloc *recs ;
  uint32_t prev ;
  int check ;
  int r ;
} ;

static int readone (tern_rec const *rec, size_t pos, void *data)
{
  readctx *c = data ;
  if (c->check && rec->uid <= c->prev) { c->r = badrec(c->m, pos, rec->uid, c->prev) ; return 1 ; }
  c->prev = rec->uid ;
  if (!genalloc_catb(tern_rec, c->recs, rec, 1)) { c->r = TERN_TEMP ; return 1 ; }
  return 0 ;
}

/* a file that shrank under us stops the scan: the caller sees fewer */
static int readrecs (tern_mbox *m, size_t from, genalloc *recs, int check)
{
  readctx c = { .m = m, .recs = recs, .check = check } ;
  int r = tern_mbox_header(m) ;
  if (r) return r ;
  if (from && from < m->count)
  {
    tern_rec rec ;
    r = tern_mbox_getrec(m, from - 1, &rec) ;
    if (r) return r ;
    c.prev = rec.uid ;
  }
  r = tern_mbox_scan(m, from, m->count, &readone, &c) ;
  return r ? r : c.r ;
}

/* appends records from..count; UIDs must increase strictly from the
   record before from (damage otherwise) */
int tern_mbox_records (tern_mbox *m, size_t from, genalloc *recs)
{
  return readrecs(m, from, recs, 1) ;
}

/* every record as it is, for check and repair */
int tern_mbox_allrecords (tern_mbox *m, genalloc *recs)
{
  return readrecs(m, 0, recs, 0) ;
}

/* TERN_OK and *r, *pos; TERN_PERM with ENOENT when no record has uid */
int tern_mbox_find (tern_mbox *m, uint32_t uid, tern_rec *r, size_t *pos)
{
  size_t lo = 0, hi = m->count ;
  while (lo < hi)
  {
    size_t mid = lo + (hi - lo) / 2 ;
    int e = tern_mbox_getrec(m, mid, r) ;
    if (e) return e ;
    if (r->uid == uid) { *pos = mid ; return TERN_OK ; }
    if (r->uid < uid) lo = mid + 1 ; else hi = mid ;
  }
  return (errno = ENOENT, TERN_PERM) ;
}

int tern_mbox_changes (tern_mbox *m, uint32_t generation, uint64_t *off, genalloc *chg, int *resync)
{
  char buf[128 * TERN_STORE_CHGSIZE] ;
  uint32_t gen ;
  int r = tern_mbox_header(m) ;
  *resync = 0 ;
  if (r) return r ;
  if ((m->hdr.flags & TERN_IDX_OBSOLETE) || m->hdr.generation != generation) { *resync = 1 ; return TERN_OK ; }
  r = tern_mbox_chgopen(m) ;
  if (r) return r ;
  if (pread(m->cfd, buf, TERN_STORE_CHGHDR, 0) != TERN_STORE_CHGHDR || !tern_chghdr_unpack(buf, &gen) || gen != generation)
  {
    *resync = 1 ;
    return TERN_OK ;
  }
  if (*off < TERN_STORE_CHGHDR) *off = TERN_STORE_CHGHDR ;
  for (;;)
  {
    ssize_t n = pread(m->cfd, buf, sizeof buf, (off_t)*off) ;
    size_t got ;
    if (n < 0) return tern_errcode(errno) ;
    got = (size_t)n / TERN_STORE_CHGSIZE ;
    if (!got) break ;
    for (size_t i = 0 ; i < got ; i++)
    {
      tern_change c ;
      tern_change_unpack(buf + i * TERN_STORE_CHGSIZE, &c) ;
      if (!genalloc_catb(tern_change, chg, &c, 1)) return TERN_TEMP ;
    }
    *off += got * TERN_STORE_CHGSIZE ;
  }
  return TERN_OK ;
}

int tern_mbox_openmsg (tern_mbox *m, uint32_t uid)
{
  stralloc p = STRALLOC_ZERO ;
  int fd ;
  if (!tern_mbox_path(&p, m, "cur", uid)) return -1 ;
  fd = open(p.s, O_RDONLY | O_CLOEXEC) ;
  {
    int e = errno ;
    stralloc_free(&p) ;
    errno = e ;
  }
  return fd ;
}

int tern_mbox_lower (tern_mbox *m, uint32_t uid, size_t *pos)
{
  size_t lo = 0, hi = m->count ;
  while (lo < hi)
  {
    size_t mid = lo + (hi - lo) / 2 ;
    tern_rec r ;
    int e = tern_mbox_getrec(m, mid, &r) ;
    if (e) return e ;
    if (r.uid < uid) lo = mid + 1 ; else hi = mid ;
  }
  *pos = lo ;
  return TERN_OK ;
}

int tern_mbox_scan (tern_mbox *m, size_t from, size_t to, tern_recscan_func *f, void *data)
{
  char buf[256 * TERN_STORE_RECSIZE] ;
  if (to > m->count) to = m->count ;
  while (from < to)
  {
    size_t want = to - from > 256 ? 256 : to - from, got ;
    ssize_t n = pread(m->fd, buf, want * TERN_STORE_RECSIZE, (off_t)(TERN_STORE_HDRSIZE + from * TERN_STORE_RECSIZE)) ;
    if (n < 0) return tern_errcode(errno) ;
    got = (size_t)n / TERN_STORE_RECSIZE ;
    if (!got) break ;
    for (size_t i = 0 ; i < got ; i++)
    {
      tern_rec r ;
      tern_rec_unpack(buf + i * TERN_STORE_RECSIZE, &r) ;
      if ((*f)(&r, from + i, data)) return TERN_OK ;
    }
    from += got ;
  }
  return TERN_OK ;
}
