/* tern_queue_lock: the queue runner's lock, QDIR/lock (tern-queue.5): a
   fcntl write lock, held while the fd is open by this process only (a
   forked child does not inherit it, so a killed runner's children never
   keep it).  fd, or -1 with errno (EAGAIN: someone holds it). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include "tern_queue.h"

int tern_queue_lock (char const *qdir)
{
  size_t n = strlen(qdir) ;
  char path[n + 6] ;
  struct flock l = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0 } ;
  int fd ;
  memcpy(path, qdir, n) ;
  memcpy(path + n, "/lock", 6) ;
  fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600) ;
  if (fd < 0) return -1 ;
  if (fcntl(fd, F_SETLK, &l) < 0)
  {
    int e = errno == EACCES ? EAGAIN : errno ;
    close(fd) ;
    errno = e ;
    return -1 ;
  }
  return fd ;
}
