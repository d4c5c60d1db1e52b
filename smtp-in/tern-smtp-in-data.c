/* tern-smtp-in-data: DATA and BDAT.  The message goes through the body
   filter (tern-smtp-in-body.c) straight to tern-queue-inject, after a
   Received: field; a bad message is read to its end and dropped. */
#include <string.h>
#include <time.h>
#include <skalibs/types.h>
#include "tern.h"
#include "tern_addr.h"
#include "tern_date.h"
#include "tern_log.h"
#include "tern-smtp-in.h"

static char out[4096 + 2] ;

static char const *proto (smtp *s)
{
  static char const *const p[8] =
  {
    "ESMTP", "ESMTPS", "ESMTPA", "ESMTPSA", "UTF8SMTP", "UTF8SMTPS", "UTF8SMTPA", "UTF8SMTPSA"
  } ;
  if (s->helo == 1) return "SMTP" ;
  return p[(s->tls ? 1 : 0) + (s->account.len ? 2 : 0) + (s->mp.utf8 ? 4 : 0)] ;
}

static int goodip (char const *ip)
{
  size_t i = 0 ;
  for (; ip[i] ; i++)
    if (!((ip[i] >= '0' && ip[i] <= '9') || (ip[i] >= 'a' && ip[i] <= 'f')
      || (ip[i] >= 'A' && ip[i] <= 'F') || ip[i] == '.' || ip[i] == ':')) return 0 ;
  return i > 0 && i < 64 ;
}

/* Received: into sa */
static int received (smtp *s, stralloc *sa)
{
  char fmt[UINT_FMT] ;
  char date[TERN_DATE_FMT] ;
  time_t now = time(0) ;
  int v6 = !!strchr(s->ip, ':') ;
  tern_date_fmt(date, now > 0 ? (uint64_t)now : 0) ;
  fmt[uint_fmt(fmt, s->nmsg)] = 0 ;
  return stralloc_cats(sa, "Received: from ") && stralloc_cats(sa, s->heloname.s)
    && stralloc_cats(sa, goodip(s->ip) ? (v6 ? " ([IPv6:" : " ([") : " (unknown")
    && stralloc_cats(sa, goodip(s->ip) ? s->ip : "") && stralloc_cats(sa, goodip(s->ip) ? "])" : ")")
    && stralloc_cats(sa, "\r\n\tby ") && stralloc_cats(sa, s->hostname.s)
    && stralloc_cats(sa, " (tern) with ") && stralloc_cats(sa, proto(s))
    && stralloc_cats(sa, " id ") && stralloc_cats(sa, s->session) && stralloc_catb(sa, ".", 1)
    && stralloc_cats(sa, fmt) && stralloc_cats(sa, ";\r\n\t") && stralloc_cats(sa, date)
    && stralloc_cats(sa, "\r\n") ;
}

/* start inject with the Received: field; 0 or the reply */
static char const *start (smtp *s, int dot)
{
  stralloc sa = STRALLOC_ZERO ;
  int ok ;
  s->nmsg++ ;
  smtp_body_init(&s->body, dot, s->maxsize) ;
  if (!smtp_inject_start(s)) return "451 4.3.0 temporary failure" ;
  ok = received(s, &sa) ;
  s->recvlen = sa.len ;
  if (ok) smtp_inject_write(s, sa.s, sa.len) ;
  stralloc_free(&sa) ;
  if (!ok) { smtp_inject_abort(s) ; return "451 4.3.0 out of memory" ; }
  return 0 ;
}

/* feed up to max bytes of input (all of a DATA message when max is 0):
   returns 1 when done, 0 at end of file */
static int feed (smtp *s, uint64_t max)
{
  for (;;)
  {
    char const *p ;
    size_t n = smtp_peek(s, &p), olen = 0, used ;
    int done ;
    if (!n) return 0 ;
    if (n > sizeof out - 2) n = sizeof out - 2 ;
    if (max && n > max) n = max ;
    used = smtp_body_feed(&s->body, p, n, out, &olen, &done) ;
    smtp_consume(used) ;
    if (s->body.bad && smtp_injecting(s)) smtp_inject_abort(s) ;
    if (olen && smtp_injecting(s)) smtp_inject_write(s, out, olen) ;
    if (max && !(max -= used)) return 1 ;
    if (done) return 1 ;
  }
}

/* the recipients as queued, each <log form> (both forms of an IDN
   domain), comma-separated, into sa (NUL-terminated); 0 on ENOMEM */
