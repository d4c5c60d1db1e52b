/* tern_conftext_write: the records as a cdb, written to PATH.tmp.PID,
   fsynced and renamed over PATH: readers see the old or the new file. */
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <skalibs/types.h>
#include <skalibs/cdbmake.h>
#include "tern.h"
#include "tern_conftext.h"

static int fill (tern_conftext const *t, int fd)
{
  cdbmaker m = CDBMAKER_ZERO ;
  size_t i = 0 ;
  if (!cdbmake_start(&m, fd)) return 0 ;
  if (!cdbmake_add(&m, "v", 1, "1", 1)) goto err ;
  while (i < t->recs.len)
  {
    char const *k = t->recs.s + i ;
    size_t kl = strlen(k) ;
    char const *v = k + kl + 1 ;
    size_t vl = strlen(v) ;
    if (!cdbmake_add(&m, k, kl, v, vl)) goto err ;
    i += kl + vl + 2 ;
  }
  return cdbmake_finish(&m) ;
 err:
  genalloc_free(diuint32, &m.hplist) ;
  return 0 ;
}

int tern_conftext_write (tern_conftext const *t, char const *path)
{
  size_t n = strlen(path) ;
  char tmp[n + 6 + PID_FMT] ;
  int fd ;
  memcpy(tmp, path, n) ;
  memcpy(tmp + n, ".tmp.", 5) ;
  tmp[n + 5 + pid_fmt(tmp + n + 5, getpid())] = 0 ;
  fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644) ;
  if (fd < 0) return 0 ;
  if (!fill(t, fd) || fsync(fd) < 0) goto err ;
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
