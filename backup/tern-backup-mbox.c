/* tern-backup-mbox: one mailbox: index, changes and keywords read under its
   shared lock as one state; later the files its records name linked (one
   expunged meanwhile becomes a tombstone), then a second pass (MOVE). */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <skalibs/types.h>
#include <skalibs/genalloc.h>
#include "tern.h"
#include "tern-backup.h"

typedef struct mb_s mb ;
struct mb_s
{
  stralloc rel ;      /* ACCTREL/mail/ID, NUL-terminated */
  stralloc src ;      /* datadir/ACCTREL, the account for the store API */
  stralloc dst ;      /* destdir/ACCTREL */
  stralloc cur ;      /* ACCTREL/mail/ID/cur, NUL-terminated */
  stralloc idx, chg, kw ;
  int haschg, haskw ;
  tern_idxhdr hdr ;
  size_t count ;
  uint32_t id ;
} ;
#define MB_ZERO { .rel = STRALLOC_ZERO, .src = STRALLOC_ZERO, .dst = STRALLOC_ZERO, .cur = STRALLOC_ZERO, .idx = STRALLOC_ZERO, \
  .chg = STRALLOC_ZERO, .kw = STRALLOC_ZERO, .haschg = 0, .haskw = 0, .count = 0 }

static void mb_free (mb *b)
{
  stralloc_free(&b->rel) ; stralloc_free(&b->src) ; stralloc_free(&b->dst) ; stralloc_free(&b->cur) ;
  stralloc_free(&b->idx) ; stralloc_free(&b->chg) ; stralloc_free(&b->kw) ;
}

static int mb_init (mb *b, char const *acctrel, uint32_t id)
{
  char fmt[UINT32_FMT] ;
  fmt[uint32_fmt(fmt, id)] = 0 ;
  b->id = id ;
  return stralloc_cats(&b->rel, acctrel) && stralloc_cats(&b->rel, "/mail/") && stralloc_cats(&b->rel, fmt) && stralloc_0(&b->rel)
    && stralloc_catb(&b->cur, b->rel.s, b->rel.len - 1) && stralloc_cats(&b->cur, "/cur") && stralloc_0(&b->cur)
    && stralloc_cats(&b->src, B.datadir) && stralloc_catb(&b->src, "/", 1) && stralloc_cats(&b->src, acctrel) && stralloc_0(&b->src)
    && stralloc_cats(&b->dst, B.destdir) && stralloc_catb(&b->dst, "/", 1) && stralloc_cats(&b->dst, acctrel) && stralloc_0(&b->dst) ;
}

/* rel/sub (NUL-terminated) in sa */
static char const *sub (stralloc *sa, mb const *b, char const *s)
{
  sa->len = 0 ;
  if (!stralloc_catb(sa, b->rel.s, b->rel.len - 1) || !stralloc_catb(sa, "/", 1)
   || !stralloc_cats(sa, s) || !stralloc_0(sa)) return 0 ;
  return sa->s ;
}

/* under the lock: the whole records of the index, changes, keywords */
static int readstate (mb *b, tern_mbox *m)
{
  size_t n = TERN_STORE_HDRSIZE + m->count * TERN_STORE_RECSIZE ;
  int dfd ;
  ssize_t r ;
  if (!stralloc_ready(&b->idx, n)) return TERN_TEMP ;
  r = pread(m->fd, b->idx.s, n, 0) ;
  if (r < 0) return tern_errcode(errno) ;
  if ((size_t)r != n) return (errno = EIO, TERN_TEMP) ;
  b->idx.len = n ;
  b->hdr = m->hdr ;
  b->count = m->count ;
  dfd = open(m->dir.s, O_RDONLY | O_DIRECTORY | O_CLOEXEC) ;
  if (dfd < 0) return tern_errcode(errno) ;
  b->haschg = bk_slurp(&b->chg, dfd, "changes") ;
  if (!b->haschg && errno != ENOENT) { int e = errno ; close(dfd) ; return tern_errcode(e) ; }
  b->haskw = bk_slurp(&b->kw, dfd, "keywords") ;
  if (!b->haskw && errno != ENOENT) { int e = errno ; close(dfd) ; return tern_errcode(e) ; }
  close(dfd) ;
  return TERN_OK ;
}

static uint32_t recuid (mb const *b, size_t i)
{
  uint32_t u ;
  uint32_unpack(b->idx.s + TERN_STORE_HDRSIZE + i * TERN_STORE_RECSIZE, &u) ;
  return u ;
}

