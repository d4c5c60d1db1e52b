/* fuzz-fssync: arbitrary bytes as the state file of tern_fssync (its
   header, counters and size): a commit syncs (1) or fails with EIO (a
   failed sync recorded in its slot), the next one always syncs, and the
   slot used is left consistent (done and failed never above started).
   Works in /dev/shm (tmpfs) so syncs cost nothing. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "tern.h"
#include "tern_fssync.h"
#include "fuzz-statefile.h"

static char file[64], state[80] ;

static void cleanup (void)
{
  unlink(state) ;
  unlink(file) ;
}

/* one commit: 1 synced, 0 EIO, aborts on anything else */
static int commit (void)
{
  tern_fssync m ;
  unsigned int how = 0 ;
  int r, fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0600) ;
  if (fd < 0) abort() ;
  tern_fssync_begin(state, fd, &m) ;
  if (write(fd, "x", 1) != 1) abort() ;
  r = tern_fssync_wait(state, fd, &m, &how) ;
  close(fd) ;
  if (r && !how) abort() ;
  if (!r && errno != EIO) abort() ;
  return r ;
}

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  unsigned char buf[TERN_FSSYNC_SIZE] ;
  int fd ;
  if (!file[0])
  {
    snprintf(file, sizeof file, "/dev/shm/fuzz-fssync.%d", (int)getpid()) ;
    snprintf(state, sizeof state, "%s.state", file) ;
    atexit(&cleanup) ;
  }
  size = fuzz_statefile(state, data, size, buf, sizeof buf, TERN_FSSYNC_MAGIC, sizeof TERN_FSSYNC_MAGIC) ;
  commit() ;
  if (!commit()) abort() ;  /* after a sync of our own, nothing failed since */
  if (size == TERN_FSSYNC_SIZE && !memcmp(buf, TERN_FSSYNC_MAGIC, sizeof TERN_FSSYNC_MAGIC))
  {
    /* the last sync was ours: a slot names our file system with done
       equal to started and failed below it */
    struct stat st ;
    unsigned int named = 0 ;
    fd = open(state, O_RDONLY) ;
    if (fd < 0 || stat(file, &st) < 0) abort() ;
    for (unsigned int i = 0 ; i < (TERN_FSSYNC_SIZE - 64) / 64 ; i++)
    {
      uint64_t v[8] ;
      if (pread(fd, v, sizeof v, 64 + 64 * i) != sizeof v) abort() ;
      if (v[TERN_FSSYNC_DEV] == (uint64_t)st.st_dev && v[TERN_FSSYNC_DONE] && v[TERN_FSSYNC_DONE] == v[TERN_FSSYNC_STARTED]
       && v[TERN_FSSYNC_FAILED] < v[TERN_FSSYNC_STARTED]) named++ ;
    }
    if (!named) abort() ;
    close(fd) ;
  }
  return 0 ;
}
