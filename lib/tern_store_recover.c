/* tern_store_recover: the O(1) repair every writer runs on taking the
   EX lock (tern-store.5 Recovery): cut partial records (and take back the
   messages above the last whole one), fix UIDNEXT, adopt messages whose
   delivery died after the rename, replay the last change. */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/stat.h>
#include "tern.h"
#include "tern_store.h"

/* a record for cur/UID (its size, its mtime as internal date); 0 and
   *found = 0 when there is no such file */
static int take (tern_mbox *m, uint32_t uid, tern_change const *c, stralloc *p, int *found)
{
  struct stat st ;
  tern_rec rec = { .uid = uid } ;
  if (c && c->uid == uid)
  {
    rec.flags = c->flags & ~(uint32_t)TERN_F_EXPUNGED ;
    rec.keywords = c->keywords ;
  }
  int r ;
  *found = 0 ;
  if (!tern_mbox_path(p, m, "cur", uid)) return TERN_TEMP ;
  if (stat(p->s, &st) < 0) return errno == ENOENT ? TERN_OK : tern_errcode(errno) ;
  rec.modseq = ++m->hdr.highestmodseq ;
  rec.size = (uint64_t)st.st_size ;
  rec.internaldate = (int64_t)st.st_mtime ;
  r = tern_mbox_putrec(m, m->count, &rec) ;
  if (r) return r ;
  m->count++ ;
  if (uid >= m->hdr.uidnext && uid != 0xffffffffu) m->hdr.uidnext = uid + 1 ;
  *found = 1 ;
  return TERN_OK ;
}

/* a delivery that died after its rename: cur/UIDNEXT, and the next ones */
static int adopt (tern_mbox *m, int *dirty)
{
  stralloc p = STRALLOC_ZERO ;
  int r = TERN_OK, found = 1 ;
  while (!r && found && m->hdr.uidnext != 0xffffffffu)
  {
    r = take(m, m->hdr.uidnext, 0, &p, &found) ;
    if (found) *dirty = 1 ;
  }
  stralloc_free(&p) ;
  return r ;
}

struct above { uint32_t last ; genalloc uids ; } ;  /* uint32_t */

static int above (void *data, char const *name, uint32_t uid)
{
  struct above *a = data ;
  (void)name ;
  return uid > a->last && !genalloc_append(uint32_t, &a->uids, &uid) ? TERN_TEMP : TERN_OK ;
}

static int uidcmp (void const *a, void const *b)
{
  uint32_t x = *(uint32_t const *)a, y = *(uint32_t const *)b ;
  return x < y ? -1 : x > y ;
}

/* the last logged change of each of the n uids (sorted) into c[] (uid 0:
   none): a message taken back after a tear keeps the flags and keywords
   it was last given.  One pass over the changes file, only after a tear. */
static int lastchanges (tern_mbox *m, uint32_t const *uids, size_t n, tern_change *c)
{
  char buf[TERN_STORE_CHGSIZE * 256] ;
  struct stat st ;
  uint32_t gen ;
  off_t off = TERN_STORE_CHGHDR ;
  int r = tern_mbox_chgopen(m) ;
  if (r) return r ;
  if (fstat(m->cfd, &st) < 0) return tern_errcode(errno) ;
  if (st.st_size < TERN_STORE_CHGHDR || pread(m->cfd, buf, TERN_STORE_CHGHDR, 0) != TERN_STORE_CHGHDR
   || !tern_chghdr_unpack(buf, &gen) || gen != m->hdr.generation) return TERN_OK ;
  while (off + TERN_STORE_CHGSIZE <= st.st_size)
  {
    ssize_t got = pread(m->cfd, buf, sizeof buf, off) ;
    if (got < 0) { if (errno == EINTR) continue ; return tern_errcode(errno) ; }
    if (got < TERN_STORE_CHGSIZE) break ;
    for (ssize_t i = 0 ; i + TERN_STORE_CHGSIZE <= got ; i += TERN_STORE_CHGSIZE)
    {
      tern_change x ;
      uint32_t const *u ;
      tern_change_unpack(buf + i, &x) ;
      u = bsearch(&x.uid, uids, n, sizeof *uids, &uidcmp) ;
      if (u && (!c[u - uids].uid || x.modseq > c[u - uids].modseq)) c[u - uids] = x ;
    }
    off += got - got % TERN_STORE_CHGSIZE ;
  }
  return TERN_OK ;
}

