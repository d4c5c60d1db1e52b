/* tern_file_replace: durable, atomic replacement of a file.  The content is
   written by fill(fd, aux) into PATH.tmp.PID, fsynced, renamed over PATH and
   the directory fsynced: readers see the old or the new content, never a
   mix, and after a crash the new content survives once this returned 1. */
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <unistd.h>
#include <string.h>
#include <sys/stat.h>
#include <skalibs/types.h>
#include <skalibs/allreadwrite.h>
#include "tern.h"

int tern_file_replacefn (char const *path, unsigned int mode, int (*fill) (int, void *), void *aux)
{
  size_t n = strlen(path) ;
  char tmp[n + 6 + PID_FMT] ;
  int fd ;
  memcpy(tmp, path, n) ;
  memcpy(tmp + n, ".tmp.", 5) ;
  tmp[n + 5 + pid_fmt(tmp + n + 5, getpid())] = 0 ;
  fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode) ;
  if (fd < 0) return 0 ;
  if (!(*fill)(fd, aux) || fsync(fd) < 0) goto err ;
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

struct buf_s { char const *s ; size_t len ; } ;

static int putbuf (int fd, void *aux)
{
  struct buf_s const *b = aux ;
  return allwrite(fd, b->s, b->len) == b->len ;
}

int tern_file_replace (char const *path, char const *s, size_t len, unsigned int mode)
{
  struct buf_s b = { .s = s, .len = len } ;
  return tern_file_replacefn(path, mode, &putbuf, &b) ;
}
