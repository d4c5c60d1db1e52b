/* tern_junkdb_open: open an account's filter to read (no lock), to write
   (the junk lock, a crash's journal finished, created if absent) or to
   rebuild; recovery of a journal (tern-junk(5)); close. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "tern.h"
#include "tern_crypto.h"
#include "tern_junkdb_int.h"

static int rm (tern_junkdb const *d, char const *file)
{
  stralloc p = STRALLOC_ZERO ;
  int ok = tern_jdb_path(d, file, &p) && (unlink(p.s) == 0 || errno == ENOENT) ;
  stralloc_free(&p) ;
  return ok ;
}

static int newheader (tern_junkdb const *d, tern_jdb_hdr *h)
{
  stralloc p = STRALLOC_ZERO ;
  char buf[TERN_JDB_HDR] ;
  int fd, r = 0 ;
  if (!tern_jdb_path(d, "words.new", &p)) return -1 ;
  fd = open(p.s, O_RDONLY | O_CLOEXEC) ;
  stralloc_free(&p) ;
  if (fd < 0) return errno == ENOENT ? 0 : -1 ;
  if (pread(fd, buf, TERN_JDB_HDR, 0) == TERN_JDB_HDR && tern_jdb_hdr_unpack(buf, h) > 0) r = 1 ;
  close(fd) ;
  return r ;
}

static int samekey (tern_jdb_hdr const *a, tern_jdb_hdr const *b)
{
  return a->key[0] == b->key[0] && a->key[1] == b->key[1] ;
}

static int replay (tern_junkdb *d, tern_jdb_journal *j, int have, tern_jdb_hdr *h)
{
  tern_jdb_state const *s = genalloc_s(tern_jdb_state, &j->states) ;
  size_t ns = genalloc_len(tern_jdb_state, &j->states) ;
  if (j->kind == TERN_JDB_REPLACE)
  {
    tern_jdb_hdr n ;
    int r = newheader(d, &n) ;
    if (r < 0) return TERN_TEMP ;
    if (r && n.gen == j->h.gen && samekey(&n, &j->h))
    {
      stralloc a = STRALLOC_ZERO, b = STRALLOC_ZERO ;
      int ok = tern_jdb_path(d, "words.new", &a) && tern_jdb_path(d, "words", &b)
        && rename(a.s, b.s) == 0 && tern_fsync_dir(d->dir.s, 1) ;
      stralloc_free(&a) ; stralloc_free(&b) ;
      if (!ok) return tern_errcode(errno) ;
      return tern_jdb_states_apply(d, s, ns) ;
    }
    return have && h->gen == j->h.gen && samekey(h, &j->h) ? tern_jdb_states_apply(d, s, ns) : TERN_OK ;
  }
  if (!have || !samekey(h, &j->h)) return TERN_OK ;
  if (j->h.gen == h->gen) return tern_jdb_states_apply(d, s, ns) ;
  if (j->h.gen == h->gen + 1)
  {
    tern_jdb_pend *p = genalloc_s(tern_jdb_pend, &j->words) ;
    size_t n = genalloc_len(tern_jdb_pend, &j->words) ;
    tern_jdb_hdr nh = j->h ;
    uint32_t added ;
    int r = tern_jdb_plan(d, p, n, &added) ;
    if (r < 0) return TERN_TEMP ;
    if (!r || j->h.used > h->slots / 2) return tern_store_damage(d->dir.s, "journal", 0, "does not fit the words table") ;
    nh.slots = h->slots ;
    r = tern_jdb_states_apply(d, s, ns) ;
    return r ? r : tern_jdb_update_apply(d, &nh, p, n) ;
  }
  return TERN_OK ;
}

/* under the lock: finish or drop a journal, then map words (if any) */
int tern_jdb_recover (tern_junkdb *d)
{
  tern_jdb_journal j = TERN_JDB_JOURNAL_ZERO ;
  tern_jdb_hdr h ;
  int r = tern_jdb_map(d, &h), have = !r, got ;
  if (r && !(r == TERN_PERM && errno == ENOENT)) return r ;
  got = tern_jdb_journal_read(d, &j) ;
  if (got < 0) { tern_jdb_journal_free(&j) ; return TERN_TEMP ; }
  r = got ? replay(d, &j, have, &h) : TERN_OK ;
  tern_jdb_journal_free(&j) ;
  if (r) return r ;
  if (!rm(d, "journal") || !rm(d, "words.new")) return tern_errcode(errno) ;
  if (!got) return have ? TERN_OK : (errno = ENOENT, TERN_PERM) ;
  r = tern_jdb_map(d, &h) ;
  return r == TERN_PERM && errno != ENOENT ? TERN_TEMP : r ;
}