static int rcptlog (smtp *s, stralloc *sa)
{
  tern_addr a = TERN_ADDR_ZERO ;
  int ok = 1 ;
  for (size_t i = 0 ; ok && i < s->rcpts.len ; i += strlen(s->rcpts.s + i) + 1)
  {
    char const *r = s->rcpts.s + i ;
    ok = stralloc_cats(sa, i ? ",<" : "<") ;
    if (ok && tern_addr_parse(&a, r, strlen(r), TERN_ADDR_UTF8 | TERN_ADDR_NODOM) == TERN_OK)
      ok = tern_addr_logfmt(sa, &a) ;
    else if (ok) ok = stralloc_cats(sa, r) ;
    ok = ok && stralloc_catb(sa, ">", 1) ;
  }
  tern_addr_free(&a) ;
  return ok && stralloc_0(sa) ;
}

/* the message is complete (or bad): answer for it */
static void finish (smtp *s)
{
  stralloc id = STRALLOC_ZERO ;
  char const *r = smtp_body_reply(s->body.bad) ;
  if (!r) r = smtp_junk(s) ;
  if (r) { smtp_inject_abort(s) ; smtp_reject(s, r, s->bdat ? "BDAT" : "DATA", s->fromlog.s) ; }
  else
  {
    r = smtp_inject_finish(s, &id) ;
    if (r) smtp_reject(s, r, s->bdat ? "BDAT" : "DATA", s->fromlog.s) ;
    else
    {
      char nr[UINT_FMT], sz[UINT64_FMT] ;
      stralloc rl = STRALLOC_ZERO ;
      nr[uint_fmt(nr, s->nrcpt)] = 0 ;
      sz[uint64_fmt(sz, s->body.size)] = 0 ;
      tern_log_info("accept", "session", s->session, "id", id.s, "from", s->fromlog.s,
        "nrcpt", nr, "size", sz, "rcpt", rcptlog(s, &rl) ? rl.s : "?", TERN_LOG_END) ;
      stralloc_free(&rl) ;
      smtp_reply3("250 2.0.0 ok id=", id.s, "") ;
    }
  }
  stralloc_free(&id) ;
  smtp_txreset(s) ;
}

void smtp_data (smtp *s)
{
  char const *r ;
  if (s->bdat || !s->mail) { smtp_reject(s, "503 5.5.1 need MAIL first", "DATA", 0) ; return ; }
  if (!s->nrcpt) { smtp_reject(s, "554 5.5.1 no valid recipients", "DATA", 0) ; return ; }
  r = start(s, 1) ;
  if (r) { smtp_reject(s, r, "DATA", 0) ; smtp_txreset(s) ; return ; }
  smtp_reply("354 end data with <CR><LF>.<CR><LF>") ;
  smtp_data_begin(s) ;
  if (!feed(s, 0)) smtp_quit(s, 0, "eof in data", 0) ;
  finish(s) ;
}

/* read and drop n bytes of a refused chunk */
static void skip (smtp *s, uint64_t n)
{
  smtp_data_begin(s) ;
  while (n)
  {
    char const *p ;
    size_t k = smtp_peek(s, &p) ;
    if (!k) smtp_quit(s, 0, "eof in bdat", 0) ;
    if (k > n) k = n ;
    smtp_consume(k) ;
    n -= k ;
  }
  smtp_data_end() ;
}

void smtp_bdat (smtp *s, char const *arg, size_t len)
{
  uint64_t size ;
  int last ;
  char const *r = smtp_parse_bdat(arg, len, &size, &last) ;
  if (r) { smtp_reject(s, r, "BDAT", 0) ; return ; }
  if (!s->mail || !s->helo) r = "503 5.5.1 need MAIL first" ;
  else if (!s->nrcpt) r = "554 5.5.1 no valid recipients" ;
  else if (!s->bdat)
  {
    r = start(s, 0) ;
    s->bdat = !r ;
    if (s->bdat) smtp_data_begin(s) ;
  }
  if (r)
  {
    skip(s, size) ;
    smtp_reject(s, r, "BDAT", 0) ;
    if (s->mail) smtp_txreset(s) ;
    return ;
  }
  if (size && !feed(s, size)) smtp_quit(s, 0, "eof in bdat", 0) ;
  if (last && !s->body.size && !s->body.bad)
  {
    /* no byte in any chunk: an empty message is not queued */
    smtp_inject_abort(s) ;
    smtp_reject(s, "554 5.6.0 empty message", "BDAT", s->fromlog.s) ;
    smtp_txreset(s) ;
  }
  else if (last)
  {
    size_t olen = 0 ;
    smtp_body_end(&s->body, out, &olen) ;
    if (s->body.bad && smtp_injecting(s)) smtp_inject_abort(s) ;
    if (olen && smtp_injecting(s)) smtp_inject_write(s, out, olen) ;
    finish(s) ;
  }
  else if (s->body.bad) finish(s) ;
  else
  {
    char fmt[UINT64_FMT] ;
    fmt[uint64_fmt(fmt, size)] = 0 ;
    smtp_reply3("250 2.0.0 ", fmt, " octets received") ;
  }
}

void smtp_data_wipe (void)
{
  explicit_bzero(out, sizeof out) ;
}
