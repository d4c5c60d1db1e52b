/* test-fdpass: tern_fd_send / tern_fd_recv over socket pairs: fds and data
   arrive; too many fds, cut-off data or fds (at the open-file limit) are
   EMSGSIZE with every fd that came closed and no other; EOF reads 0, bad
   counts are refused. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include "tern.h"
#include "t.h"

int main (void)
{
  int sp[2], p[2], q[2], fd[4] ;
  unsigned int n = 99 ;
  int low ;
  char buf[16] ;
  ssize_t r ;
  if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sp) < 0 || pipe(p) < 0 || pipe(q) < 0) return 111 ;
  {
    int out[2] = { p[0], q[1] } ;
    T(tern_fd_send(sp[0], "hello", 5, out, 2, 0) == 5, "two fds and five bytes sent") ;
  }
  r = tern_fd_recv(sp[1], buf, sizeof buf, fd, 2, &n, 0) ;
  T(r == 5 && !memcmp(buf, "hello", 5) && n == 2, "received: the bytes and a count of 2") ;
  T(fd[0] != p[0] && fd[1] != q[1] && (fcntl(fd[0], F_GETFD) & FD_CLOEXEC), "new fds, close-on-exec") ;
  T(write(p[1], "x", 1) == 1 && read(fd[0], buf, 1) == 1 && buf[0] == 'x', "the first is the pipe's read end") ;
  close(fd[0]) ; close(fd[1]) ;
  {
    int out[4] = { p[0], p[0], q[1], q[1] } ;
    T(tern_fd_send(sp[0], "Y", 1, out, 4, 0) == 1, "four fds sent") ;
  }
  low = t_lowest() ;
  r = tern_fd_recv(sp[1], buf, sizeof buf, fd, 2, &n, 0) ;
  T(r < 0 && errno == EMSGSIZE && n == 0, "four with room for two: EMSGSIZE, count 0") ;
  T(t_lowest() == low, "all four closed") ;
  T(tern_fd_send(sp[0], "0123456789abcdef0123", 20, p, 1, 0) == 20, "20 bytes sent") ;
  r = tern_fd_recv(sp[1], buf, 8, fd, 2, &n, 0) ;
  T(r < 0 && errno == EMSGSIZE && n == 0 && t_lowest() == low, "data cut off: EMSGSIZE, the fd closed") ;
  {
    /* at the open-file limit: one of three arrives */
    int out[3] = { p[0], q[1], p[0] } ;
    int planted = low + 2 ;
    struct rlimit old, rl ;
    if (dup2(p[1], planted) < 0 || getrlimit(RLIMIT_NOFILE, &old) < 0) return 111 ;
    fd[0] = fd[1] = fd[2] = planted ;
    T(tern_fd_send(sp[0], "Y", 1, out, 3, 0) == 1, "three fds sent") ;
    rl = old ; rl.rlim_cur = (rlim_t)low + 1 ;
    if (setrlimit(RLIMIT_NOFILE, &rl) < 0) return 111 ;
    r = tern_fd_recv(sp[1], buf, sizeof buf, fd, 3, &n, 0) ;
    if (setrlimit(RLIMIT_NOFILE, &old) < 0) return 111 ;
    T(r < 0 && errno == EMSGSIZE && n == 0, "fds cut off at the limit: EMSGSIZE, count 0") ;
    T(t_lowest() == low && t_isopen(planted) && fd[1] == planted && fd[2] == planted,
      "the one that arrived closed, the unfilled slots untouched") ;
    close(planted) ;
  }
  T(send(sp[0], "z", 1, 0) == 1, "no fds") ;
  r = tern_fd_recv(sp[1], buf, sizeof buf, fd, 2, &n, 0) ;
  T(r == 1 && n == 0, "a message without fds: count 0") ;
  T(tern_fd_send(sp[0], "x", 1, p, 0, 0) < 0 && errno == EINVAL, "no fd to send: EINVAL") ;
  T(tern_fd_send(sp[0], "x", 1, fd, TERN_FDPASS_MAX + 1, 0) < 0 && errno == EINVAL, "too many to send: EINVAL") ;
  close(sp[0]) ;
  r = tern_fd_recv(sp[1], buf, sizeof buf, fd, 2, &n, 0) ;
  T(r == 0 && n == 0, "end of file: 0") ;
  r = tern_fd_recv(sp[1], buf, sizeof buf, fd, 2, &n, MSG_DONTWAIT) ;
  T(r == 0, "still end of file") ;
  {
    int s2[2] ;
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, s2) < 0) return 111 ;
    r = tern_fd_recv(s2[1], buf, sizeof buf, fd, 2, &n, MSG_DONTWAIT) ;
    T(r < 0 && errno == EAGAIN && n == 0, "nothing yet: EAGAIN") ;
  }
  return tdone() ;
}
