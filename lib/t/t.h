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
#endif
