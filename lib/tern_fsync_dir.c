/* tern_fsync_dir: make a rename or a link in a directory durable. */
#include <fcntl.h>
#include <unistd.h>
#include <string.h>
#include <errno.h>
#include "tern.h"

int tern_fsync_dir (char const *path, int isdir)
{
  int fd, r ;
  if (isdir) fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) ;
  else
  {
    size_t n = strlen(path) ;
    char dir[n + 2] ;
    char *slash ;
    memcpy(dir, path, n + 1) ;
    slash = strrchr(dir, '/') ;
    if (!slash) { dir[0] = '.' ; dir[1] = 0 ; }
    else if (slash == dir) dir[1] = 0 ;
    else *slash = 0 ;
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) ;
  }
  if (fd < 0) return 0 ;
  r = fsync(fd) ;
  if (r < 0 && errno == EINVAL) r = 0 ;  /* some filesystems cannot sync a directory */
  {
    int e = errno ;
    close(fd) ;
    errno = e ;
  }
  return r == 0 ;
}
