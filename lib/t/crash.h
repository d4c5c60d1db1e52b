/* crash.h: the kill -9 loop of the crash tests (test-store-crash,
   test-junkdb-crash): a child reports each finished step as a line on a
   pipe; t_crash_run kill -9s it after a random moment and hands every
   line it wrote, until the pipe's end, to take. */
#ifndef TERN_T_CRASH_H
#define TERN_T_CRASH_H
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include <skalibs/stralloc.h>

static long long t_now_ms (void)
{
  struct timespec ts ;
  clock_gettime(CLOCK_MONOTONIC, &ts) ;
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 ;
}

/* read lines from fd for ms milliseconds, or until EOF if ms < 0 */
static void t_drain (int fd, stralloc *sa, int ms, void (*take) (char const *))
{
  long long end = t_now_ms() + ms ;
  for (;;)
  {
    struct pollfd p = { .fd = fd, .events = POLLIN } ;
    char buf[4096] ;
    ssize_t r ;
    char *nl ;
    if (ms >= 0)
    {
      long long left = end - t_now_ms() ;
      if (left <= 0 || poll(&p, 1, (int)left) <= 0) return ;
    }
    r = read(fd, buf, sizeof buf) ;
    if (r <= 0) return ;
    if (!stralloc_catb(sa, buf, (size_t)r)) exit(111) ;
    while ((nl = memchr(sa->s, '\n', sa->len)))
    {
      size_t used = (size_t)(nl + 1 - sa->s) ;
      *nl = 0 ;
      (*take)(sa->s) ;
      memmove(sa->s, nl + 1, sa->len - used) ;
      sa->len -= used ;
    }
  }
}

/* child(fd, arg) in a child (it never returns), killed after 1 to maxms
   milliseconds; its lines to take */
static void t_crash_run (void (*child) (int, unsigned int), unsigned int arg, int maxms, void (*take) (char const *))
{
  stralloc sa = STRALLOC_ZERO ;
  int p[2] ;
  pid_t pid ;
  if (pipe(p) < 0) exit(111) ;
  pid = fork() ;
  if (pid < 0) exit(111) ;
  if (!pid) { close(p[0]) ; (*child)(p[1], arg) ; _exit(111) ; }
  close(p[1]) ;
  t_drain(p[0], &sa, 1 + rand() % maxms, take) ;
  kill(pid, SIGKILL) ;
  waitpid(pid, 0, 0) ;
  t_drain(p[0], &sa, -1, take) ;
  close(p[0]) ;
  stralloc_free(&sa) ;
}
#endif
