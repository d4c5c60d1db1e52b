/* tern_fdpass: descriptors over a unix socket (SCM_RIGHTS), for the
   hand-overs between tern-tls, the tern-smtp-in zygote and its sessions,
   and the queue runner's delivery workers. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include "tern.h"

typedef union { struct cmsghdr h ; char b[CMSG_SPACE(TERN_FDPASS_MAX * sizeof(int))] ; } cbuf ;

ssize_t tern_fd_send (int sock, void const *buf, size_t len, int const *fd, unsigned int nfd, int flags)
{
  cbuf c ;
  struct iovec v = { .iov_base = (void *)buf, .iov_len = len } ;
  struct msghdr m = { .msg_iov = &v, .msg_iovlen = 1, .msg_control = c.b, .msg_controllen = CMSG_SPACE(nfd * sizeof(int)) } ;
  struct cmsghdr *h = CMSG_FIRSTHDR(&m) ;
  ssize_t r ;
  if (!nfd || nfd > TERN_FDPASS_MAX) return (errno = EINVAL, -1) ;
  memset(&c, 0, sizeof c) ;
  h->cmsg_level = SOL_SOCKET ;
  h->cmsg_type = SCM_RIGHTS ;
  h->cmsg_len = CMSG_LEN(nfd * sizeof(int)) ;
  memcpy(CMSG_DATA(h), fd, nfd * sizeof(int)) ;
  do r = sendmsg(sock, &m, flags | MSG_NOSIGNAL) ;
  while (r < 0 && errno == EINTR) ;
  return r ;
}

/* every descriptor of the message: into fd while there is room, else
   closed; the number of them */
static unsigned int take (struct msghdr *m, int *fd, unsigned int max)
{
  unsigned int n = 0 ;
  for (struct cmsghdr *h = CMSG_FIRSTHDR(m) ; h ; h = CMSG_NXTHDR(m, h))
    if (h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_RIGHTS)
      for (size_t i = 0 ; i < (h->cmsg_len - CMSG_LEN(0)) / sizeof(int) ; i++)
      {
        int y ;
        memcpy(&y, CMSG_DATA(h) + i * sizeof(int), sizeof y) ;
        if (n < max) fd[n++] = y ; else { close(y) ; n = max + 1 ; }
      }
  return n ;
}

ssize_t tern_fd_recv (int sock, void *buf, size_t len, int *fd, unsigned int max, unsigned int *n, int flags)
{
  cbuf c ;
  struct iovec v = { .iov_base = buf, .iov_len = len } ;
  struct msghdr m = { .msg_iov = &v, .msg_iovlen = 1, .msg_control = c.b, .msg_controllen = sizeof c.b } ;
  ssize_t r = recvmsg(sock, &m, flags | MSG_CMSG_CLOEXEC) ;
  unsigned int k ;
  *n = 0 ;
  if (r < 0) return r ;
  k = take(&m, fd, max) ;
  if (k <= max && !(m.msg_flags & (MSG_CTRUNC | MSG_TRUNC)))
  {
    *n = k ;
    return r ;
  }
  /* cut off, or more than max: none of it is given, and only what
     arrived is closed (never the slots it did not fill) */
  for (unsigned int i = 0 ; i < k && i < max ; i++) close(fd[i]) ;
  return (errno = EMSGSIZE, -1) ;
}
