/* ztake: tls_ztake (tern-tls-zygote.c), the root listener's reading of a
   session's TLS request, when the kernel cuts the descriptors off (the
   listener at its open-file limit): only what arrived is closed. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include "tern.h"
#include "../tern-tls.h"
#include "../tern-listen.h"
#include "../../lib/t/t.h"

int main (void)
{
  int sp[2], p[2], planted, low, r ;
  int fd[LISTEN_TAKEFDS] ;
  struct rlimit old, rl ;
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) < 0 || pipe(p) < 0) return 111 ;
  low = t_lowest() ;
  planted = low + 2 ;  /* above the limit below, open, as a stale slot would be */
  if (dup2(sp[0], planted) < 0) return 111 ;
  for (unsigned int i = 0 ; i < LISTEN_TAKEFDS ; i++) fd[i] = planted ;
  {
    int out[3] = { p[0], p[1], p[0] } ;
    T(tern_fd_send(sp[0], "Y", 1, out, 3, 0) == 1, "a request with three fds sent") ;
  }
  if (getrlimit(RLIMIT_NOFILE, &old) < 0) return 111 ;
  rl = old ; rl.rlim_cur = (rlim_t)low + 1 ;  /* room for one descriptor */
  if (setrlimit(RLIMIT_NOFILE, &rl) < 0) return 111 ;
  r = tls_ztake(sp[1], fd) ;
  if (setrlimit(RLIMIT_NOFILE, &old) < 0) return 111 ;
  T(r == 0, "a cut-off request is refused") ;
  T(t_isopen(planted), "the stale descriptor in the unfilled slots is still open") ;
  T(t_lowest() == low, "the one that arrived is closed") ;
  {
    int out[3] = { p[0], p[1], p[0] } ;
    for (unsigned int i = 0 ; i < LISTEN_TAKEFDS ; i++) fd[i] = planted ;
    T(tern_fd_send(sp[0], "y", 1, out, 3, 0) == 1, "a whole request sent") ;
    r = tls_ztake(sp[1], fd) ;
    T(r == 'y' && fd[0] != planted && fd[1] != planted && fd[2] != planted, "a whole request is taken, with its three fds") ;
    for (unsigned int i = 0 ; i < LISTEN_TAKEFDS ; i++) if (fd[i] != planted) close(fd[i]) ;
  }
  {
    int out[2] = { p[0], p[1] } ;
    for (unsigned int i = 0 ; i < LISTEN_TAKEFDS ; i++) fd[i] = planted ;
    T(tern_fd_send(sp[0], "Y", 1, out, 2, 0) == 1, "a request with two fds sent") ;
    T(tls_ztake(sp[1], fd) == 0, "a request with two fds is refused") ;
    T(t_isopen(planted) && t_lowest() == low, "the two are closed, the stale one is not") ;
  }
  T(tls_ztake(sp[1], fd) == -1, "nothing more: -1") ;
  return tdone() ;
}
