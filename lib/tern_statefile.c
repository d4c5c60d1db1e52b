/* tern_statefile: the fixed-size state files that processes share through
   mmap and locks (queue/dirsync, queue/fssync): one is made anew, zeros
   behind its magic line, when it is missing or damaged. */
#define _GNU_SOURCE  /* F_OFD_SETLK */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "tern.h"

int tern_statefile_init (char const *state, size_t size, char const *magic)
{
  char buf[TERN_STATEFILE_MAX] ;
  size_t len = strlen(magic) ;
  struct stat st ;
  int fd ;
  if (size > sizeof buf || len > size) { errno = EINVAL ; return 0 ; }
  fd = open(state, O_RDONLY | O_CLOEXEC | O_NOFOLLOW) ;
  if (fd >= 0)
  {
    ssize_t n = fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size != size ? -1
      : read(fd, buf, len + 1) ;
    close(fd) ;
    if (n == (ssize_t)len + 1 && !memcmp(buf, magic, len + 1)) return 1 ;
  }
  else if (errno != ENOENT && errno != ELOOP) return 0 ;
  memset(buf, 0, size) ;
  memcpy(buf, magic, len) ;
  return tern_file_replace(state, buf, size, 0660) ;
}

/* an OFD lock of slot i (64 bytes after the 64-byte header): F_WRLCK
   waits, F_UNLCK releases; 1, or 0 with errno */
int tern_statefile_lock (int fd, unsigned int i, short type)
{
  struct flock fl = { .l_type = type, .l_whence = SEEK_SET, .l_start = 64 + 64 * (off_t)i, .l_len = 64, .l_pid = 0 } ;
  int r ;
  do r = fcntl(fd, type == F_UNLCK ? F_OFD_SETLK : F_OFD_SETLKW, &fl) ;
  while (r < 0 && errno == EINTR) ;
  return r == 0 ;
}
