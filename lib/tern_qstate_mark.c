/* tern_qstate_mark: atomic replacement of a state file without fsync: the
   start record of an attempt.  It survives the kill of any process (the
   page cache is the kernel's), not a power loss (tern-queue(5)). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <skalibs/types.h>
#include <skalibs/allreadwrite.h>
#include "tern.h"
#include "tern_queue.h"

int tern_qstate_mark (tern_qstate const *st, char const *path)
{
  stralloc sa = STRALLOC_ZERO ;
  size_t n = strlen(path) ;
  char tmp[n + 6 + PID_FMT] ;
  int fd, e ;
  memcpy(tmp, path, n) ;
  memcpy(tmp + n, ".tmp.", 5) ;
  tmp[n + 5 + pid_fmt(tmp + n + 5, getpid())] = 0 ;
  if (!tern_qstate_fmt(&sa, st)) return 0 ;
  fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600) ;
  if (fd < 0) goto err ;
  if (allwrite(fd, sa.s, sa.len) != sa.len) { close(fd) ; goto err ; }
  if (close(fd) < 0 || rename(tmp, path) < 0) goto err ;
  stralloc_free(&sa) ;
  return 1 ;
 err:
  e = errno ;
  if (fd >= 0) unlink(tmp) ;
  stralloc_free(&sa) ;
  errno = e ;
  return 0 ;
}
