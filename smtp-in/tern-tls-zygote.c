/* tern-tls-zygote: tern-tls -L -Z.  prog is executed once, as UID/GID,
   with TERN_ZYGOTE_FD (a SOCK_SEQPACKET socket); the listener then hands
   it each connection with a control socket and the session's PROTO and
   TCP* variables, and prog forks (see tern-smtp-in-zygote.c) instead of
   being executed again.  On the control socket, the session asks for its
   TLS helper (tern-tls.8). */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <skalibs/types.h>
#include <skalibs/strerr.h>
#include <skalibs/djbunix.h>
#include <skalibs/socket.h>
#include <skalibs/exec.h>
#include "tern.h"
#include "tern-tls.h"
#include "tern-listen.h"

int tls_zfd = -1 ;

void tls_zygote_start (char const *const *argv, tlspair *pairs)
{
  int sv[2] ;
  char fmt[INT_FMT] ;
  pid_t pid ;
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) strerr_diefusys(111, "create the zygote socket") ;
  pid = fork() ;
  if (pid < 0) strerr_diefusys(111, "fork the zygote") ;
  if (!pid)
  {
    char const *r ;
    tls_pair_wipe(pairs) ; tls_pair_wipe(pairs + 1) ;
    fd_close(sv[0]) ;
    r = tls_ids("UID", "GID", 0) ;
    if (r) strerr_diefusys(111, "set ids for prog: ", r) ;
    signal(SIGPIPE, SIG_DFL) ;  /* as every prog: whatever we were started with */
    unsetenv("KEYFILE") ; unsetenv("CERTFILE") ; unsetenv("TLS_UID") ; unsetenv("TLS_GID") ;
    fmt[int_fmt(fmt, sv[1])] = 0 ;
    if (uncoe(sv[1]) < 0 || setenv("TERN_ZYGOTE_FD", fmt, 1) < 0) strerr_diefusys(111, "pass the zygote socket") ;
    xexec(argv) ;
  }
  fd_close(sv[1]) ;
  tls_zfd = sv[0] ;
}

/* Sends the zygote the connection s and a new control socket, the
   session's environment env (len bytes: "NAME=value\0" and bare names,
   which it skips) as the data; never waits.  Returns our end of the control
   socket, or -1: the caller forks a helper that executes prog. */
int tls_zhand (int s, char const *env, size_t len)
{
  int x[2] ;
  if (tls_zfd < 0 || !len) return -1 ;
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, x) < 0) return -1 ;
  {
    int fd[2] = { s, x[0] } ;
    if (tern_fd_send(tls_zfd, env, len, fd, 2, MSG_DONTWAIT) < 0)
    {
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != ENOBUFS)
      {
        strerr_warnwu1sys("hand a connection to the zygote, which is gone") ;
        fd_close(tls_zfd) ;
        tls_zfd = -1 ;
      }
      fd_close(x[0]) ; fd_close(x[1]) ;
      return -1 ;
    }
  }
  fd_close(x[0]) ;
  return x[1] ;
}

/* A request on a control socket: Y or y with exactly the connection and
   the two pipe ends; -1 nothing yet, 0 the connection is over (EOF, or
   anything else: refused).  Only the fds that arrived are closed: at our
   open-file limit the kernel cuts a request off, and the slots it did not
   fill hold whatever the caller had there. */
int tls_ztake (int ctl, int *fd)
{
  char buf[8] ;
  unsigned int n ;
  ssize_t r = tern_fd_recv(ctl, buf, sizeof buf, fd, LISTEN_TAKEFDS, &n, MSG_DONTWAIT) ;
  if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return -1 ;
  if (r == 1 && (buf[0] == 'Y' || buf[0] == 'y') && n == LISTEN_TAKEFDS) return buf[0] ;
  if (r < 0 && errno == EMSGSIZE) strerr_warnw1x("a TLS request was cut off (open-file limit?): refused") ;
  for (unsigned int i = 0 ; i < n ; i++) fd_close(fd[i]) ;
  return 0 ;
}
