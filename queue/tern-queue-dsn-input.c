/* tern-queue-dsn-input: what tern-queue-dsn reports: the lines on its
   standard input (bounded, checked against the envelope) and, for the
   dates and the delay schedule, the attempts from the state file. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <skalibs/strerr.h>
#include "tern.h"
#include "tern-queue-dsn.h"

/* the envelope index of addr, or -1 */
static long rcptindex (tern_qenv const *e, char const *addr)
{
  size_t i = 0 ;
  for (unsigned int n = 0 ; n < e->nrcpt && i < e->rcpts.len ; n++)
  {
    if (!strcmp(e->rcpts.s + i, addr)) return (long)n ;
    i += strlen(e->rcpts.s + i) + 1 ;
  }
  return -1 ;
}

/* all of stdin, each line cut at DSN_LINEMAX */
static void slurp (stralloc *in)
{
  char buf[4096] ;
  size_t linelen = 0 ;
  for (;;)
  {
    ssize_t r = read(0, buf, sizeof buf) ;
    if (r < 0) { if (errno == EINTR) continue ; strerr_diefusys(111, "read stdin") ; }
    if (!r) break ;
    for (ssize_t i = 0 ; i < r ; i++)
    {
      if (buf[i] == '\n') linelen = 0 ;
      else if (linelen++ >= DSN_LINEMAX) continue ;
      if (!stralloc_catb(in, buf + i, 1)) strerr_diefusys(111, "allocate") ;
    }
    if (in->len > DSN_INMAX) strerr_dief(100, "more than ", "16 MiB", " of input") ;
  }
}

void dsn_input (tern_qenv const *e, int delayonly, stralloc *in, genalloc *rcpts)
{
  size_t i = 0 ;
  slurp(in) ;
  while (i < in->len)
  {
    char *nl = memchr(in->s + i, '\n', in->len - i) ;
    size_t n = nl ? (size_t)(nl - (in->s + i)) : in->len - i ;
    tern_dsn_rcpt r = { .attempts = 0, .last = 0 } ;
    if (!n) { i++ ; continue ; }
    if (n && in->s[i + n - 1] == '\r') in->s[i + n - 1] = ' ' ;
    if (tern_dsn_line(&r, in->s + i, n) != TERN_OK) strerr_dief(100, "bad input line ", "(want: failed|delayed RCPT CODE TEXT)") ;
    if (delayonly && r.action != TERN_DSN_DELAYED) strerr_dief(100, "a failed line in a delay notice (-d)") ;
    if (rcptindex(e, r.addr) < 0) strerr_dief(100, "not a recipient of the message: ", r.addr) ;
    if (genalloc_len(tern_dsn_rcpt, rcpts) >= e->nrcpt) strerr_dief(100, "more lines than recipients") ;
    if (!genalloc_append(tern_dsn_rcpt, rcpts, &r)) strerr_diefusys(111, "allocate") ;
    i += n + 1 ;
  }
  if (!genalloc_len(tern_dsn_rcpt, rcpts)) strerr_dief(100, "no recipient to report on stdin") ;
}

void dsn_attempts (genalloc *rcpts, tern_qenv const *e, char const *statepath, uint32_t att, uint64_t last, uint64_t now)
{
  tern_qstate st = TERN_QSTATE_ZERO ;
  int havest = statepath && tern_qstate_read(&st, statepath, e->nrcpt) == TERN_OK ;
  for (size_t i = 0 ; i < genalloc_len(tern_dsn_rcpt, rcpts) ; i++)
  {
    tern_dsn_rcpt *r = genalloc_s(tern_dsn_rcpt, rcpts) + i ;
    tern_qrcpt const *q = havest ? tern_qstate_rcpt(&st, (size_t)rcptindex(e, r->addr)) : 0 ;
    r->attempts = att ? att : q && q->attempts ? q->attempts : 5 ;
    r->last = last ? last : q && q->last ? q->last : now ;
  }
  tern_qstate_free(&st) ;
}
