/* tern_junkdb_commit: make the buffered changes durable, all or nothing
   (tern-junk(5)): journal, words in place or a whole new table, states,
   header, journal gone.  A crash anywhere is finished by tern_jdb_recover. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "tern.h"
#include "tern_junkdb_int.h"

int tern_jdb_update_apply (tern_junkdb *d, tern_jdb_hdr *h, tern_jdb_pend *p, size_t n)
{
  char buf[TERN_JDB_HDR] ;
  for (size_t k = 0 ; k < n ; k++)
  {
    if (p[k].pos == TERN_JDB_NOSLOT) continue ;
    tern_jdb_slot_pack(buf, p[k].h, p[k].ham, p[k].spam) ;
    if (pwrite(d->fd, buf, TERN_JDB_SLOT, (off_t)(TERN_JDB_HDR + (uint64_t)p[k].pos * TERN_JDB_SLOT)) != TERN_JDB_SLOT)
      return tern_errcode(errno ? errno : EIO) ;
  }
  if (fsync(d->fd) < 0) return tern_errcode(errno) ;
  tern_jdb_hdr_pack(buf, h) ;
  if (pwrite(d->fd, buf, TERN_JDB_HDR, 0) != TERN_JDB_HDR) return tern_errcode(errno ? errno : EIO) ;
  if (fsync(d->fd) < 0) return tern_errcode(errno) ;
  d->nham = h->nham ; d->nspam = h->nspam ;
  return TERN_OK ;
}

static int unlinkj (tern_junkdb const *d, char const *file)
{
  stralloc p = STRALLOC_ZERO ;
  int ok = tern_jdb_path(d, file, &p) && (unlink(p.s) == 0 || errno == ENOENT) ;
  stralloc_free(&p) ;
  return ok ? TERN_OK : tern_errcode(errno) ;
}

/* words.new over words, made durable */
static int install (tern_junkdb const *d)
{
  stralloc a = STRALLOC_ZERO, b = STRALLOC_ZERO ;
  int ok = tern_jdb_path(d, "words.new", &a) && tern_jdb_path(d, "words", &b)
    && rename(a.s, b.s) == 0 && tern_fsync_dir(d->dir.s, 1) ;
  stralloc_free(&a) ;
  stralloc_free(&b) ;
  return ok ? TERN_OK : tern_errcode(errno) ;
}

static int replace (tern_junkdb *d, uint64_t gen)
{
  tern_jdb_journal j = TERN_JDB_JOURNAL_ZERO ;
  stralloc t = STRALLOC_ZERO ;
  tern_jdb_hdr h = { .gen = gen } ;
  int r = TERN_TEMP ;
  if (!tern_jdb_table_build(&t, d, &h) || !tern_jdb_table_write(d, "words.new", &t)) goto end ;
  stralloc_free(&t) ;
  j.kind = TERN_JDB_REPLACE ;
  j.h = h ;
  j.h.used = 0 ;
  j.states = d->states ;
  if (!tern_jdb_journal_write(d, &j)) goto end ;
  r = install(d) ;
  if (!r) r = tern_jdb_map(d, &h) ;
  if (!r) r = tern_jdb_states_apply(d, genalloc_s(tern_jdb_state, &d->states), genalloc_len(tern_jdb_state, &d->states)) ;
  if (!r) r = unlinkj(d, "journal") ;
 end:
  stralloc_free(&t) ;
  return r ;
}

static int update (tern_junkdb *d, tern_jdb_hdr const *old)
{
  tern_jdb_journal j = TERN_JDB_JOURNAL_ZERO ;
  tern_jdb_pend *p = genalloc_s(tern_jdb_pend, &d->pend) ;
  size_t n = genalloc_len(tern_jdb_pend, &d->pend) ;
  uint32_t added ;
  int r = tern_jdb_plan(d, p, n, &added) ;
  if (r < 0) return TERN_TEMP ;
  if (!r) return replace(d, old->gen + 1) ;
  j.kind = TERN_JDB_UPDATE ;
  j.h = *old ;
  j.h.gen = old->gen + 1 ;
  j.h.used = old->used + added ;
  j.h.nham = d->nham ; j.h.nspam = d->nspam ;
  j.words = d->pend ;
  j.states = d->states ;
  if (!tern_jdb_journal_write(d, &j)) return TERN_TEMP ;
  r = tern_jdb_states_apply(d, genalloc_s(tern_jdb_state, &d->states), genalloc_len(tern_jdb_state, &d->states)) ;
  if (!r) r = tern_jdb_update_apply(d, &j.h, p, n) ;
  if (!r) r = unlinkj(d, "journal") ;
  return r ;
}

/* the generation of the words file a rebuild replaces (0: none) */
static int oldgen (tern_junkdb const *d, uint64_t *gen)
{
  stralloc p = STRALLOC_ZERO ;
  char buf[TERN_JDB_HDR] ;
  tern_jdb_hdr h ;
  int fd ;
  *gen = 0 ;
  if (!tern_jdb_path(d, "words", &p)) return TERN_TEMP ;
  fd = open(p.s, O_RDONLY | O_CLOEXEC) ;
  stralloc_free(&p) ;
  if (fd < 0) return errno == ENOENT ? TERN_OK : tern_errcode(errno) ;
  if (pread(fd, buf, TERN_JDB_HDR, 0) == TERN_JDB_HDR && tern_jdb_hdr_unpack(buf, &h) > 0) *gen = h.gen ;
  close(fd) ;
  return TERN_OK ;
}

int tern_junkdb_commit (tern_junkdb *d)
{
  tern_jdb_hdr old ;
  int r ;
  if (d->lockfd < 0) return (errno = EBADF, TERN_TEMP) ;
  if (d->fd == TERN_JDB_REBUILDFD)
  {
    r = oldgen(d, &old.gen) ;
    if (!r) r = replace(d, old.gen + 1) ;
  }
  else
  {
    /* a message without words changes only the totals: still a commit */
    r = tern_jdb_header(d, &old) ;
    if (!r && !genalloc_len(tern_jdb_pend, &d->pend) && !genalloc_len(tern_jdb_state, &d->states)
      && old.nham == d->nham && old.nspam == d->nspam) return TERN_OK ;
    if (!r) r = update(d, &old) ;
  }
  if (r) return r ;
  tern_jdb_pend_clear(d) ;
  genalloc_setlen(tern_jdb_state, &d->states, 0) ;
  return TERN_OK ;
}
