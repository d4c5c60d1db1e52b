/* tern_junkdb_file: the words file of tern-junk(5): header, slots, the
   read-only mapping, and lookups by keyed hash (no lock, no scan). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <skalibs/uint32.h>
#include <skalibs/uint64.h>
#include "tern.h"
#include "tern_junkdb_int.h"

static uint64_t const zerokey[2] = { 0, 0 } ;

uint64_t tern_jdb_sum (char const *s, size_t len)
{
  return tern_siphash(zerokey, s, len) ;
}

uint64_t tern_jdb_hash (uint64_t const key[2], char const *s, size_t len)
{
  uint64_t h = tern_siphash(key, s, len) ;
  return h ? h : 1 ;
}

void tern_jdb_hdr_pack (char *s, tern_jdb_hdr const *h)
{
  memcpy(s, "ternjunk", 8) ;
  uint32_pack(s + 8, TERN_JDB_VERSION) ;
  uint32_pack(s + 12, h->slots) ;
  uint32_pack(s + 16, h->used) ;
  uint32_pack(s + 20, h->nham) ;
  uint32_pack(s + 24, h->nspam) ;
  uint32_pack(s + 28, 0) ;
  uint64_pack(s + 32, h->gen) ;
  uint64_pack(s + 40, h->key[0]) ;
  uint64_pack(s + 48, h->key[1]) ;
  uint64_pack(s + 56, tern_jdb_sum(s, 56)) ;
}

int tern_jdb_hdr_unpack (char const *s, tern_jdb_hdr *h)
{
  uint32_t v ;
  uint64_t sum ;
  uint32_unpack(s + 8, &v) ;
  if (memcmp(s, "ternjunk", 8) || v != TERN_JDB_VERSION) return 0 ;
  uint64_unpack(s + 56, &sum) ;
  if (sum != tern_jdb_sum(s, 56)) return -1 ;
  uint32_unpack(s + 12, &h->slots) ;
  uint32_unpack(s + 16, &h->used) ;
  uint32_unpack(s + 20, &h->nham) ;
  uint32_unpack(s + 24, &h->nspam) ;
  uint64_unpack(s + 32, &h->gen) ;
  uint64_unpack(s + 40, &h->key[0]) ;
  uint64_unpack(s + 48, &h->key[1]) ;
  return 1 ;
}

void tern_jdb_slot (char const *slots, uint32_t pos, uint64_t *h, uint32_t *ham, uint32_t *spam)
{
  char const *s = slots + (size_t)pos * TERN_JDB_SLOT ;
  *h = tern_jdb_get64(s) ;
  uint32_unpack(s + 8, ham) ;
  uint32_unpack(s + 12, spam) ;
}

void tern_jdb_slot_pack (char *s, uint64_t h, uint32_t ham, uint32_t spam)
{
  uint64_pack(s, h) ;
  uint32_pack(s + 8, ham) ;
  uint32_pack(s + 12, spam) ;
}

int tern_jdb_probe (char const *slots, uint32_t n, uint64_t h, uint32_t *pos)
{
  uint32_t mask = n - 1, i = (uint32_t)h & mask ;
  for (unsigned int k = 0 ; k < TERN_JDB_PROBES ; k++, i = (i + 1) & mask)
  {
    uint64_t x = tern_jdb_get64(slots + (size_t)i * TERN_JDB_SLOT) ;
    if (x == h) { *pos = i ; return 1 ; }
    if (!x) { *pos = i ; return 0 ; }
  }
  return -1 ;
}

int tern_jdb_path (tern_junkdb const *d, char const *file, stralloc *sa)
{
  sa->len = 0 ;
  return stralloc_catb(sa, d->dir.s, d->dir.len) && stralloc_catb(sa, "/", 1)
    && stralloc_cats(sa, file) && stralloc_0(sa) ;
}

/* a commit may be rewriting the header: read it again a few times */
int tern_jdb_header (tern_junkdb const *d, tern_jdb_hdr *h)
{
  for (unsigned int i = 0 ; ; i++)
  {
    char buf[TERN_JDB_HDR] ;
    struct timespec ts = { .tv_sec = 0, .tv_nsec = 2000000 } ;
    int r ;
    memcpy(buf, d->map, TERN_JDB_HDR) ;
    r = tern_jdb_hdr_unpack(buf, h) ;
    if (r > 0) return TERN_OK ;
    if (!r) return tern_store_damage(d->dir.s, "words", 0, "bad magic or unknown version") ;
    if (i >= 20) return tern_store_damage(d->dir.s, "words", 0, "bad header checksum") ;
    nanosleep(&ts, 0) ;
  }
}