/* A cut partial record is a tear: the records after it are lost, not the
   messages.  Every file of cur/ above the last whole record gets its
   record back, in UID order, with the flags and keywords of its last
   logged change (a scan of the index, cur/ and the changes, only after
   a tear). */
static int untear (tern_mbox *m, int *dirty)
{
  struct above a = { .last = 0, .uids = GENALLOC_ZERO } ;
  stralloc p = STRALLOC_ZERO ;
  tern_rec rec ;
  tern_change *c = 0 ;
  size_t n ;
  int r = TERN_OK, found ;
  uint32_t tomb = 0 ;
  /* the cut records may have held tombstones: count what is left */
  for (size_t i = 0 ; i < m->count ; i++)
  {
    if ((r = tern_mbox_getrec(m, i, &rec))) return r ;
    if (rec.flags & TERN_F_EXPUNGED) tomb++ ;
    a.last = rec.uid ;
  }
  if (tomb != m->hdr.tombstones) { m->hdr.tombstones = tomb ; *dirty = 1 ; }
  if (m->hdr.unseen) { m->hdr.unseen = 0 ; *dirty = 1 ; }  /* records come back unseen */
  r = tern_mbox_curscan(m, &above, &a) ;
  if (!r && genalloc_len(uint32_t, &a.uids))
    qsort(genalloc_s(uint32_t, &a.uids), genalloc_len(uint32_t, &a.uids), sizeof(uint32_t), &uidcmp) ;
  n = genalloc_len(uint32_t, &a.uids) ;
  c = n ? calloc(n, sizeof *c) : 0 ;
  if (n && !c) r = TERN_TEMP ;
  if (!r && n) r = lastchanges(m, genalloc_s(uint32_t, &a.uids), n, c) ;
  for (size_t i = 0 ; !r && i < n ; i++)
  {
    r = take(m, genalloc_s(uint32_t, &a.uids)[i], c + i, &p, &found) ;
    if (found) *dirty = 1 ;
  }
  free(c) ;
  genalloc_free(uint32_t, &a.uids) ;
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

/* the last change may be logged but not applied to its record or header;
   hms is HIGHESTMODSEQ as the header had it before lastrec() raised it to
   the last record's (a change of the last record that died before its
   header write has raised nothing, and its tombstone is not counted) */
static int replay (tern_mbox *m, uint64_t hms, int *dirty)
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
  {
    /* the expunges it held are lost: QRESYNC must not count on them */
    if (m->hdr.vanished < m->hdr.highestmodseq) { m->hdr.vanished = m->hdr.highestmodseq ; *dirty = 1 ; }
    return tern_mbox_chgreset(m) ;
  }
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
  if (c.modseq <= hms) return TERN_OK ;
  r = tern_mbox_find(m, c.uid, &rec, &pos) ;
  if (r == TERN_OK && rec.modseq < c.modseq)
  {
    rec.flags = c.flags ; rec.keywords = c.keywords ; rec.modseq = c.modseq ;
    if (!(c.flags & (TERN_F_SEEN | TERN_F_EXPUNGED)) && c.uid < m->hdr.unseen) m->hdr.unseen = c.uid ;
    r = tern_mbox_putrec(m, pos, &rec) ;
    if (r) return r ;
  }
  else if (r == TERN_TEMP) return r ;
  if (c.flags & TERN_F_EXPUNGED) m->hdr.tombstones++ ;
  if (c.modseq > m->hdr.highestmodseq) m->hdr.highestmodseq = c.modseq ;
  *dirty = 1 ;
  return TERN_OK ;
}

int tern_mbox_recover (tern_mbox *m)
{
  int dirty = 0, torn = m->torn ;
  uint64_t hms = m->hdr.highestmodseq ;
  int r = lastrec(m, &dirty) ;
  if (!r) r = replay(m, hms, &dirty) ;
  if (!r && torn) r = untear(m, &dirty) ;
  if (!r) r = adopt(m, &dirty) ;
  /* after a crash, or from a program that predates the total: counted
     again (the one case that reads every record) */
  if (!r && (dirty || !m->hdr.usage)) { r = tern_mbox_usagecount(m) ; dirty = 1 ; }
  if (!r && dirty) r = tern_mbox_puthdr(m) ;
  return r ;
}
