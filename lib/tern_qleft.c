/* tern_qleft_check: a file of pool/ or tmp/ that a crash may have left
   (tern-queue.5, "Recovery"), looked at the one way the runner, tern-verify
   and tern-backup all need: never through a symbolic link, never waiting
   on a FIFO, an empty one not locked, the flock taken without waiting (a
   live writer holds it), the name checked once the lock is ours, then the
   seal. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include "tern.h"
#include "tern_queue.h"

int tern_qleft_check (int dfd, char const *name, int op, int *fdp, struct stat *st, char *id)
{
  struct stat o ;
  int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC), r, e ;
  if (fd < 0) return errno == ENOENT ? TERN_QREC_GONE : errno == ELOOP ? TERN_QREC_NOTREG : -1 ;
  if (fstat(fd, &o) < 0) r = -1 ;
  else if (!S_ISREG(o.st_mode)) r = TERN_QREC_NOTREG ;
  else if (!o.st_size) r = TERN_QREC_EMPTY ;
  else if (flock(fd, op | LOCK_NB) < 0) r = errno == EWOULDBLOCK ? TERN_QREC_HELD : -1 ;
  /* the lock is ours: a writer that held it has renamed the file (its
     commit) or unlinked it (an abort) and is gone; if the name is still
     this file's, what it holds is final (and st_size with it) */
  else if (fstatat(dfd, name, st, AT_SYMLINK_NOFOLLOW) < 0) r = errno == ENOENT ? TERN_QREC_GONE : -1 ;
  else if (st->st_ino != o.st_ino || st->st_dev != o.st_dev) r = TERN_QREC_GONE ;
  else if (!st->st_size) r = TERN_QREC_EMPTY ;
  else
  {
    r = tern_qseal_check(fd, (uint64_t)st->st_size, id) ;
    r = r < 0 ? -1 : r ? TERN_QREC_WHOLE : TERN_QREC_TORN ;
  }
  if (fdp && (r == TERN_QREC_WHOLE || r == TERN_QREC_TORN)) { *fdp = fd ; return r ; }
  e = errno ;
  close(fd) ;
  errno = e ;
  return r ;
}
