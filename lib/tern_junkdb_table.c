/* tern_junkdb_table: where a commit's words go in the table (a plan that
   a replay finds again), and whole new tables for growth and rebuilds. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <stdlib.h>
#include <skalibs/uint32.h>
#include <skalibs/uint64.h>
#include <skalibs/allreadwrite.h>
#include "tern.h"
#include "tern_junkdb_int.h"

/* set of slot positions claimed by new words of this commit */
static int claimed (uint32_t const *set, size_t cap, uint32_t pos, int add)
{
  size_t i = ((size_t)pos * 0x9e3779b1u) & (cap - 1) ;
  for (; set[i] ; i = (i + 1) & (cap - 1)) if (set[i] == pos + 1) return 1 ;
  if (add) ((uint32_t *)set)[i] = pos + 1 ;
  return 0 ;
}

/* 1: every word has its slot (p[].pos), *added of them new; 0: the
   table must grow; -1: ENOMEM */
int tern_jdb_plan (tern_junkdb const *d, tern_jdb_pend *p, size_t n, uint32_t *added)
{
  char const *slots = d->map + TERN_JDB_HDR ;
  uint32_t nslots = (uint32_t)((d->maplen - TERN_JDB_HDR) / TERN_JDB_SLOT), mask = nslots - 1 ;
  uint32_t used ;
  size_t cap = 16 ;
  uint32_t *set ;
  int ok = 1 ;
  uint32_unpack(d->map + 16, &used) ;
  while (cap < 2 * n) cap <<= 1 ;
  set = calloc(cap, sizeof(uint32_t)) ;
  if (!set) return -1 ;
  *added = 0 ;
  for (size_t k = 0 ; ok && k < n ; k++)
  {
    uint32_t i = (uint32_t)p[k].h & mask ;
    unsigned int j = 0 ;
    for (; j < TERN_JDB_PROBES ; j++, i = (i + 1) & mask)
    {
      uint64_t x ;
      uint64_unpack(slots + (size_t)i * TERN_JDB_SLOT, &x) ;
      if (x == p[k].h) break ;
      if (!x && !(p[k].ham | p[k].spam)) { i = TERN_JDB_NOSLOT ; break ; }  /* nothing to keep */
      if (!x && !claimed(set, cap, i, 1)) { (*added)++ ; break ; }
    }
    if (j == TERN_JDB_PROBES || used + *added > nslots / 2) ok = 0 ;
    p[k].pos = i ;
  }
  free(set) ;
  return ok ;
}

/* 1, 0 a probe run over TERN_JDB_PROBES, -1 the hash is there already */
static int put (char *slots, uint32_t n, uint64_t h, uint32_t ham, uint32_t spam)
{
  uint32_t pos ;
  int r = tern_jdb_probe(slots, n, h, &pos) ;
  if (r) return r > 0 ? -1 : 0 ;
  tern_jdb_slot_pack(slots + (size_t)pos * TERN_JDB_SLOT, h, ham, spam) ;
  return 1 ;
}

/* the old table's counted words (unless REBUILD) and the pending ones
   into slots[0..n), or only counted when slots is 0 */
static int fill (char *slots, tern_junkdb const *d, uint32_t n, uint32_t *used)
{
  tern_jdb_pend const *p = genalloc_s(tern_jdb_pend, &d->pend) ;
  size_t np = genalloc_len(tern_jdb_pend, &d->pend) ;
  uint32_t old = d->map && d->fd != TERN_JDB_REBUILDFD ? (uint32_t)((d->maplen - TERN_JDB_HDR) / TERN_JDB_SLOT) : 0 ;
  int r ;
  *used = 0 ;
  for (uint64_t i = 0 ; i < old + (uint64_t)np ; i++)
  {
    uint64_t h ;
    uint32_t ham, spam ;
    if (i < old)
    {
      tern_jdb_slot(d->map + TERN_JDB_HDR, (uint32_t)i, &h, &ham, &spam) ;
      if (!h || (np && tern_jdb_pend_find(d, h))) continue ;
    }
    else { h = p[i - old].h ; ham = p[i - old].ham ; spam = p[i - old].spam ; }
    if (!(ham | spam)) continue ;
    r = slots ? put(slots, n, h, ham, spam) : 1 ;
    if (r <= 0) return r ;
    (*used)++ ;
  }
  return 1 ;
}

/* the whole table (header with h->gen) in t: the mapped one (unless
   REBUILD) with the pending counts, 0/0 words dropped, at most 1/4 full.
   A damaged table (a hash twice, runs no keyed hash makes) is EUCLEAN. */
int tern_jdb_table_build (stralloc *t, tern_junkdb const *d, tern_jdb_hdr *h)
{
  uint64_t n = TERN_JDB_MINSLOTS, max ;
  uint32_t live ;
  int r = 0 ;
  fill(0, d, 0, &live) ;
  while (n < 4 * (uint64_t)live) n <<= 1 ;
  for (max = n << 3 ; n <= max ; n <<= 1)
  {
    if (n > ((uint64_t)1 << 31)) return (errno = ENOSPC, 0) ;
    t->len = 0 ;
    if (!stralloc_ready(t, TERN_JDB_HDR + n * TERN_JDB_SLOT)) return 0 ;
    t->len = TERN_JDB_HDR + n * TERN_JDB_SLOT ;
    memset(t->s, 0, t->len) ;
    r = fill(t->s + TERN_JDB_HDR, d, (uint32_t)n, &h->used) ;
    if (r) break ;   /* 0: a probe run over 128 slots; never seen with a keyed hash */
  }
  if (r <= 0) return (tern_store_damage(d->dir.s, "words", 0, r ? "a word hash twice" : "word hashes cluster"), 0) ;
  h->slots = (uint32_t)n ;
  h->nham = d->nham ; h->nspam = d->nspam ;
  h->key[0] = d->key[0] ; h->key[1] = d->key[1] ;
  tern_jdb_hdr_pack(t->s, h) ;
  return 1 ;
}

int tern_jdb_table_write (tern_junkdb const *d, char const *file, stralloc const *t)
{
  stralloc p = STRALLOC_ZERO ;
  int fd, e ;
  if (!tern_jdb_path(d, file, &p)) return 0 ;
  fd = open(p.s, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600) ;
  stralloc_free(&p) ;
  if (fd < 0) return 0 ;
  if (allwrite(fd, t->s, t->len) != t->len || fsync(fd) < 0)
  {
    e = errno ;
    close(fd) ;
    return (errno = e ? e : EIO, 0) ;
  }
  return close(fd) == 0 ;
}