static int hasuid (mb const *b, uint32_t uid)
{
  size_t lo = 0, hi = b->count ;
  while (lo < hi)
  {
    size_t mid = lo + (hi - lo) / 2 ;
    uint32_t u = recuid(b, mid) ;
    if (u == uid) return 1 ;
    if (u < uid) lo = mid + 1 ; else hi = mid ;
  }
  return 0 ;
}

static int opencur (mb const *b, int *scur, int *dcur)
{
  stralloc p = STRALLOC_ZERO ;
  int ok = !!sub(&p, b, "cur") ;
  *scur = ok ? openat(B.src, p.s, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1 ;
  *dcur = ok ? openat(B.dst, p.s, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1 ;
  if (*scur < 0 || *dcur < 0) bk_err(ok ? p.s : b->rel.s, "open the directory", errno) ;
  stralloc_free(&p) ;
  if (*scur < 0 || *dcur < 0)
  {
    if (*scur >= 0) close(*scur) ;
    if (*dcur >= 0) close(*dcur) ;
    return 0 ;
  }
  return 1 ;
}

/* link one message: 1 done, 0 gone (expunged), -1 error reported */
static int msglink (mb const *b, int scur, int dcur, tern_rec const *r)
{
  char name[UINT32_FMT] ;
  name[uint32_fmt(name, r->uid)] = 0 ;
  if (bk_msg(scur, dcur, name, b->cur.s)) { B.messages++ ; B.bytes += r->size ; bk_tick() ; return 1 ; }
  if (errno == ENOENT) return 0 ;
  {
    stralloc p = STRALLOC_ZERO ;
    int e = errno ;
    bk_err(sub(&p, b, "cur") ? p.s : b->rel.s, name, e) ;
    stralloc_free(&p) ;
  }
  return -1 ;
}

/* records expunged between the copy and their link become tombstones */
static void tombstones (mb const *b, uint32_t const *uid, size_t n)
{
  tern_mbox m = TERN_MBOX_ZERO ;
  int r = tern_mbox_open(&m, b->dst.s, b->id) ;  /* no lock: the backup is ours alone, and no recovery */
  for (size_t i = 0 ; !r && i < n ; i++) r = tern_mbox_expunge(&m, uid[i], 0) ;
  if (r) bk_err(b->rel.s, "mark the messages expunged during the backup in its index", errno) ;
  B.vanished += n ;
  tern_mbox_close(&m) ;
}

/* the files named by the copied records that are not tombstones */
static void links (mb const *b)
{
  genalloc gone = GENALLOC_ZERO ;   /* uint32_t */
  int scur, dcur ;
  if (!opencur(b, &scur, &dcur)) return ;
  for (size_t i = 0 ; i < b->count ; i++)
  {
    tern_rec r ;
    tern_rec_unpack(b->idx.s + TERN_STORE_HDRSIZE + i * TERN_STORE_RECSIZE, &r) ;
    if (r.flags & TERN_F_EXPUNGED) continue ;
    if (!msglink(b, scur, dcur, &r) && !genalloc_append(uint32_t, &gone, &r.uid))
      bk_err(b->rel.s, "remember an expunged message", errno) ;
  }
  close(scur) ;
  close(dcur) ;
  if (genalloc_len(uint32_t, &gone)) tombstones(b, genalloc_s(uint32_t, &gone), genalloc_len(uint32_t, &gone)) ;
  genalloc_free(uint32_t, &gone) ;
}

/* files of cur/ that no copied record names, below the copied UIDNEXT;
   files of the mailbox directory that tern does not know */
static void extras (mb const *b, char const *dir, int iscur)
{
  static char const *const known[] = { "index", "changes", "keywords", "cache", "sortkeys", "index.tmp", "cur", "new", "tmp", 0 } ;
  stralloc p = STRALLOC_ZERO ;
  DIR *d ;
  int fd = openat(B.src, sub(&p, b, dir) ? p.s : b->rel.s, O_RDONLY | O_DIRECTORY | O_CLOEXEC) ;
  if (fd < 0 || !(d = fdopendir(fd)))
  {
    if (fd >= 0) close(fd) ;
    if (errno != ENOENT) bk_err(p.s ? p.s : b->rel.s, "read the directory", errno) ;
    stralloc_free(&p) ;
    return ;
  }
  for (;;)
  {
    struct dirent *de ;
    errno = 0 ;
    if (!(de = readdir(d))) { if (errno) bk_err(p.s, "read the directory", errno) ; break ; }
    if (de->d_name[0] == '.' && (!de->d_name[1] || (de->d_name[1] == '.' && !de->d_name[2]))) continue ;
    if (iscur)
    {
      uint32_t uid = tern_store_uidscan(de->d_name) ;
      if (uid && (uid >= b->hdr.uidnext || hasuid(b, uid))) continue ;
    }
    else if (!strcmp(dir, ".") && bk_isname(de->d_name, known)) continue ;
    else if (!strcmp(dir, "tmp")) continue ;
    {
      stralloc q = STRALLOC_ZERO ;
      if (sub(&q, b, dir) && (q.len--, stralloc_catb(&q, "/", 1)) && stralloc_cats(&q, de->d_name) && stralloc_0(&q))
        bk_tree(q.s, BK_LINK | BK_WARN) ;
      else bk_err(b->rel.s, "copy", errno) ;
      stralloc_free(&q) ;
    }
  }
  closedir(d) ;
  stralloc_free(&p) ;
}

/* the copied state into destdir */
static int writestate (mb *b)
{
  stralloc p = STRALLOC_ZERO ;
  int ok = bk_mkdir(b->rel.s, 0700)
    && sub(&p, b, "cur") && bk_mkdir(p.s, 0700)
    && sub(&p, b, "new") && bk_mkdir(p.s, 0700)
    && sub(&p, b, "tmp") && bk_mkdir(p.s, 0700)
    && sub(&p, b, "index") && bk_put(p.s, b->idx.s, b->idx.len, 0600)
    && (!b->haschg || (sub(&p, b, "changes") && bk_put(p.s, b->chg.s, b->chg.len, 0600)))
    && (!b->haskw || (sub(&p, b, "keywords") && bk_put(p.s, b->kw.s, b->kw.len, 0600))) ;
  if (!ok) bk_err(p.s ? p.s : b->rel.s, "write", errno) ;
  stralloc_free(&p) ;
  return ok ;
}

/* the state: index, changes, keywords under the mailbox's lock, written
   to the backup; its message files come later (bk_mbox_files) */
int bk_mbox (char const *acctrel, tern_mboxent const *e)
{
  mb b = MB_ZERO ;
  tern_mbox m = TERN_MBOX_ZERO ;
  int r = mb_init(&b, acctrel, e->id) ? TERN_OK : TERN_TEMP ;
  if (!r) r = tern_mbox_openent(&m, b.src.s, e) ;
  if (!r)
  {
    r = tern_mbox_lock(&m, LOCK_SH) ;
    if (!r) r = readstate(&b, &m) ;
    tern_mbox_unlock(&m) ;
  }
  tern_mbox_close(&m) ;
  if (r == TERN_PERM && errno == ENOENT) { mb_free(&b) ; return BK_MBOX_GONE ; }
  if (r)
  {
    bk_storeerr(b.rel.s ? b.rel.s : acctrel, errno, "mailbox copied as it is") ;
    if (b.rel.s) bk_tree(b.rel.s, BK_LINK) ;
    mb_free(&b) ;
    return BK_MBOX_RAW ;
  }
  B.mailboxes++ ;
  r = writestate(&b) ? BK_MBOX_OK : BK_MBOX_RAW ;
  mb_free(&b) ;
  return r ;
}

/* the files named by the backup's copy of the index, then unknown files */
void bk_mbox_files (char const *acctrel, tern_mboxent const *e)
{
  mb b = MB_ZERO ;
  stralloc p = STRALLOC_ZERO ;
  if (!mb_init(&b, acctrel, e->id) || !sub(&p, &b, "index") || !bk_slurp(&b.idx, B.dst, p.s))
    bk_err(p.s ? p.s : acctrel, "read the backup's index", errno) ;
  else if (b.idx.len < TERN_STORE_HDRSIZE || !tern_idxhdr_unpack(b.idx.s, &b.hdr))
    bk_err(p.s, "the backup's index", EPROTO) ;
  else
  {
    b.count = (b.idx.len - TERN_STORE_HDRSIZE) / TERN_STORE_RECSIZE ;
    links(&b) ;
    extras(&b, ".", 0) ;
    extras(&b, "cur", 1) ;
    extras(&b, "new", 0) ;
  }
  stralloc_free(&p) ;
  mb_free(&b) ;
}

/* under the live lock: the records from the backup's UIDNEXT on, keywords,
   and the live UIDNEXT */
static int newer (mb *b, tern_mboxent const *e, uint32_t from, genalloc *recs, uint32_t *uidnext)
{
  tern_mbox m = TERN_MBOX_ZERO ;
  size_t pos = 0 ;
  int r = tern_mbox_openent(&m, b->src.s, e) ;
  if (!r)
  {
    r = tern_mbox_lock(&m, LOCK_SH) ;
    if (!r) r = tern_mbox_lower(&m, from, &pos) ;
    if (!r && pos < m.count) r = tern_mbox_records(&m, pos, recs) ;
    if (!r && genalloc_len(tern_rec, recs))
    {
      int dfd = open(m.dir.s, O_RDONLY | O_DIRECTORY | O_CLOEXEC) ;
      b->haskw = dfd >= 0 && bk_slurp(&b->kw, dfd, "keywords") ;
      if (!b->haskw && errno != ENOENT) r = tern_errcode(errno) ;
      if (dfd >= 0) close(dfd) ;
    }
    if (!r) *uidnext = m.hdr.uidnext ;
    tern_mbox_unlock(&m) ;
  }
  tern_mbox_close(&m) ;
  return r ;
}

/* append the linked records to the backup's index (untrained: the junk
   database copied does not count them), with the newer keywords; its
   UIDNEXT becomes the live one read with them (the next round's start) */
static void append (mb *b, tern_rec *recs, size_t n, uint32_t uidnext)
{
  stralloc p = STRALLOC_ZERO ;
  tern_mbox m = TERN_MBOX_ZERO ;
  int r = tern_mbox_open(&m, b->dst.s, b->id) ;  /* no lock, no recovery: its cur/ is ahead */
  for (size_t i = 0 ; !r && i < n ; i++)
  {
    recs[i].flags &= ~(uint32_t)TERN_F_TRAINMASK ;
    r = tern_mbox_putrec(&m, m.count, recs + i) ;
    if (r) break ;
    m.count++ ;
    if (m.hdr.usage) m.hdr.usage += recs[i].size ;
    m.hdr.uidnext = recs[i].uid + 1 ;
    if (recs[i].modseq > m.hdr.highestmodseq) m.hdr.highestmodseq = recs[i].modseq ;
  }
  if (!r && uidnext > m.hdr.uidnext) m.hdr.uidnext = uidnext ;
  if (!r) r = tern_mbox_puthdr(&m) ;
  if (!r && n && b->haskw && sub(&p, b, "keywords"))
  {
    unlinkat(B.dst, p.s, 0) ;
    if (!bk_put(p.s, b->kw.s, b->kw.len, 0600)) r = TERN_TEMP ;
  }
  if (r) bk_err(b->rel.s, "add the messages delivered since its copy", errno) ;
  else B.added += n ;
  tern_mbox_close(&m) ;
  stralloc_free(&p) ;
}

/* one round: returns how many UIDs the live mailbox gave since the last
   read whose message is not linked now (expunged, or moved on: the next
   round looks for it in the other mailboxes) */
uint32_t bk_mbox_topup (char const *acctrel, tern_mboxent const *e)
{
  mb b = MB_ZERO ;
  tern_mbox bm = TERN_MBOX_ZERO ;
  genalloc recs = GENALLOC_ZERO ;  /* tern_rec */
  uint32_t live = 0, missed = 0 ;
  int r = mb_init(&b, acctrel, e->id) ? TERN_OK : TERN_TEMP ;
  bk_pause("topup", b.rel.s ? b.rel.s : acctrel) ;
  if (!r) r = tern_mbox_open(&bm, b.dst.s, e->id) ;
  tern_mbox_close(&bm) ;
  if (!r) r = newer(&b, e, bm.hdr.uidnext, &recs, &live) ;
  if (r && !(r == TERN_PERM && errno == ENOENT)) bk_storeerr(b.rel.s ? b.rel.s : acctrel, errno, "messages delivered since its copy not added") ;
  if (!r && live > bm.hdr.uidnext)
  {
    tern_rec *v = genalloc_s(tern_rec, &recs) ;
    size_t n = 0 ;
    int scur, dcur ;
    if (opencur(&b, &scur, &dcur))
    {
      for (size_t i = 0 ; i < genalloc_len(tern_rec, &recs) ; i++)
        if (!(v[i].flags & TERN_F_EXPUNGED) && msglink(&b, scur, dcur, v + i) == 1) v[n++] = v[i] ;
      close(scur) ;
      close(dcur) ;
      missed = live - bm.hdr.uidnext - (uint32_t)n ;
      append(&b, v, n, live) ;
    }
  }
  genalloc_free(tern_rec, &recs) ;
  mb_free(&b) ;
  return missed ;
}
