/* tern_lock: take the exclusive lock DIR/lock (created if missing); the
   lock lasts while the returned fd is open.  fd, or -1 with errno. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include "tern.h"

int tern_lock (char const *dir)
{
  size_t n = strlen(dir) ;
  char path[n + 6] ;
  int fd ;
  memcpy(path, dir, n) ;
  memcpy(path + n, "/lock", 6) ;
  fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600) ;
  if (fd < 0) return -1 ;
  while (flock(fd, LOCK_EX) < 0)
  {
    int e = errno ;
    if (e == EINTR) continue ;
    close(fd) ;
    errno = e ;
    return -1 ;
  }
  return fd ;
}
