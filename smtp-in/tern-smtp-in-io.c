/* tern-smtp-in-io: the client connection: input in a fixed buffer read
   under deadlines that bytes do not reset (a command line, greeting to
   EHLO, the session, message data at a minimum rate), replies in a skalibs
   buffer flushed whenever the server would wait for input (PIPELINING). */
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

static char ibuf[16384] ;  /* a 64 KiB message in 4 or 5 reads, not 16 */
static size_t ipos = 0, ilen = 0, ihigh = 0 ;  /* ihigh: how far reads went since the wipe */
static int odead = 0 ;
static tain dl_line, dl_data, dl_helo, dl_sess ;
static char const *line_why ;  /* the stage of dl_line's deadline */
static int inline_ = 0, indata = 0 ;
static char obufspace[2048] ;
static buffer obuf = BUFFER_INIT(&buffer_write, 1, obufspace, sizeof obufspace) ;

static void deadline (smtp *s, tain *d)
{
  tain_now_g() ;
  tain_addsec_g(d, s->timeout) ;
}

void smtp_io_init (smtp *s)
{
  ndelay_on(0) ;
  /* handed by the zygote, 1 is a copy of 0: one file, one flag */
  if (!s->handed) ndelay_on(1) ;
  tain_now_set_stopwatch_g() ;
  /* 0: no such limit (a year is none for a session) */
  tain_addsec_g(&dl_sess, s->sesstimeout ? s->sesstimeout : 31536000) ;
  smtp_io_helo(s) ;
}

void smtp_io_helo (smtp *s)
{
  tain_now_g() ;
  tain_addsec_g(&dl_helo, s->helotimeout ? s->helotimeout : 31536000) ;
}

void smtp_data_begin (smtp *s)
{
  if (indata) return ;
  deadline(s, &dl_data) ;
  indata = 1 ;
}

void smtp_data_end (void)
{
  indata = 0 ;
}

/* n bytes of message data came: the deadline moves n / minrate seconds
   on, never past now + timeout (as Postfix's smtpd_min_data_rate) */
static void extend (smtp *s, size_t n)
{
  tain cap, t ;
  deadline(s, &cap) ;
  if (!s->minrate) { dl_data = cap ; return ; }
  tain_from_millisecs(&t, (int)(n * 1000 / s->minrate)) ;
  tain_add(&dl_data, &dl_data, &t) ;
  if (tain_less(&cap, &dl_data)) dl_data = cap ;
}

static void timeout (smtp *s, char const *why)
{
  smtp_quit(s, "421 4.4.2 timeout, closing connection", why, 111) ;
}

/* before a command line: its deadline, the nearest of the stages' */
static void linestart (smtp *s)
{
  deadline(s, &dl_line) ;
  line_why = "command timeout" ;
  if (!indata && !tain_less(&STAMP, &dl_sess)) timeout(s, "session timeout") ;
  if (!s->helo && !tain_less(&STAMP, &dl_helo)) timeout(s, "helo timeout") ;
  if (!s->helo && tain_less(&dl_helo, &dl_line)) { dl_line = dl_helo ; line_why = "helo timeout" ; }
  if (!indata && tain_less(&dl_sess, &dl_line)) { dl_line = dl_sess ; line_why = "session timeout" ; }
  if (indata && tain_less(&dl_data, &dl_line)) { dl_line = dl_data ; line_why = "data timeout" ; }
}

/* obuf out before d: a write first, and a poll for room only when the
   socket (non-blocking) did not take it all; 0 on error, errno set */
static int drain (tain const *d)
{
  if (buffer_flush(&obuf)) return 1 ;
  if (errno != EAGAIN && errno != EWOULDBLOCK) return 0 ;
  return buffer_timed_flush_g(&obuf, d) ;
}

/* 1 when replies went out */
int smtp_flush (smtp *s)
{
  tain d ;
  if (!buffer_len(&obuf)) return 0 ;
  deadline(s, &d) ;
  if (drain(&d)) return 1 ;
  odead = 1 ;  /* nothing more can go out */
  if (errno == ETIMEDOUT) smtp_quit(s, 0, "timeout", 111) ;
  smtp_quit(s, 0, "write error", 0) ;
  return 0 ;
}

/* fill ibuf; 0 at end of file.  After replies went out, the client's
   next command is not there yet, mostly: poll before the first read. */
static size_t fill (smtp *s)
{
  iopause_fd x = { .fd = 0, .events = IOPAUSE_READ, .revents = 0 } ;
  tain d ;
  char const *why = inline_ ? line_why : indata ? "data timeout" : "command timeout" ;
  int wait ;
  if (ipos < ilen) return ilen - ipos ;
  wait = smtp_flush(s) ;
  ipos = ilen = 0 ;
  for (;;)
  {
    ssize_t r ;
    if (inline_) d = dl_line ;
    else if (indata) d = dl_data ;
    else deadline(s, &d) ;
    /* a byte that is there does not save a client past its deadline */
    tain_now_g() ;
    if (!tain_less(&STAMP, &d)) timeout(s, why) ;
    if (!wait)
    {
      r = fd_read(0, ibuf, sizeof ibuf) ;
      if (r > 0)
      {
        ilen = r ;
        if (ilen > ihigh) ihigh = ilen ;
        if (indata) extend(s, ilen) ;
        return ilen ;
      }
      if (!r) return 0 ;
      if (errno != EAGAIN && errno != EWOULDBLOCK) return 0 ;
    }
    wait = 0 ;
    r = iopause_g(&x, 1, &d) ;
    if (r < 0) smtp_die(s, "iopause", "", "iopause error") ;
    if (!r) timeout(s, why) ;
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
  linestart(s) ;
  inline_ = 1 ;
  for (;;)
  {
    char const *p ;
    char const *lf ;
    size_t n = smtp_peek(s, &p), take ;
    if (!n) { inline_ = 0 ; return -1 ; }
    lf = memchr(p, '\n', n) ;
    take = lf ? (size_t)(lf - p) : n ;
    if (len + take > max) { *toolong = 1 ; if (len < max) memcpy(buf + len, p, max - len) ; len = max ; }
    else { memcpy(buf + len, p, take) ; len += take ; }
    smtp_consume(lf ? take + 1 : take) ;
    if (lf) break ;
  }
  inline_ = 0 ;
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

void smtp_die (smtp *s, char const *op, char const *path, char const *reason)
{
  smtp_syserr(s, op, path) ;
  smtp_quit(s, 0, reason, 111) ;
}

int smtp_end (smtp *s, char const *r, char const *reason)
{
  if (smtp_injecting(s)) smtp_inject_abort(s) ;
  if (r) smtp_reply(r) ;
  if (!odead)
  {
    tain d ;
    tain_now_g() ;
    tain_addsec_g(&d, s->timeout < 10 ? s->timeout : 10) ;
    if (!drain(&d)) odead = 1 ;
  }
  tern_log_info("end", "session", s->session, "reason", reason, TERN_LOG_END) ;
  return !odead ;
}

void smtp_quit (smtp *s, char const *r, char const *reason, int code)
{
  smtp_end(s, r, reason) ;
  _exit(code) ;
}

/* between two connections: nothing of the last one stays */
void smtp_io_wipe (void)
{
  explicit_bzero(ibuf, ihigh) ;  /* beyond it: zeros from the last wipe */
  ihigh = 0 ;
  explicit_bzero(obufspace, sizeof obufspace) ;
  obuf = (buffer)BUFFER_INIT(&buffer_write, 1, obufspace, sizeof obufspace) ;
  ipos = ilen = 0 ;
  odead = inline_ = indata = 0 ;
  line_why = 0 ;
}
