/* t.h: the unit-test kit.  T(cond, "what") counts a check; tdone() prints
   "N passed, N failed" and returns the exit code (0 only if all passed). */
#ifndef TERN_T_H
#define TERN_T_H
#include <stdint.h>
#include <stdio.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>
#include <sys/wait.h>

static unsigned int t_pass = 0, t_fail = 0 ;

#define T(cond, what) do { if (cond) t_pass++ ; else { t_fail++ ; \
  fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, (what)) ; } } while (0)

static inline int tdone (void)
{
  printf("%u passed, %u failed\n", t_pass, t_fail) ;
  return t_fail ? 1 : 0 ;
}
/* descriptors: is fd open; the lowest free one (what open would get) */
static inline int t_isopen (int fd) { return fcntl(fd, F_GETFD) >= 0 ; }
static inline int t_lowest (void)
{
  int fd = dup(0) ;
  if (fd >= 0) close(fd) ;
  return fd ;
}
/* A process killed inside a sync call that test-dirsync and test-fssync
   wrap and count (*started on entry, *done on return; *hang: the pid
   whose call never returns): a child with *hang its own pid runs f(),
   which must reach that call; once the child is in it (*started is *done
   + 1, within 60 s) it is killed with SIGKILL and its call counted out
   (*done + 1).  1 if the child was seen in its call. */
static inline int t_killinsync (int volatile *hang, uint64_t *started, uint64_t *done, void (*f)(void))
{
  int in, wstat ;
  pid_t pid = fork() ;
  if (!pid) { *hang = getpid() ; f() ; _exit(0) ; }
  for (int i = 0 ; i < 60000 && __atomic_load_n(started, __ATOMIC_SEQ_CST) == __atomic_load_n(done, __ATOMIC_SEQ_CST) ; i++) usleep(1000) ;
  in = __atomic_load_n(started, __ATOMIC_SEQ_CST) == __atomic_load_n(done, __ATOMIC_SEQ_CST) + 1 ;
  kill(pid, SIGKILL) ;
  waitpid(pid, &wstat, 0) ;
  *hang = 0 ;
  __atomic_add_fetch(done, 1, __ATOMIC_SEQ_CST) ;
  return in ;
}
#endif
