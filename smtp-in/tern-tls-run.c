/* tern-tls-run.c: the relay loop of tern-tls.  One BearSSL engine between
   the network (nr, nw) and prog (ar: prog to us, aw: us to prog), driven
   by iopause, no extra copies (buf/ack).  Bounded by the engine buffers. */
#include <unistd.h>
#include <errno.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <skalibs/iopause.h>
#include <skalibs/tai.h>
#include <skalibs/error.h>
#include "tern-tls.h"

#define CLOSE(fd) do { if ((fd) >= 0) { fd_close(fd) ; (fd) = -1 ; } } while (0)

static void handshake_done (br_ssl_engine_context *e, tlsio *io)
{
  if (io->note < 0) return ;
  if (io->sendinfo)
  {
    char buf[TLS_INFO_MAX] ;
    size_t n = tls_info(e, buf, sizeof buf) ;
    /* prog may have given up; then it just misses the facts */
    if (allwrite(io->note, buf, n) < n) {}
  }
  CLOSE(io->note) ;
}

/* Writes what the engine has for fd; 0 if fd is dead. */
static int flush (br_ssl_engine_context *e, int fd, int net)
{
  for (;;)
  {
    size_t len ;
    ssize_t w ;
    unsigned char *s = net ? br_ssl_engine_sendrec_buf(e, &len) : br_ssl_engine_recvapp_buf(e, &len) ;
    if (!s || !len) return 1 ;
    w = fd_write(fd, (char *)s, len) ;
    if (w < 0) return error_isagain(errno) ;
    if (net) br_ssl_engine_sendrec_ack(e, w) ; else br_ssl_engine_recvapp_ack(e, w) ;
  }
}

/* Reads into the engine from fd; 0 on EOF or error. */
static int fill (br_ssl_engine_context *e, int fd, int net)
{
  size_t len ;
  ssize_t r ;
  unsigned char *s = net ? br_ssl_engine_recvrec_buf(e, &len) : br_ssl_engine_sendapp_buf(e, &len) ;
  if (!s || !len) return 1 ;
  r = fd_read(fd, (char *)s, len) ;
  if (r < 0) return error_isagain(errno) ;
  if (!r) return 0 ;
  if (net) br_ssl_engine_recvrec_ack(e, r) ;
  else
  {
    br_ssl_engine_sendapp_ack(e, r) ;
    br_ssl_engine_flush(e, 0) ;
  }
  return 1 ;
}

static unsigned int want (tlsio const *io, unsigned int st, int hsdone, iopause_fd *x, int *ix)
{
  unsigned int n = 0 ;
  int fd[4] = { io->nr, io->nw, io->ar, io->aw } ;
  unsigned int ev[4] = { st & BR_SSL_RECVREC, st & BR_SSL_SENDREC, hsdone ? st & BR_SSL_SENDAPP : 0, st & BR_SSL_RECVAPP } ;
  for (unsigned int i = 0 ; i < 4 ; i++)
  {
    ix[i] = -1 ;
    if (fd[i] < 0 || !ev[i]) continue ;
    x[n].fd = fd[i] ;
    x[n].events = i & 1 ? IOPAUSE_WRITE : IOPAUSE_READ ;
    ix[i] = n++ ;
  }
  return n ;
}

/* One round of I/O on the ready fds; 0 when the session is over. */
static int io_round (br_ssl_engine_context *e, tlsio *io, iopause_fd const *x, int const *ix, int *hsdone, int *err, tain *deadline)
{
  if (ix[1] >= 0 && x[ix[1]].revents & (IOPAUSE_WRITE | IOPAUSE_EXCEPT) && !flush(e, io->nw, 1))
  {
    *err = TLS_ERR_EOF ;
    return 0 ;
  }
  if (ix[3] >= 0 && x[ix[3]].revents & (IOPAUSE_WRITE | IOPAUSE_EXCEPT) && !flush(e, io->aw, 0))
    CLOSE(io->aw) ;
  if (ix[2] >= 0 && x[ix[2]].revents & (IOPAUSE_READ | IOPAUSE_EXCEPT) && !fill(e, io->ar, 0))
  {
    /* prog is done: close_notify, then a bounded wait for the flush */
    CLOSE(io->ar) ;
    br_ssl_engine_close(e) ;
    tain_addsec_g(deadline, io->timeout) ;
  }
  if (ix[0] >= 0 && x[ix[0]].revents & (IOPAUSE_READ | IOPAUSE_EXCEPT) && !fill(e, io->nr, 1))
  {
    fd_shutdown(io->nr, 0) ;
    CLOSE(io->nr) ;
    if (!*hsdone) { *err = TLS_ERR_EOF ; return 0 ; }
  }
  return 1 ;
}

int tls_run (br_ssl_engine_context *e, tlsio *io, int *err)
{
  int hsdone = 0 ;
  tain deadline ;
  *err = 0 ;
  tain_addsec_g(&deadline, io->timeout) ;
  for (;;)
  {
    iopause_fd x[4] ;
    int ix[4] ;
    unsigned int n, st = br_ssl_engine_current_state(e) ;
    if (st & BR_SSL_CLOSED) { *err = br_ssl_engine_last_error(e) ; break ; }
    if (!hsdone && st & (BR_SSL_SENDAPP | BR_SSL_RECVAPP))
    {
      hsdone = 1 ;
      handshake_done(e, io) ;
      if (io->ar >= 0) deadline = tain_infinite ;
    }
    if (st & BR_SSL_RECVAPP && io->aw < 0)
    {
      size_t len ;
      br_ssl_engine_recvapp_buf(e, &len) ;
      br_ssl_engine_recvapp_ack(e, len) ;  /* prog is gone: drop */
      continue ;
    }
    /* the client is done and prog has had everything: tell prog */
    if (io->nr < 0 && !(st & BR_SSL_RECVAPP)) CLOSE(io->aw) ;
    n = want(io, st, hsdone, x, ix) ;
    if (!n) break ;
    switch (iopause_g(x, n, &deadline))
    {
      case -1 : if (errno == EINTR) continue ; *err = BR_ERR_IO ; goto end ;
      case 0 : *err = TLS_ERR_TIMEOUT ; goto end ;
      default : break ;
    }
    if (!io_round(e, io, x, ix, &hsdone, err, &deadline)) break ;
  }
 end:
  if (io->nw >= 0) fd_shutdown(io->nw, 1) ;
  CLOSE(io->nr) ; CLOSE(io->nw) ; CLOSE(io->ar) ; CLOSE(io->aw) ; CLOSE(io->note) ;
  return hsdone ;
}
