/* tern-tls-zygote: tern-tls -L -Z.  prog is executed once, as UID/GID,
   with TERN_ZYGOTE_FD (a SOCK_SEQPACKET socket); each STARTTLS-mode
   session then sends it the connection and its three UCSPI-TLS fds with
   the session's PROTO and TCP* variables, and prog forks (see
   tern-smtp-in-zygote.c) instead of being executed again. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <skalibs/types.h>
#include <skalibs/strerr.h>
#include <skalibs/djbunix.h>
#include <skalibs/socket.h>
#include <skalibs/exec.h>
#include "tern-tls.h"

extern char **environ ;
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
    unsetenv("KEYFILE") ; unsetenv("CERTFILE") ; unsetenv("TLS_UID") ; unsetenv("TLS_GID") ;
    fmt[int_fmt(fmt, sv[1])] = 0 ;
    if (uncoe(sv[1]) < 0 || setenv("TERN_ZYGOTE_FD", fmt, 1) < 0) strerr_diefusys(111, "pass the zygote socket") ;
    xexec(argv) ;
  }
  fd_close(sv[1]) ;
  tls_zfd = sv[0] ;
}

/* PROTO and TCP* of our environment, "NAME=value\0"... */
static size_t envblock (char *buf, size_t max)
{
  size_t w = 0 ;
  for (char **e = environ ; *e ; e++)
  {
    size_t n = strlen(*e) + 1 ;
    if ((strncmp(*e, "PROTO=", 6) && strncmp(*e, "TCP", 3)) || w + n > max) continue ;
    memcpy(buf + w, *e, n) ;
    w += n ;
  }
  return w ;
}

static int zsend (int const *fd)
{
  char buf[1024] ;
  union { struct cmsghdr h ; char b[CMSG_SPACE(4 * sizeof(int))] ; } c ;
  struct iovec v = { .iov_base = buf, .iov_len = envblock(buf, sizeof buf) } ;
  struct msghdr m = { .msg_iov = &v, .msg_iovlen = 1, .msg_control = c.b, .msg_controllen = sizeof c.b } ;
  struct cmsghdr *h = CMSG_FIRSTHDR(&m) ;
  if (!v.iov_len) buf[v.iov_len++] = 0 ;  /* never an empty message: that reads as EOF */
  h->cmsg_level = SOL_SOCKET ;
  h->cmsg_type = SCM_RIGHTS ;
  h->cmsg_len = CMSG_LEN(4 * sizeof(int)) ;
  memcpy(CMSG_DATA(h), fd, 4 * sizeof(int)) ;
  for (;;)
  {
    ssize_t r = sendmsg(tls_zfd, &m, MSG_NOSIGNAL) ;
    if (r >= 0) return 1 ;
    if (errno != EINTR) return 0 ;
  }
}

/* Like tls_spawn, through the zygote: 0 (no pid to wait for), or -1 if
   the zygote is not there (the caller spawns prog itself). */
pid_t tls_zspawn (tlsio *io)
{
  int a[2], b[2], x[2] ;
  if (pipecoe(a) < 0 || pipecoe(b) < 0) strerr_diefusys(111, "pipe") ;
  if (ipc_pair_coe(x) < 0) strerr_diefusys(111, "create control channel") ;
  {
    int fd[4] = { 0, a[0], b[1], x[0] } ;
    if (!zsend(fd))
    {
      fd_close(a[0]) ; fd_close(a[1]) ; fd_close(b[0]) ; fd_close(b[1]) ; fd_close(x[0]) ; fd_close(x[1]) ;
      return -1 ;
    }
  }
  fd_close(a[0]) ; fd_close(b[1]) ; fd_close(x[0]) ;
  io->ar = b[0] ; io->aw = a[1] ; io->note = x[1] ;
  return 0 ;
}