static int create (tern_junkdb *d)
{
  stralloc t = STRALLOC_ZERO, a = STRALLOC_ZERO, b = STRALLOC_ZERO ;
  tern_jdb_hdr h = { .gen = 0 } ;
  int ok ;
  tern_random(d->key, sizeof d->key) ;
  d->nham = d->nspam = 0 ;
  ok = tern_jdb_table_build(&t, d, &h) && tern_jdb_table_write(d, "words.new", &t)
    && tern_jdb_path(d, "words.new", &a) && tern_jdb_path(d, "words", &b)
    && rename(a.s, b.s) == 0 && tern_fsync_dir(d->dir.s, 1) ;
  stralloc_free(&t) ; stralloc_free(&a) ; stralloc_free(&b) ;
  return ok ? tern_jdb_map(d, &h) : tern_errcode(errno) ;
}

static int takelock (tern_junkdb *d)
{
  if (!tern_mkdirp(d->dir.s, 0700)) return tern_errcode(errno) ;
  d->lockfd = tern_lock(d->dir.s) ;
  return d->lockfd < 0 ? tern_errcode(errno) : TERN_OK ;
}

int tern_junkdb_open (tern_junkdb *d, char const *acct, int how)
{
  tern_jdb_hdr h ;
  int r ;
  d->dir.len = d->acct.len = 0 ;
  if (!stralloc_cats(&d->acct, acct) || !stralloc_0(&d->acct)
   || !stralloc_cats(&d->dir, acct) || !stralloc_cats(&d->dir, "/junk") || !stralloc_0(&d->dir)) return TERN_TEMP ;
  d->acct.len-- ; d->dir.len-- ;
  d->lockfd = d->fd = -1 ;
  d->map = 0 ; d->maplen = 0 ;
  d->nham = d->nspam = 0 ;
  if (how == TERN_JUNKDB_REBUILD)
  {
    tern_random(d->key, sizeof d->key) ;
    d->fd = TERN_JDB_REBUILDFD ;
    return TERN_OK ;
  }
  if (how == TERN_JUNKDB_READ)
  {
    r = tern_jdb_map(d, &h) ;
    if (r == TERN_PERM && errno == ENOENT) { tern_jdb_unmap(d) ; return TERN_OK ; }
    return r ;
  }
  if (how != TERN_JUNKDB_WRITE) return (errno = EINVAL, TERN_PERM) ;
  r = takelock(d) ;
  if (!r) r = tern_jdb_recover(d) ;
  if (r == TERN_PERM && errno == ENOENT) r = create(d) ;
  return r ;
}

int tern_junkdb_lock (tern_junkdb *d)
{
  uint64_t key[2] = { d->key[0], d->key[1] } ;
  uint32_t nham = d->nham, nspam = d->nspam ;
  int r ;
  if (d->fd != TERN_JDB_REBUILDFD || d->lockfd >= 0) return (errno = EINVAL, TERN_PERM) ;
  r = takelock(d) ;
  if (!r) r = tern_jdb_recover(d) ;
  if (r == TERN_PERM && errno == ENOENT) r = TERN_OK ;
  /* damage is what a rebuild repairs: what it replaces need not be sound */
  if (r == TERN_TEMP && errno == EUCLEAN) r = rm(d, "journal") && rm(d, "words.new") ? TERN_OK : tern_errcode(errno) ;
  tern_jdb_unmap(d) ;
  d->fd = TERN_JDB_REBUILDFD ;
  d->key[0] = key[0] ; d->key[1] = key[1] ;
  d->nham = nham ; d->nspam = nspam ;
  return r ;
}

void tern_junkdb_close (tern_junkdb *d)
{
  if (d->fd == TERN_JDB_REBUILDFD) d->fd = -1 ;
  tern_jdb_unmap(d) ;
  if (d->lockfd >= 0) close(d->lockfd) ;
  d->lockfd = -1 ;
  stralloc_free(&d->dir) ;
  stralloc_free(&d->acct) ;
  genalloc_free(tern_jdb_pend, &d->pend) ;
  genalloc_free(uint32_t, &d->pendset) ;
  genalloc_free(tern_jdb_state, &d->states) ;
}
