/* test-dirsync: tern_dirsync, the shared fsync of a directory.  fsync is
   counted here (this file's fsync wraps the system call): every caller
   returns only after an fsync of the directory that started after its
   rename; concurrent callers share; a caller killed in its fsync holding
   the lock stops nobody; a failed fsync is an error (EIO); a missing,
   short, garbage or unwritable state file, or damaged counters, still
   sync. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include "tern.h"
#include "tern_dirsync.h"
#include "synct.h"

/* the fsyncs of the directory d counted (synct.h) */
int fsync (int fd)
{
  struct stat st ;
  if (!S || fstat(fd, &st) < 0 || (uint64_t)st.st_ino != S->ino) return (int)syscall(SYS_fsync, fd) ;
  return t_synccall(SYS_fsync, fd) ;
}

/* one rename into d, then the shared sync: was an fsync begun after the
   rename done when it returned? */
static int once (char const *state, unsigned int w, unsigned int i, unsigned int *how)
{
  char a[64], b[64] ;
  uint64_t before ;
  int fd ;
  snprintf(a, sizeof a, "t.%u.%u", w, i) ;
  snprintf(b, sizeof b, "d/m.%u.%u", w, i) ;
  fd = open(a, O_WRONLY | O_CREAT | O_TRUNC, 0600) ;
  if (fd < 0 || close(fd) < 0 || rename(a, b) < 0) return 0 ;
  before = ld(&S->started) ;
  if (!tern_dirsync(state, "d", how)) return 0 ;
  /* fsyncs of d are serialized under the lock: done > before means the
     one numbered before + 1, begun after the rename, has ended */
  return ld(&S->done) > before ;
}

static void slot (uint64_t *c)
{
  struct stat st ;
  int fd = open("dirsync", O_RDONLY) ;
  c[0] = c[1] = ~(uint64_t)0 ;
  if (fd < 0 || stat("d", &st) < 0) return ;
  /* the slot that holds d's last fsync */
  for (unsigned int i = 0 ; i < 63 ; i++)
  {
    uint64_t v[4] ;
    if (pread(fd, v, sizeof v, 64 + 64 * i) == sizeof v && v[3] == (uint64_t)st.st_ino) { c[0] = v[0] ; c[1] = v[1] ; }
  }
  close(fd) ;
}

/* a failing fsync: 0 with its errno, and nothing counted as done */
static void eio (void)
{
  uint64_t c[2] ;
  unsigned int how = 0 ;
  S->eio = 1 ;
  errno = 0 ;
  T(!tern_dirsync("dirsync", "d", &how) && errno == EIO, "an fsync failing: 0, errno EIO") ;
  slot(c) ;
  T(c[0] == c[1] + 1, "and done stays behind started") ;
  T(how1("dirsync") == TERN_DIRSYNC_OWN, "the next caller syncs itself") ;
  S->eio = 1 ;
  errno = 0 ;
  T(!tern_dirsync(0, "d", &how) && errno == EIO, "a plain fsync failing: 0, errno EIO") ;
}

static void damage (void)
{
  uint64_t c[2] ;
  t_syncdamage(TERN_DIRSYNC_SIZE, &tern_dirsync_init, TERN_DIRSYNC_PLAIN, TERN_DIRSYNC_OWN) ;
  T(mkdir("dirdir", 0700) == 0 && how1("dirdir") == TERN_DIRSYNC_PLAIN, "a directory: a plain fsync") ;
  {
    /* counters garbage: done above started */
    int fd = open("dirsync", O_RDWR) ;
    uint64_t v[2] = { 5, 1000 } ;
    struct stat st ;
    for (unsigned int i = 0 ; fd >= 0 && i < 63 ; i++) if (pwrite(fd, v, sizeof v, 64 + 64 * i) != sizeof v) break ;
    if (fd >= 0) close(fd) ;
    T(how1("dirsync") == TERN_DIRSYNC_OWN, "done above started: our own fsync") ;
    slot(c) ;
    T(c[0] == c[1] && c[0] < 1000, "and the slot starts again") ;
    T(stat("dirsync", &st) == 0 && st.st_size == TERN_DIRSYNC_SIZE, "same size") ;
  }
}

/* not root: the file is unwritable to it; as root, test as nobody */
static void unwritable (void)
{
  pid_t pid ;
  int wstat ;
  T(chmod(".", 0777) == 0 && chmod("d", 0777) == 0 && chmod("dirsync", 0444) == 0, "state made read-only") ;
  pid = fork() ;
  if (!pid)
  {
    if (!getuid() && setuid(65534) < 0) _exit(2) ;
    _exit(how1("dirsync") == TERN_DIRSYNC_PLAIN ? 0 : 1) ;
  }
  T(pid > 0 && waitpid(pid, &wstat, 0) == pid && WIFEXITED(wstat) && !WEXITSTATUS(wstat), "unwritable: a plain fsync") ;
  chmod("dirsync", 0660) ;
}

static void killed (void)
{
  uint64_t c[2] ;
  t_synckilled(TERN_DIRSYNC_OWN, "fsync") ;
  slot(c) ;
  T(c[0] == c[1], "counters consistent again") ;
}

int main (void)
{
  struct stat st ;
  if (!t_syncsetup(&once, "dirsync") || stat("d", &st) < 0) return 111 ;
  S->ino = (uint64_t)st.st_ino ;
  T(tern_dirsync_init("dirsync") && stat("dirsync", &st) == 0 && st.st_size == TERN_DIRSYNC_SIZE, "init creates it") ;
  T(tern_dirsync_init("dirsync"), "init again: kept") ;
  T(how1("dirsync") == TERN_DIRSYNC_OWN, "alone: its own fsync") ;
  T(how1("dirsync") == TERN_DIRSYNC_OWN, "alone again: its own fsync") ;
  t_syncwriters(TERN_DIRSYNC_SHARED, TERN_DIRSYNC_OWN, "an fsync") ;
  killed() ;
  eio() ;
  damage() ;
  unwritable() ;
  return tdone() ;
}
