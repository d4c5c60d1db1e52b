/* test-qleft: tern_qleft_check, a file left in pool/ or tmp/ looked at the
   one way the runner, tern-verify and tern-backup share (tern_queue.h):
   whole, torn, empty, locked by another, renamed away (or unlinked, or
   replaced) between its open and its lock, not regular (directory,
   symbolic link, FIFO), no such file, an error; nothing left open but the
   descriptor asked for; then tern_qfile_place with that descriptor.
   flock is wrapped here: when asked, it renames (or unlinks) the file
   just before the real flock, as a writer that commits (or aborts) does
   while a recoverer waits between its open and its lock. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include "tern.h"
#include "tern_queue.h"
#include "t.h"

static char const *away = 0 ;   /* the next flock first renames away to to (0: unlinks it) */
static char const *to = 0 ;
static int replace = 0 ;        /* and makes a new file under the name */
static unsigned int npread = 0 ;

int flock (int fd, int op)
{
  if (away)
  {
    if ((to ? rename(away, to) : unlink(away)) < 0) { perror(away) ; exit(111) ; }
    if (replace)
    {
      int n = open(away, O_WRONLY | O_CREAT | O_EXCL, 0640) ;
      if (n < 0 || write(n, "x", 1) != 1) { perror(away) ; exit(111) ; }
      close(n) ;
    }
    away = to = 0 ;
    replace = 0 ;
  }
  return (int)syscall(SYS_flock, fd, op) ;
}

ssize_t pread (int fd, void *buf, size_t n, off_t off)
{
  npread++ ;
  return (ssize_t)syscall(SYS_pread64, fd, buf, n, off) ;
}

#define REST "time 1700000000\nfrom <a@b.example>\nrcpt <c@d.example>\n\nSubject: x\r\n\r\nbody\r\n"

static void put (char const *path, char const *s, size_t n)
{
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0640) ;
  if (fd < 0 || write(fd, s, n) != (ssize_t)n) { perror(path) ; exit(111) ; }
  close(fd) ;
}

static ino_t inode (char const *p) { struct stat st ; return stat(p, &st) ? 0 : st.st_ino ; }
static int exists (char const *p) { struct stat st ; return !lstat(p, &st) ; }

/* a whole message file at path, its id from its inode (into id); torn:
   one byte of its message changed */
static size_t whole (char const *path, char *id, int torn)
{
  char buf[4096] ;
  size_t k ;
  put(path, "", 0) ;
  tern_queue_idfmt(id, 1700000000, 12345, (uint64_t)inode(path)) ;
  k = tern_qseal_fmt(buf, id, sizeof REST - 1, tern_qseal_sum(0, REST, sizeof REST - 1)) ;
  memcpy(buf + k, REST, sizeof REST - 1) ;
  if (torn) buf[k + 20] ^= 1 ;
  put(path, buf, k + sizeof REST - 1) ;
  return k + sizeof REST - 1 ;
}

/* another open file description's flock on path: its fd */
static int lockedby (char const *path, int op)
{
  int fd = open(path, O_RDONLY) ;
  if (fd < 0 || flock(fd, op | LOCK_NB) < 0) { perror(path) ; exit(111) ; }
  return fd ;
}

/* can another take op on path without waiting */
static int free_for (char const *path, int op)
{
  int fd = open(path, O_RDONLY), r ;
  if (fd < 0) return 0 ;
  r = flock(fd, op | LOCK_NB) == 0 ;
  close(fd) ;
  return r ;
}

/* tern_qleft_check(AT_FDCWD, path, op, 0, ...), and no descriptor left open */
static int check (char const *path, int op, struct stat *st, char *id)
{
  int low = t_lowest(), r, e ;
  id[0] = 0 ;
  errno = 0 ;
  r = tern_qleft_check(AT_FDCWD, path, op, 0, st, id) ;
  e = errno ;
  T(t_lowest() == low, "nothing left open") ;
  errno = e ;
  return r ;
}

