/* tern-smtp-out-net.c: connections for tern-smtp-out: TCP with a
   deadline, the SOCKS5 CONNECT (RFC 1928, no authentication, to an IP
   address), and tern-dns run as a child for MX and address lookups. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <skalibs/ip46.h>
#include <skalibs/djbunix.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/iopause.h>
#include "tern-smtp-out.h"

/* TCP_NODELAY: the end of data (".\r\n") is written after the body, and
   Nagle held it until the server's delayed ACK: 40 ms per message. */
int so_connect (char const *ip, unsigned int port, tain const *deadline)
{
  ip46 a ;
  int fd, one = 1 ;
  if (!ip46_scan(ip, &a)) { errno = EINVAL ; return -1 ; }
  fd = socket_tcp46(ip46_is6(&a)) ;
  if (fd < 0) return -1 ;
  if (ndelay_on(fd) < 0 || coe(fd) < 0 || setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) < 0
   || !socket_deadlineconnstamp46_g(fd, &a, port, deadline))
  {
    fd_close(fd) ;
    return -1 ;
  }
  return fd ;
}

/* Waits until fd is ready (non-blocking fds); 0 with errno on timeout. */
int so_wait (int fd, int wr, tain const *deadline)
{
  iopause_fd x = { .fd = fd, .events = wr ? IOPAUSE_WRITE : IOPAUSE_READ } ;
  for (;;)
  {
    int r = iopause_g(&x, 1, deadline) ;
    if (r > 0) return 1 ;
    if (!r) { errno = ETIMEDOUT ; return 0 ; }
    if (errno != EINTR) return 0 ;
  }
}

/* Reads exactly n bytes before the deadline. */
static int getn (int fd, char *s, size_t n, tain const *deadline)
{
  while (n)
  {
    ssize_t r ;
    if (!so_wait(fd, 0, deadline)) return 0 ;
    r = fd_read(fd, s, n) ;
    if (r < 0 && errno == EAGAIN) continue ;
    if (r <= 0) { if (!r) errno = EPIPE ; return 0 ; }
    s += r ; n -= r ;
  }
  return 1 ;
}

int so_putfd (int fd, char const *s, size_t n, tain const *deadline)
{
  while (n)
  {
    ssize_t w ;
    if (!so_wait(fd, 1, deadline)) return 0 ;
    w = fd_write(fd, s, n) ;
    if (w < 0 && errno == EAGAIN) continue ;
    if (w < 0) return 0 ;
    s += w ; n -= w ;
  }
  return 1 ;
}
#define putn so_putfd

int so_socks (int fd, char const *ip, unsigned int port, tain const *deadline)
{
  char req[22] = { 5, 1, 0 } ;
  char rep[22] ;
  size_t len = 4 ;
  ip46 a ;
  if (!ip46_scan(ip, &a)) { errno = EINVAL ; return 0 ; }
  if (!putn(fd, "\5\1\0", 3, deadline) || !getn(fd, rep, 2, deadline)) return 0 ;
  if (rep[0] != 5 || rep[1] != 0) { errno = EPROTO ; return 0 ; }
  req[3] = ip46_is6(&a) ? 4 : 1 ;
  memcpy(req + len, a.ip, ip46_is6(&a) ? 16 : 4) ;
  len += ip46_is6(&a) ? 16 : 4 ;
  req[len++] = (char)(port >> 8) ; req[len++] = (char)(port & 255) ;
  if (!putn(fd, req, len, deadline) || !getn(fd, rep, 4, deadline)) return 0 ;
  if (rep[0] != 5) { errno = EPROTO ; return 0 ; }
  if (rep[1]) { errno = rep[1] == 5 ? ECONNREFUSED : rep[1] == 4 ? EHOSTUNREACH : ENETUNREACH ; return 0 ; }
  /* the bound address: skip it */
  switch (rep[3])
  {
    case 1 : return getn(fd, rep, 6, deadline) ;
    case 4 : return getn(fd, rep, 18, deadline) ;
    case 3 :
      if (!getn(fd, rep, 1, deadline)) return 0 ;
      len = (unsigned char)rep[0] + 2 ;
      while (len) { size_t k = len > 22 ? 22 : len ; if (!getn(fd, rep, k, deadline)) return 0 ; len -= k ; }
      return 1 ;
    default : errno = EPROTO ; return 0 ;
  }
}
