/* tern-smtp-in-io: the client connection: input in a fixed buffer read
   with a deadline, replies in a skalibs buffer flushed whenever the
   server would wait for input (PIPELINING), and the log lines. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/buffer.h>
#include <skalibs/djbunix.h>
#include <skalibs/iopause.h>
#include <skalibs/tai.h>
#include <skalibs/unix-timed.h>
#include "tern_log.h"
#include "tern-smtp-in.h"

static char ibuf[4096] ;
static size_t ipos = 0, ilen = 0 ;
static int odead = 0 ;
static char obufspace[2048] ;
static buffer obuf = BUFFER_INIT(&buffer_write, 1, obufspace, sizeof obufspace) ;

void smtp_io_init (smtp *s)
{
  (void)s ;
  ndelay_on(0) ;
  ndelay_on(1) ;
  tain_now_set_stopwatch_g() ;
}

static void deadline (smtp *s, tain *d)
{
  tain_now_g() ;
  tain_addsec_g(d, s->timeout) ;
}

void smtp_flush (smtp *s)
{
  tain d ;
  deadline(s, &d) ;
  if (!buffer_timed_flush_g(&obuf, &d))
  {
    odead = 1 ;  /* nothing more can go out */
    if (errno == ETIMEDOUT) smtp_quit(s, 0, "timeout", 111) ;
    smtp_quit(s, 0, "write error", 0) ;
  }
}

/* fill ibuf; 0 at end of file */
static size_t fill (smtp *s)
{
  iopause_fd x = { .fd = 0, .events = IOPAUSE_READ, .revents = 0 } ;
  tain d ;
  if (ipos < ilen) return ilen - ipos ;
  smtp_flush(s) ;
  ipos = ilen = 0 ;
  deadline(s, &d) ;
  for (;;)
  {
    ssize_t r = fd_read(0, ibuf, sizeof ibuf) ;
    if (r > 0) { ilen = r ; return ilen ; }
    if (!r) return 0 ;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return 0 ;
    r = iopause_g(&x, 1, &d) ;
    if (r < 0) smtp_quit(s, 0, "iopause error", 111) ;
    if (!r) smtp_quit(s, "421 4.4.2 timeout, closing connection", "timeout", 111) ;
  }
}

size_t smtp_peek (smtp *s, char const **p)
{
  size_t n = fill(s) ;
  *p = ibuf + ipos ;
  return n ;
}

void smtp_consume (size_t n)
{
  ipos += n ;
}

size_t smtp_pending (void)
{
  return ilen - ipos ;
}

void smtp_discard (void)
{
  ipos = ilen = 0 ;
}

ssize_t smtp_getline (smtp *s, char *buf, size_t max, int *toolong)
{
  size_t len = 0 ;
  *toolong = 0 ;
  for (;;)
  {
    char const *p ;
    char const *lf ;
    size_t n = smtp_peek(s, &p), take ;
    if (!n) return -1 ;
    lf = memchr(p, '\n', n) ;
    take = lf ? (size_t)(lf - p) : n ;
    if (len + take > max) { *toolong = 1 ; if (len < max) memcpy(buf + len, p, max - len) ; len = max ; }
    else { memcpy(buf + len, p, take) ; len += take ; }
    smtp_consume(lf ? take + 1 : take) ;
    if (lf) break ;
  }
  if (!*toolong && len && buf[len - 1] == '\r') len-- ;
  return len ;
}

void smtp_reply (char const *r)
{
  buffer_puts(&obuf, r) ;
  buffer_put(&obuf, "\r\n", 2) ;
}

void smtp_reply3 (char const *a, char const *b, char const *c)
{
  buffer_puts(&obuf, a) ;
  buffer_puts(&obuf, b) ;
  smtp_reply(c) ;
}

void smtp_log (smtp *s, char const *event, char const *k1, char const *v1, char const *k2, char const *v2)
{
  tern_log_info(event, "session", s->session, k1, v1, k2, v2, TERN_LOG_END) ;
}

void smtp_reject (smtp *s, char const *reply, char const *cmd, char const *addr)
{
  tern_log_info("reject", "session", s->session, "reply", reply, "cmd", cmd,
    addr ? "addr" : TERN_LOG_END, addr, TERN_LOG_END) ;
  smtp_reply(reply) ;
}

void smtp_syserr (smtp *s, char const *op, char const *path)
{
  int e = errno ;
  tern_log_warn("error", "session", s->session, "op", op, "path", path, "error", strerror(e), TERN_LOG_END) ;
  errno = e ;
}

void smtp_quit (smtp *s, char const *r, char const *reason, int code)
{
  if (smtp_injecting(s)) smtp_inject_abort(s) ;
  if (r) smtp_reply(r) ;
  if (!odead)
  {
    tain d ;
    tain_now_g() ;
    tain_addsec_g(&d, s->timeout < 10 ? s->timeout : 10) ;
    buffer_timed_flush_g(&obuf, &d) ;
  }
  tern_log_info("end", "session", s->session, "reason", reason, TERN_LOG_END) ;
  _exit(code) ;
}