int main (void)
{
  char id[TERN_QUEUE_IDMAX], got[TERN_QUEUE_IDMAX], p[256] ;
  struct stat st ;
  size_t n ;
  int fd, o, r ;
  if (!tern_queue_init("q")) { perror("init") ; return 111 ; }

  /* whole */
  n = whole("q/tmp/a", id, 0) ;
  T(check("q/tmp/a", LOCK_SH, &st, got) == TERN_QREC_WHOLE && !strcmp(got, id), "whole: WHOLE, its id") ;
  T(st.st_ino == inode("q/tmp/a") && (size_t)st.st_size == n, "whole: st is its stat") ;
  T(free_for("q/tmp/a", LOCK_EX), "whole, without fdp: not left locked") ;
  fd = -1 ;
  T(tern_qleft_check(AT_FDCWD, "q/tmp/a", LOCK_SH, &fd, &st, got) == TERN_QREC_WHOLE && fd >= 0, "whole, with fdp: WHOLE, the descriptor") ;
  T(fd >= 0 && !free_for("q/tmp/a", LOCK_EX) && free_for("q/tmp/a", LOCK_SH), "with LOCK_SH: held shared") ;
  if (fd >= 0) close(fd) ;
  {
    int dfd = open("q/tmp", O_RDONLY | O_DIRECTORY) ;
    T(dfd >= 0 && tern_qleft_check(dfd, "a", LOCK_SH, 0, &st, got) == TERN_QREC_WHOLE && !strcmp(got, id), "whole, by a name relative to dfd") ;
    T(dfd >= 0 && tern_qleft_check(dfd, "zz", LOCK_SH, 0, &st, got) == TERN_QREC_GONE, "no such name relative to dfd: GONE") ;
    if (dfd >= 0) close(dfd) ;
  }

  /* torn */
  whole("q/tmp/b", id, 1) ;
  r = check("q/tmp/b", LOCK_SH, &st, got) ;
  T(r == TERN_QREC_TORN && errno == EPROTO, "torn: TORN, EPROTO") ;
  fd = -1 ;
  T(tern_qleft_check(AT_FDCWD, "q/tmp/b", LOCK_EX, &fd, &st, got) == TERN_QREC_TORN && fd >= 0 && !free_for("q/tmp/b", LOCK_SH),
    "torn, with fdp and LOCK_EX: the descriptor, held exclusive") ;
  if (fd >= 0) close(fd) ;

  /* empty */
  put("q/pool/c", "", 0) ;
  npread = 0 ;
  T(check("q/pool/c", LOCK_EX, &st, got) == TERN_QREC_EMPTY && !npread, "empty: EMPTY, nothing read") ;
  fd = -1 ;
  T(tern_qleft_check(AT_FDCWD, "q/pool/c", LOCK_EX, &fd, &st, got) == TERN_QREC_EMPTY && fd == -1, "empty, with fdp: no descriptor") ;

  /* locked by another: a live writer */
  whole("q/tmp/d", id, 0) ;
  o = lockedby("q/tmp/d", LOCK_EX) ;
  npread = 0 ;
  T(check("q/tmp/d", LOCK_SH, &st, got) == TERN_QREC_HELD && !npread, "held exclusive by another, asked shared: HELD, nothing read") ;
  fd = -1 ;
  T(tern_qleft_check(AT_FDCWD, "q/tmp/d", LOCK_EX, &fd, &st, got) == TERN_QREC_HELD && fd == -1, "held, with fdp: no descriptor") ;
  close(o) ;
  o = lockedby("q/tmp/d", LOCK_SH) ;
  T(check("q/tmp/d", LOCK_EX, &st, got) == TERN_QREC_HELD, "held shared by another (a reader), asked exclusive: HELD") ;
  T(check("q/tmp/d", LOCK_SH, &st, got) == TERN_QREC_WHOLE, "held shared by another, asked shared: WHOLE") ;
  close(o) ;
  T(check("q/tmp/d", LOCK_EX, &st, got) == TERN_QREC_WHOLE, "its lock released: WHOLE") ;

  /* renamed away between the open and the lock: its writer committed */
  whole("q/tmp/e", id, 0) ;
  snprintf(p, sizeof p, "q/todo/%s", id) ;
  away = "q/tmp/e" ; to = p ;
  npread = 0 ;
  T(check("q/tmp/e", LOCK_EX, &st, got) == TERN_QREC_GONE && !npread, "renamed away once opened: GONE, nothing read") ;
  T(exists(p) && !exists("q/tmp/e") && !away, "renamed away: the rename was made (the wrapper ran)") ;
  fd = -1 ;
  whole("q/tmp/f", id, 0) ;
  away = "q/tmp/f" ; to = "q/tmp/f.moved" ;
  T(tern_qleft_check(AT_FDCWD, "q/tmp/f", LOCK_SH, &fd, &st, got) == TERN_QREC_GONE && fd == -1, "renamed away, with fdp: GONE, no descriptor") ;
  whole("q/tmp/g", id, 0) ;
  away = "q/tmp/g" ; to = "q/tmp/g.moved" ; replace = 1 ;
  T(check("q/tmp/g", LOCK_SH, &st, got) == TERN_QREC_GONE, "renamed away, another file made under its name: GONE") ;
  whole("q/tmp/h", id, 0) ;
  away = "q/tmp/h" ; to = 0 ;
  T(check("q/tmp/h", LOCK_SH, &st, got) == TERN_QREC_GONE, "unlinked once opened (its writer aborted): GONE") ;

  /* not regular; no such file */
  mkdir("q/tmp/i", 0700) ;
  T(check("q/tmp/i", LOCK_SH, &st, got) == TERN_QREC_NOTREG, "a directory: NOTREG") ;
  whole("q/tmp/j", id, 0) ;
  if (symlink("j", "q/tmp/k") < 0) { perror("symlink") ; return 111 ; }
  T(check("q/tmp/k", LOCK_SH, &st, got) == TERN_QREC_NOTREG, "a symbolic link to a whole file: NOTREG, not followed") ;
  if (mkfifo("q/tmp/l", 0600) < 0) { perror("mkfifo") ; return 111 ; }
  T(check("q/tmp/l", LOCK_SH, &st, got) == TERN_QREC_NOTREG, "a FIFO: NOTREG, without waiting for a writer") ;
  T(check("q/tmp/nothing", LOCK_SH, &st, got) == TERN_QREC_GONE, "no such file: GONE") ;

  /* an error: -1 with errno (flock's EINVAL, a bad op) */
  r = check("q/tmp/j", LOCK_SH | LOCK_EX, &st, got) ;
  T(r == -1 && errno == EINVAL, "an error: -1, errno") ;

  /* tern_qfile_place with the descriptor held */
  whole("q/pool/m", id, 0) ;
  fd = -1 ;
  r = tern_qleft_check(AT_FDCWD, "q/pool/m", LOCK_EX, &fd, &st, got) ;
  T(r == TERN_QREC_WHOLE && tern_qfile_place("q", "q/pool/m", &st, got) == TERN_QREC_DONE, "whole, then place: DONE") ;
  snprintf(p, sizeof p, "q/todo/%s", id) ;
  T(inode(p) == st.st_ino && !exists("q/pool/m"), "place: todo/ID is the file") ;
  if (fd >= 0) close(fd) ;
  return tdone() ;
}
