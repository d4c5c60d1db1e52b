/* tern-smtp-in-reset: between two connections of a pooled session
   (tern-smtp-in.8, PROCESSES): whether the last one ended cleanly, then
   every fd of it closed, every allocation freed and wiped, the stack and
   static buffers zeroed, and a check that no other fd is left open. */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <skalibs/djbunix.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include "tern_log.h"
#include "tern-smtp-in.h"

void smtp_wipesa (stralloc *sa)
{
  if (sa->s) explicit_bzero(sa->s, sa->a) ;
  stralloc_free(sa) ;
}

int smtp_reusable (smtp *s)
{
  pid_t r = waitpid(-1, 0, WNOHANG) ;
  /* every child reaped: none is left, running or not */
  if (r != -1 || errno != ECHILD) return 0 ;
  return !s->authtried && !s->nbad && !smtp_injecting(s) && s->q.fd < 0 && s->pid <= 0
    && s->infd < 0 && s->outfd < 0 && s->yfd < 0 && !s->account.len ;
}

/* the part of the stack the connection used (command lines, SASL, the
   Received: field): its top 16 KiB, which every connection uses, zeroed;
   the 48 KiB below, which only deep calls reach, given back to the kernel
   (MADV_DONTNEED: zeroed pages if touched again), so an idle session does
   not keep them resident (smtp.bench: 72 KiB of stack, now 24).  Zeroing
   and dropping all of it cost a page fault per page at each connection
   (12 us each on the bench machine: CPU per message 1.65 to 2.95 ms). */
#define STACKKEEP 16384
static void __attribute__((noinline)) stackwipe (void)
{
  char pad[65536] ;
  uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE), a, b ;
  explicit_bzero(pad + sizeof pad - STACKKEEP, STACKKEEP) ;
  a = ((uintptr_t)pad + page - 1) & ~(page - 1) ;
  b = ((uintptr_t)pad + sizeof pad - STACKKEEP) & ~(page - 1) ;
  if (b > a) madvise((void *)a, b - a, MADV_DONTNEED) ;
  __asm__ __volatile__("" : : "r"(pad) : "memory") ;
}

/* fds 0 and 1 on /dev/null, the connection's others closed */
static void fds (smtp *s)
{
  int fd = open("/dev/null", O_RDWR | O_CLOEXEC) ;
  if (fd < 0) strerr_diefusys(111, "open /dev/null") ;
  /* dup2 leaves 0 and 1 without close-on-exec */
  if (fd_move(0, fd) < 0 || fd_copy(1, 0) < 0)
    strerr_diefusys(111, "put /dev/null on fds 0 and 1") ;
  if (s->ctlfd >= 0) fd_close(s->ctlfd) ;
}

/* any fd but 0-2 and the pool's is one the connection left: a bug */
static void fdcheck (smtp *s)
{
  DIR *d = opendir("/proc/self/fd") ;
  struct dirent *e ;
  if (!d) strerr_diefusys(111, "open /proc/self/fd") ;
  while ((errno = 0, e = readdir(d)))
  {
    int fd ;
    if (e->d_name[0] == '.' || !int0_scan(e->d_name, &fd)) continue ;
    if (fd > 2 && fd != dirfd(d) && !smtp_pool_fd(fd))
    {
      tern_log_warn("fd-left", "session", s->session, "fd", e->d_name, TERN_LOG_END) ;
      _exit(111) ;
    }
  }
  if (errno) strerr_diefusys(111, "read /proc/self/fd") ;
  closedir(d) ;
}

void smtp_reset (smtp *s)
{
  fds(s) ;
  smtp_wipesa(&s->hostname) ;
  smtp_wipesa(&s->heloname) ;
  smtp_wipesa(&s->account) ;
  smtp_wipesa(&s->from) ;
  smtp_wipesa(&s->fromlog) ;
  smtp_wipesa(&s->rcpts) ;
  smtp_wipesa(&s->qdir) ;
  smtp_wipesa(&s->q.tmp) ;
  smtp_io_wipe() ;
  smtp_auth_wipe() ;
  smtp_inject_wipe() ;
  smtp_rcpt_wipe() ;
  smtp_junk_wipe() ;
  smtp_data_wipe() ;
  stackwipe() ;
  fdcheck(s) ;
  {
    /* the configuration's map stays (no fd): setup refreshes it */
    tern_conf c = s->conf ;
    explicit_bzero(s, sizeof *s) ;
    s->conf = c ;
  }
}
