/* fuzz-dirsync: arbitrary bytes as the state file of tern_dirsync (its
   header, counters and size): every call must sync (return 1), and a slot
   it used must be left consistent (done never above started).  Works in
   /dev/shm (tmpfs) so fsync costs nothing. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <skalibs/djbunix.h>
#include "tern.h"
#include "tern_dirsync.h"
#include "fuzz-statefile.h"

static char dir[64], state[80] ;

static void cleanup (void)
{
  unlink(state) ;
  rmdir(dir) ;
}

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  unsigned char buf[TERN_DIRSYNC_SIZE] ;
  unsigned int how = 0 ;
  int fd ;
  if (!dir[0])
  {
    snprintf(dir, sizeof dir, "/dev/shm/fuzz-dirsync.%d", (int)getpid()) ;
    snprintf(state, sizeof state, "%s.state", dir) ;
    if (mkdir(dir, 0700) < 0) abort() ;
    atexit(&cleanup) ;
  }
  fuzz_statefile(state, data, size, buf, sizeof buf, TERN_DIRSYNC_MAGIC, sizeof TERN_DIRSYNC_MAGIC) ;
  if (!tern_dirsync(state, dir, &how) || !how) abort() ;
  if (!tern_dirsync(state, dir, &how)) abort() ;
  fd = open(state, O_RDONLY) ;
  if (fd < 0) abort() ;
  if (how != TERN_DIRSYNC_PLAIN)
  {
    /* the slot of the last fsync names dir, with done never above started */
    struct stat st ;
    unsigned int named = 0 ;
    if (stat(dir, &st) < 0) abort() ;
    for (unsigned int i = 0 ; i < (TERN_DIRSYNC_SIZE - 64) / 64 ; i++)
    {
      uint64_t v[4] ;
      if (pread(fd, v, sizeof v, 64 + 64 * i) != sizeof v) abort() ;
      if (v[2] != (uint64_t)st.st_dev || v[3] != (uint64_t)st.st_ino) continue ;
      if (v[1] > v[0]) abort() ;
      named++ ;
    }
    if (!named) abort() ;
  }
  close(fd) ;
  return 0 ;
}
