/* tern_dirsync: group commit of a directory's fsync across processes
   (tern_dirsync.h): a caller whose rename an fsync of the same directory
   covers, started after the rename and completed, returns without one of
   its own; else it syncs under the slot's lock, for every waiter. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include "tern.h"
#include "tern_dirsync.h"

#define NSLOTS ((TERN_DIRSYNC_SIZE - 64) / 64)
#define HUGE ((uint64_t)1 << 62)  /* a count no real queue reaches: damage */


static int syncfd (int fd)
{
  /* some file systems cannot sync a directory */
  return fsync(fd) == 0 || errno == EINVAL ;
}

/* the slot's lock held: SHARED if an fsync of this directory numbered
   above s is done, else OWN after ours (or -1 if it failed) */
static int underlock (uint64_t *slot, uint64_t s, struct stat const *dst, int dfd)
{
  uint64_t st = __atomic_load_n(slot, __ATOMIC_SEQ_CST) ;
  uint64_t d = __atomic_load_n(slot + 1, __ATOMIC_SEQ_CST) ;
  uint64_t k ;
  if (d > st || st >= HUGE)
  {
    /* damaged: start the slot again; a caller that read the old started
       then sees done below it and syncs itself */
    __atomic_store_n(slot + 1, 0, __ATOMIC_SEQ_CST) ;
    __atomic_store_n(slot, 0, __ATOMIC_SEQ_CST) ;
    st = 0 ; d = 0 ;
  }
  else if (d > s && slot[2] == (uint64_t)dst->st_dev && slot[3] == (uint64_t)dst->st_ino) return TERN_DIRSYNC_SHARED ;
  k = st + 1 ;
  __atomic_store_n(slot, k, __ATOMIC_SEQ_CST) ;
  if (!syncfd(dfd)) return -1 ;
  slot[2] = (uint64_t)dst->st_dev ;
  slot[3] = (uint64_t)dst->st_ino ;
  __atomic_store_n(slot + 1, k, __ATOMIC_SEQ_CST) ;
  return TERN_DIRSYNC_OWN ;
}

/* SHARED or OWN, PLAIN if the state cannot serve (nothing done), -1 if
   our fsync failed */
static int shared (char const *state, int dfd)
{
  struct stat dst, sst ;
  unsigned char *map ;
  uint64_t *slot ;
  uint64_t s ;
  unsigned int i ;
  int fd, r = TERN_DIRSYNC_PLAIN ;
  if (!state || fstat(dfd, &dst) < 0) return r ;
  fd = open(state, O_RDWR | O_CLOEXEC | O_NOFOLLOW) ;
  if (fd < 0) return r ;
  if (fstat(fd, &sst) < 0 || !S_ISREG(sst.st_mode) || sst.st_size != TERN_DIRSYNC_SIZE) goto end ;
  map = mmap(0, TERN_DIRSYNC_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) ;
  if (map == MAP_FAILED) goto end ;
  if (memcmp(map, TERN_DIRSYNC_MAGIC, sizeof TERN_DIRSYNC_MAGIC)) goto unmap ;
  i = (unsigned int)(((uint64_t)dst.st_ino * 0x9e3779b97f4a7c15ull ^ (uint64_t)dst.st_dev) % NSLOTS) ;
  slot = (uint64_t *)(map + 64 + 64 * i) ;
  /* read after our rename: an fsync counted above s started after it */
  s = __atomic_load_n(slot, __ATOMIC_SEQ_CST) ;
  if (!tern_statefile_lock(fd, i, F_WRLCK)) goto unmap ;
  r = underlock(slot, s, &dst, dfd) ;
  tern_statefile_lock(fd, i, F_UNLCK) ;
 unmap:
  munmap(map, TERN_DIRSYNC_SIZE) ;
 end:
  close(fd) ;
  return r ;
}

int tern_dirsync (char const *state, char const *dir, unsigned int *how)
{
  int e, r ;
  int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) ;
  if (dfd < 0) return 0 ;
  r = shared(state, dfd) ;  /* -1: errno is our fsync's */
  if (r == TERN_DIRSYNC_PLAIN && !syncfd(dfd)) r = -1 ;
  e = errno ;
  close(dfd) ;
  errno = e ;
  if (r < 0) return 0 ;
  if (how) *how = (unsigned int)r ;
  return 1 ;
}

int tern_dirsync_init (char const *state)
{
  return tern_statefile_init(state, TERN_DIRSYNC_SIZE, TERN_DIRSYNC_MAGIC) ;
}
