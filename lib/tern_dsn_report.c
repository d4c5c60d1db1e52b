/* tern_dsn_report: the message/delivery-status part of a notice (RFC 3464
   2.2, 2.3; RFC 6533 3 for the global form): the per-message fields, then
   one block per recipient. */
#include <string.h>
#include "tern_date.h"
#include "tern_dsn.h"

static int date (stralloc *sa, char const *name, uint64_t t)
{
  char s[TERN_DATE_FMT] ;
  size_t n = tern_date_fmt(s, t) ;
  return !n || tern_dsn_fold(sa, name, s, n) ;
}

/* "type; value" folded, value cleaned */
static int typed (stralloc *sa, char const *name, char const *type, char const *v, size_t len, int utf8)
{
  stralloc t = STRALLOC_ZERO ;
  int r = stralloc_cats(&t, type) && stralloc_catb(&t, "; ", 2)
    && tern_dsn_clean(&t, v, len, utf8, TERN_DSN_TEXTMAX) && tern_dsn_fold(sa, name, t.s, t.len) ;
  stralloc_free(&t) ;
  return r ;
}

static int ascii (char const *s)
{
  for (; *s ; s++) if ((unsigned char)*s >= 128) return 0 ;
  return 1 ;
}

static int rcpt (stralloc *sa, tern_dsn const *d, tern_dsn_rcpt const *r)
{
  char st[TERN_DSN_STATUSMAX] ;
  stralloc diag = STRALLOC_ZERO ;
  uint64_t until ;
  int ok ;
  tern_dsn_status(st, r->action, r->text, r->textlen) ;
  ok = stralloc_catb(&diag, r->code, strlen(r->code)) && stralloc_catb(&diag, " ", 1)
    && stralloc_catb(&diag, r->text, r->textlen)
    && stralloc_catb(sa, "\r\n", 2)
    && typed(sa, "Final-Recipient", d->utf8 && !ascii(r->addr) ? "utf-8" : "rfc822", r->addr, strlen(r->addr), d->utf8)
    && tern_dsn_fold(sa, "Action", r->action == TERN_DSN_FAILED ? "failed" : "delayed", r->action == TERN_DSN_FAILED ? 6 : 7)
    && tern_dsn_fold(sa, "Status", st, strlen(st))
    && typed(sa, "Diagnostic-Code", "smtp", diag.s, diag.len, d->utf8)
    && (!r->last || date(sa, "Last-Attempt-Date", r->last)) ;
  if (ok && r->action == TERN_DSN_DELAYED)
  {
    tern_dsn_waits(r->attempts, d->maxattempts, r->last ? r->last : d->now, &until) ;
    ok = date(sa, "Will-Retry-Until", until) ;
  }
  stralloc_free(&diag) ;
  return ok ;
}

int tern_dsn_report (stralloc *sa, tern_dsn const *d)
{
  if (!typed(sa, "Reporting-MTA", "dns", d->hostname, strlen(d->hostname), 0)
   || (d->arrival && !date(sa, "Arrival-Date", d->arrival))) return 0 ;
  for (unsigned int i = 0 ; i < d->nrcpt ; i++)
    if (!rcpt(sa, d, d->rcpts + i)) return 0 ;
  return 1 ;
}
