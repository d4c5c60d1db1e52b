/* tern_file_replace: durable, atomic replacement of a small file.
   Readers see the old or the new content, never a mix, and after a crash
   the new content survives once this returned 1. */
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <unistd.h>
#include <string.h>
#include <sys/stat.h>
#include <skalibs/types.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include "tern.h"

int tern_file_replace (char const *path, char const *s, size_t len, unsigned int mode)
{
  size_t n = strlen(path) ;
  char tmp[n + 6 + PID_FMT] ;
  int fd ;
  memcpy(tmp, path, n) ;
  memcpy(tmp + n, ".tmp.", 5) ;
  tmp[n + 5 + pid_fmt(tmp + n + 5, getpid())] = 0 ;
  fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode) ;
  if (fd < 0) return 0 ;
  if (allwrite(fd, s, len) < len || fsync(fd) < 0) goto err ;
  if (fchmod(fd, mode) < 0) goto err ;
  if (close(fd) < 0) { fd = -1 ; goto err ; }
  fd = -1 ;
  if (rename(tmp, path) < 0) goto err ;
  return tern_fsync_dir(path, 0) ;
 err:
  {
    int e = errno ;
    if (fd >= 0) close(fd) ;
    unlink(tmp) ;
    errno = e ;
  }
  return 0 ;
}
