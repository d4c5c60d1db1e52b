/* tern-smtp-in-zygote: with TERN_ZYGOTE_FD (set by tern-tls -L -Z), this
   process is started once and forks one session per connection instead of
   being executed for each (an exec costs ~0.5 ms of CPU on a VM).  Each
   request on the socket is one SOCK_SEQPACKET message: the environment of
   the session ("NAME=value\0"..., PROTO and TCP* only) with two fds: the
   connection and SSLCTLFD, on which the session asks for its TLS helper
   (tern-tls.8, smtp_starttls). */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <skalibs/types.h>
#include <skalibs/strerr.h>
#include <skalibs/djbunix.h>
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
  signal(SIGCHLD, SIG_DFL) ;
  if (fd_move(0, fd[0]) < 0 || fd_copy(1, 0) < 0) strerr_diefusys(111, "move the connection to fds 0 and 1") ;
  setfd("SSLCTLFD", fd[1]) ;
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

/* one request: its fds in fd[2], its environment in env; 0 at EOF */
static ssize_t receive (int zfd, int *fd, char *env, int *nfd)
{
  union { struct cmsghdr h ; char b[CMSG_SPACE(2 * sizeof(int))] ; } c ;
  struct iovec v = { .iov_base = env, .iov_len = ZENVMAX } ;
  struct msghdr m = { .msg_iov = &v, .msg_iovlen = 1, .msg_control = c.b, .msg_controllen = sizeof c.b } ;
  ssize_t r = recvmsg(zfd, &m, MSG_CMSG_CLOEXEC) ;
  *nfd = 0 ;
  if (r <= 0) return r ;
  for (struct cmsghdr *h = CMSG_FIRSTHDR(&m) ; h ; h = CMSG_NXTHDR(&m, h))
    if (h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_RIGHTS)
    {
      int n = (int)((h->cmsg_len - CMSG_LEN(0)) / sizeof(int)) ;
      for (int i = 0 ; i < n ; i++)
      {
        int x ;
        memcpy(&x, CMSG_DATA(h) + i * sizeof(int), sizeof x) ;
        if (*nfd < 2) fd[(*nfd)++] = x ; else close(x) ;
      }
    }
  if (m.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) *nfd = -*nfd - 1 ;  /* refuse it */
  return r ;
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
    int fd[2], nfd ;
    ssize_t r = receive(zfd, fd, env, &nfd) ;
    pid_t pid = -1 ;
    if (!r) _exit(0) ;  /* tern-tls and all its sessions are gone */
    if (r < 0)
    {
      if (errno == EINTR) continue ;
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
    for (int i = 0 ; i < (nfd < 0 ? -nfd - 1 : nfd) ; i++) close(fd[i]) ;
  }
}
