/* tern-smtp-in-zygote: with TERN_ZYGOTE_FD (set by tern-tls -L -Z), this
   process is started once and forks one session per connection instead of
   being executed for each (an exec costs ~0.5 ms of CPU on a VM).  Each
   request on the socket is one SOCK_SEQPACKET message: the environment of
   the session ("NAME=value\0"..., PROTO and TCP* only) with two fds: the
   connection and SSLCTLFD, on which the session asks for its TLS helper
   (tern-tls.8, smtp_starttls). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <skalibs/types.h>
#include <skalibs/strerr.h>
#include <skalibs/djbunix.h>
#include "tern.h"
#include "tern-smtp-in.h"

#define ZENVMAX 1024

static int allowed (char const *s)
{
  return !strncmp(s, "PROTO=", 6) || !strncmp(s, "TCP", 3) ;
}

static void setfd (char const *name, int fd)
{
  char fmt[INT_FMT] ;
  fmt[int_fmt(fmt, fd)] = 0 ;
  if (setenv(name, fmt, 1) < 0) strerr_diefusys(111, "setenv") ;
}

/* in the session's child: fds and environment, then back to main */
static void session (int const *fd, char *env, size_t len)
{
  int ctl = fd[1] ;
  signal(SIGCHLD, SIG_DFL) ;
  /* started with 0 or 1 closed, we may have received SSLCTLFD there */
  if (ctl < 2 && ((ctl = fcntl(fd[1], F_DUPFD_CLOEXEC, 3)) < 0 || close(fd[1]) < 0))
    strerr_diefusys(111, "move SSLCTLFD") ;
  if (fd_move(0, fd[0]) < 0 || fd_copy(1, 0) < 0) strerr_diefusys(111, "move the connection to fds 0 and 1") ;
  setfd("SSLCTLFD", ctl) ;
  if (unsetenv("SSLREADFD") < 0 || unsetenv("SSLWRITEFD") < 0) strerr_diefusys(111, "unsetenv") ;
  env[len] = 0 ;
  for (size_t i = 0 ; i < len ; i += strlen(env + i) + 1)
  {
    char *eq = strchr(env + i, '=') ;
    if (!eq || !allowed(env + i)) continue ;
    *eq = 0 ;
    if (setenv(env + i, eq + 1, 1) < 0) strerr_diefusys(111, "setenv") ;
    *eq = '=' ;
  }
}

/* reaped by us, not by the kernel (SIG_IGN), so that their CPU time is
   counted in ours, as a supervisor sees it */
static void reap (int sig)
{
  int e = errno ;
  (void)sig ;
  while (waitpid(-1, 0, WNOHANG) > 0) ;
  errno = e ;
}

void smtp_zygote (int zfd)
{
  static char env[ZENVMAX + 1] ;
  struct sigaction sa = { .sa_handler = &reap, .sa_flags = SA_RESTART | SA_NOCLDSTOP } ;
  sigemptyset(&sa.sa_mask) ;
  if (sigaction(SIGCHLD, &sa, 0) < 0) strerr_diefusys(111, "catch SIGCHLD") ;
  for (;;)
  {
    int fd[2] = { -1, -1 } ;
    unsigned int nfd ;
    ssize_t r = tern_fd_recv(zfd, env, ZENVMAX, fd, 2, &nfd, 0) ;
    pid_t pid = -1 ;
    if (!r) _exit(0) ;  /* tern-tls and all its sessions are gone */
    if (r < 0)
    {
      if (errno == EINTR) continue ;
      /* cut off (our open-file limit): what came is closed, the client
         sees its connection close; the next one may fit */
      if (errno == EMSGSIZE) { strerr_warnwu1sys("receive a session") ; continue ; }
      strerr_diefusys(111, "receive a session") ;
    }
    if (nfd == 2)
    {
      pid = fork() ;
      if (!pid)
      {
        close(zfd) ;
        session(fd, env, (size_t)r) ;
        return ;
      }
      if (pid < 0) strerr_warnwusys("fork a session") ;
    }
    for (unsigned int i = 0 ; i < nfd ; i++) close(fd[i]) ;
  }
}
