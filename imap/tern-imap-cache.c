/* tern-imap-cache: the header cache of the selected mailbox (MBOXDIR/cache,
   tern-store.5): entries "UID LEN" (4 + 4 bytes, little-endian) then the
   message's header block, appended under flock by any session that had to
   read a message file for its header.  Messages never change, so an entry
   is never stale; the file is derived data and is ignored when torn.
   Header-only FETCH items and SEARCH header keys then cost no file access. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include "tern.h"
#include "tern-imap.h"

#define CACHE_ENTMAX 65536            /* larger headers are not cached */
#define CACHE_FILEMAX 0xf0000000u      /* offsets fit in 32 bits */
#define CACHE_PENDMAX 262144

static int fd = -1 ;
static char *map = 0 ;
static size_t maplen = 0 ;
static size_t scanned = 0 ;     /* valid entries end here */
static stralloc pend = STRALLOC_ZERO ;

static uint32_t get32 (unsigned char const *s)
{
  return (uint32_t)s[0] | (uint32_t)s[1] << 8 | (uint32_t)s[2] << 16 | (uint32_t)s[3] << 24 ;
}

static int openit (void)
{
  stralloc p = STRALLOC_ZERO ;
  if (fd >= 0) return 1 ;
  if (!tern_mbox_path(&p, &S.mbox, "cache", 0)) return 0 ;
  fd = open(p.s, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600) ;
  stralloc_free(&p) ;
  return fd >= 0 ;
}

static void unmap (void)
{
  if (map) munmap(map, maplen) ;
  map = 0 ; maplen = 0 ;
}

/* maps the file as it is now and indexes the entries past scanned */
static void scan (void)
{
  struct stat st ;
  imsg *m = sel_msgs() ;
  size_t n = sel_count(), hint = 0 ;
  if (!openit() || fstat(fd, &st) < 0 || (uint64_t)st.st_size > CACHE_FILEMAX) return ;
  if ((size_t)st.st_size != maplen)
  {
    unmap() ;
    if (!st.st_size) return ;
    map = mmap(0, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0) ;
    if (map == MAP_FAILED) { map = 0 ; return ; }
    maplen = (size_t)st.st_size ;
  }
  while (scanned + 8 <= maplen)
  {
    uint32_t uid = get32((unsigned char *)map + scanned), len = get32((unsigned char *)map + scanned + 4) ;
    if (!uid || len > CACHE_ENTMAX || len > maplen - scanned - 8) break ;
    /* entries mostly come in UID order: try the next slot first */
    if (!(hint < n && m[hint].uid == uid)) hint = sel_finduid(uid) ;
    if (hint < n && !m[hint].coff) m[hint].coff = (uint32_t)scanned + 1 ;
    if (hint < n) hint++ ;
    scanned += 8 + len ;
  }
}

int cache_get (imsg const *m, char const **h, size_t *len)
{
  if (S.cachescan) { scan() ; S.cachescan = 0 ; }   /* once a command */
  if (!m->coff || m->coff - 1 + 8 > maplen) return 0 ;
  *len = get32((unsigned char *)map + m->coff - 1 + 4) ;
  *h = map + m->coff - 1 + 8 ;
  return 1 ;
}

static void writepend (void)
{
  struct stat st ;
  if (!pend.len || !openit()) goto end ;
  if (flock(fd, LOCK_EX) < 0) goto end ;
  scan() ;
  /* a torn tail (a crash mid-append) is cut before appending after it */
  if (fstat(fd, &st) == 0 && (size_t)st.st_size > scanned && (uint64_t)st.st_size <= CACHE_FILEMAX)
  {
    unmap() ;
    if (ftruncate(fd, (off_t)scanned) < 0) goto unlock ;
  }
  if ((uint64_t)scanned + pend.len <= CACHE_FILEMAX)
  {
    ssize_t w = write(fd, pend.s, pend.len) ;
    if (w >= 0 && (size_t)w != pend.len && ftruncate(fd, (off_t)scanned) < 0) (void)0 ;
  }
 unlock:
  flock(fd, LOCK_UN) ;
 end:
  pend.len = 0 ;
}

void cache_put (imsg const *m, char const *h, size_t len)
{
  unsigned char e[8] ;
  if (len > CACHE_ENTMAX || !m->uid) return ;
  for (unsigned int i = 0 ; i < 4 ; i++) { e[i] = (unsigned char)(m->uid >> 8 * i) ; e[4+i] = (unsigned char)(len >> 8 * i) ; }
  if (!stralloc_catb(&pend, (char *)e, 8) || !stralloc_catb(&pend, h, len)) { pend.len = 0 ; return ; }
  if (pend.len >= CACHE_PENDMAX) writepend() ;
}

/* end of a command: append what was read, let the mapping go (RSS) */
void cache_done (void)
{
  writepend() ;
  unmap() ;
  S.cachescan = 1 ;
  if (pend.a > CACHE_PENDMAX * 2) stralloc_free(&pend) ;
}

/* the list was rebuilt (SELECT, compaction): index the file again */
void cache_reset (void)
{
  unmap() ;
  scanned = 0 ;
  S.cachescan = 1 ;
}

void cache_close (void)
{
  cache_done() ;
  if (fd >= 0) close(fd) ;
  fd = -1 ;
  scanned = 0 ;
  stralloc_free(&pend) ;
}
