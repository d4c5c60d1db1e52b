/* tern_lock: take the exclusive lock DIR/lock (tern_lockat: DIR/NAME),
   created if missing; the lock lasts while the returned fd is open.  fd,
   or -1 with errno. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include "tern.h"

int tern_lock (char const *dir)
{
  return tern_lockat(dir, "lock") ;
}

int tern_lockat (char const *dir, char const *name)
{
  size_t n = strlen(dir), m = strlen(name) ;
  char path[n + m + 2] ;
  int fd ;
  memcpy(path, dir, n) ;
  path[n] = '/' ;
  memcpy(path + n + 1, name, m + 1) ;
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
