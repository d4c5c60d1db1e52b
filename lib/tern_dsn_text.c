/* tern_dsn_text: the first part of a notice, in plain words: who did not
   get the message, the reply for each, and for a delay what happens next
   (the real remaining schedule, tern-queue.5). */
#include <string.h>
#include <skalibs/types.h>
#include "tern_queue.h"
#include "tern_dsn.h"

#define WIDTH 76
#define LISTMAX 6   /* waits spelled out; the rest are counted */

static int cat (stralloc *sa, char const *s) { return stralloc_cats(sa, s) ; }

/* a paragraph and the empty line after it */
static int para (stralloc *sa, char const *s)
{
  return tern_dsn_wrap(sa, "", s, strlen(s), WIDTH) && cat(sa, "\r\n") ;
}

static int num (stralloc *sa, uint64_t n)
{
  char s[UINT64_FMT] ;
  return stralloc_catb(sa, s, uint64_fmt(s, n)) ;
}

/* "2 hours", "30 minutes", "7.5 minutes" */
static int duration (stralloc *sa, uint64_t secs)
{
  if (secs >= 3600 && !(secs % 3600))
    return num(sa, secs / 3600) && cat(sa, secs == 3600 ? " hour" : " hours") ;
  return num(sa, secs / 60) && (secs % 60 < 30 || cat(sa, ".5")) && cat(sa, " minutes") ;
}

/* the recipients of one action, each with its reply */
static int list (stralloc *sa, tern_dsn const *d, unsigned int action)
{
  stralloc t = STRALLOC_ZERO ;
  int ok = 1 ;
  for (unsigned int i = 0 ; ok && i < d->nrcpt ; i++)
  {
    tern_dsn_rcpt const *r = d->rcpts + i ;
    if (r->action != action) continue ;
    t.len = 0 ;
    ok = stralloc_catb(&t, "<", 1) && tern_dsn_clean(&t, r->addr, strlen(r->addr), d->utf8, TERN_DSN_TEXTMAX)
      && stralloc_catb(&t, ">", 1) && tern_dsn_wrap(sa, "  ", t.s, t.len, WIDTH) ;
    t.len = 0 ;
    ok = ok && stralloc_cats(&t, r->code) && stralloc_catb(&t, " ", 1)
      && tern_dsn_clean(&t, r->text, r->textlen, d->utf8, TERN_DSN_TEXTMAX) && tern_dsn_wrap(sa, "    ", t.s, t.len, WIDTH) ;
  }
  stralloc_free(&t) ;
  return ok && cat(sa, "\r\n") ;
}

/* the schedule after the fewest attempts made among the delayed */
static int schedule (stralloc *sa, tern_dsn const *d)
{
  stralloc t = STRALLOC_ZERO ;
  uint32_t att = UINT32_MAX ;
  uint64_t until ;
  unsigned int n ;
  int ok ;
  for (unsigned int i = 0 ; i < d->nrcpt ; i++)
    if (d->rcpts[i].action == TERN_DSN_DELAYED && d->rcpts[i].attempts < att) att = d->rcpts[i].attempts ;
  if (!att) att = 1 ;
  n = tern_dsn_waits(att, d->maxattempts, 0, &until) ;
  ok = cat(&t, "tern has tried ") && num(&t, att) && cat(&t, att == 1 ? " time" : " times") ;
  if (!n) ok = ok && cat(&t, " and will try again.") ;
  else
  {
    ok = ok && cat(&t, " and will try ") && num(&t, n) && cat(&t, n == 1 ? " more time: in about " : " more times: in about ") ;
    for (unsigned int k = 0 ; ok && k < n && k < LISTMAX ; k++)
      ok = (!k || cat(&t, ", then ")) && duration(&t, tern_queue_backoff(att - 1 + k, 0))
        && (!k || cat(&t, " after that")) ;
    if (n > LISTMAX) ok = ok && cat(&t, ", and ") && num(&t, n - LISTMAX) && cat(&t, " more times, each wait twice the one before") ;
    ok = ok && cat(&t, ". If the last attempt fails too, you will get a failure notice.") ;
  }
  ok = ok && cat(&t, " You do not need to do anything now.") && tern_dsn_wrap(sa, "", t.s, t.len, WIDTH) ;
  stralloc_free(&t) ;
  return ok ;
}

int tern_dsn_text (stralloc *sa, tern_dsn const *d, int whole)
{
  stralloc h = STRALLOC_ZERO ;
  int failed = 0, delayed = 0, ok ;
  for (unsigned int i = 0 ; i < d->nrcpt ; i++)
    if (d->rcpts[i].action == TERN_DSN_FAILED) failed = 1 ; else delayed = 1 ;
  ok = cat(&h, "This is the mail system at ") && tern_dsn_clean(&h, d->hostname, strlen(d->hostname), 0, 255) && cat(&h, ".")
    && tern_dsn_wrap(sa, "", h.s, h.len, WIDTH) && cat(sa, "\r\n") ;
  if (ok && d->postmaster)
    ok = para(sa, "This notice went to the postmaster: the sender has no account here.") ;
  if (ok && failed)
    ok = para(sa, "Your message could not be delivered to these recipients; no further attempts will be made:") && list(sa, d, TERN_DSN_FAILED) ;
  if (ok && delayed)
    ok = para(sa, "Your message has not been delivered yet to these recipients:") && list(sa, d, TERN_DSN_DELAYED) && schedule(sa, d) && cat(sa, "\r\n") ;
  ok = ok && cat(sa, whole ? "Your message is attached.\r\n" : "The header of your message is attached.\r\n") ;
  stralloc_free(&h) ;
  return ok ;
}