void tern_jdb_unmap (tern_junkdb *d)
{
  if (d->map) munmap((void *)d->map, d->maplen) ;
  if (d->fd >= 0) close(d->fd) ;
  d->map = 0 ; d->maplen = 0 ; d->fd = -1 ;
}

static int check (tern_junkdb *d, tern_jdb_hdr *h)
{
  int r = tern_jdb_header(d, h) ;
  if (r) return r ;
  if (h->slots < TERN_JDB_MINSLOTS || (h->slots & (h->slots - 1)))
    return tern_store_damage(d->dir.s, "words", 0, "slot count not a power of two >= 1024") ;
  if ((uint64_t)d->maplen != TERN_JDB_HDR + (uint64_t)h->slots * TERN_JDB_SLOT)
    return tern_store_damage(d->dir.s, "words", 0, "size does not match the slot count") ;
  if (h->used > h->slots / 2) return tern_store_damage(d->dir.s, "words", 0, "more than half the slots used") ;
  d->key[0] = h->key[0] ; d->key[1] = h->key[1] ;
  d->nham = h->nham ; d->nspam = h->nspam ;
  return TERN_OK ;
}

/* A table up to 16 MiB is mapped whole at once: one message's lookups
   touch a page each, and the page faults cost more than mapping every
   page (one classification of the corpus's 8 MiB table: 199 -> 97 page
   faults, about 0.4 ms less CPU); bigger ones fault in as read. */
#ifdef MAP_POPULATE
#define POPULATE(size) ((size) <= (16 << 20) ? MAP_POPULATE : 0)
#else
#define POPULATE(size) 0
#endif

/* TERN_PERM ENOENT: no words file */
int tern_jdb_map (tern_junkdb *d, tern_jdb_hdr *h)
{
  stralloc p = STRALLOC_ZERO ;
  struct stat st ;
  void *m ;
  tern_jdb_unmap(d) ;
  if (!tern_jdb_path(d, "words", &p)) return TERN_TEMP ;
  d->fd = open(p.s, (d->lockfd >= 0 ? O_RDWR : O_RDONLY) | O_CLOEXEC) ;
  stralloc_free(&p) ;
  if (d->fd < 0) return errno == ENOENT ? TERN_PERM : tern_errcode(errno) ;
  if (fstat(d->fd, &st) < 0) return tern_errcode(errno) ;
  if (st.st_size < TERN_JDB_HDR) return tern_store_damage(d->dir.s, "words", 0, "shorter than its header") ;
  if ((uint64_t)st.st_size > (uint64_t)SIZE_MAX / 2) return tern_store_damage(d->dir.s, "words", 0, "too big") ;
  m = mmap(0, (size_t)st.st_size, PROT_READ, MAP_SHARED | POPULATE(st.st_size), d->fd, 0) ;
  if (m == MAP_FAILED) return tern_errcode(errno) ;
  d->map = m ;
  d->maplen = (size_t)st.st_size ;
  return check(d, h) ;
}

int tern_jdb_counts (tern_junkdb const *d, uint64_t h, uint32_t *ham, uint32_t *spam)
{
  uint32_t pos ;
  uint64_t x ;
  tern_jdb_pend const *p = genalloc_len(tern_jdb_pend, &d->pend) ? tern_jdb_pend_find(d, h) : 0 ;
  if (p) { *ham = p->ham ; *spam = p->spam ; return 1 ; }
  if (!d->map) return 0 ;
  if (tern_jdb_probe(d->map + TERN_JDB_HDR, (uint32_t)((d->maplen - TERN_JDB_HDR) / TERN_JDB_SLOT), h, &pos) <= 0) return 0 ;
  tern_jdb_slot(d->map + TERN_JDB_HDR, pos, &x, ham, spam) ;
  return 1 ;
}

int tern_junkdb_word (tern_junkdb const *d, char const *word, size_t len, uint32_t *ham, uint32_t *spam)
{
  *ham = *spam = 0 ;
  return tern_jdb_counts(d, tern_jdb_hash(d->key, word, len), ham, spam) ;
}
