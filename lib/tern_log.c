/* tern_log: one event line on stderr, "PROG: LEVEL: EVENT k=v k=v",
   built in memory and written with one write(2). */
#include <errno.h>
#include <string.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/strerr.h>
#include "tern_log.h"

static int head (stralloc *sa, char const *level, char const *event)
{
  return stralloc_cats(sa, PROG ? PROG : "tern") && stralloc_catb(sa, ": ", 2)
    && stralloc_cats(sa, level) && stralloc_catb(sa, ":", 1)
    && (!event || (stralloc_catb(sa, " ", 1) && stralloc_cats(sa, event))) ;
}

static int put (char const *s, size_t len)
{
  return allwrite(2, s, len) == len ;
}

/* without memory, still say that something was not logged */
static int nomem (char const *event)
{
  char buf[256] ;
  char const *prog = PROG ? PROG : "tern" ;
  size_t n = strlen(prog) ;
  if (n > 64) n = 64 ;
  memcpy(buf, prog, n) ;
  memcpy(buf + n, ": warning: out of memory, not logged: ", 38) ;
  n += 38 ;
  if (event)
  {
    size_t e = strlen(event) ;
    if (e > 128) e = 128 ;
    memcpy(buf + n, event, e) ;
    n += e ;
  }
  buf[n++] = '\n' ;
  put(buf, n) ;
  errno = ENOMEM ;
  return 0 ;
}

int tern_log_v (char const *level, char const *event, va_list ap)
{
  stralloc sa = STRALLOC_ZERO ;
  char const *k ;
  int ok = head(&sa, level, event) ;
  while (ok && (k = va_arg(ap, char const *)))
  {
    char const *v = va_arg(ap, char const *) ;
    if (!v) v = "" ;
    ok = stralloc_catb(&sa, " ", 1) && stralloc_cats(&sa, k) && stralloc_catb(&sa, "=", 1)
      && tern_log_catvalue(&sa, v, strlen(v)) ;
  }
  ok = ok && stralloc_catb(&sa, "\n", 1) ;
  if (!ok) { stralloc_free(&sa) ; return nomem(event) ; }
  ok = put(sa.s, sa.len) ;
  stralloc_free(&sa) ;
  return ok ;
}

int tern_log_info (char const *event, ...)
{
  va_list ap ;
  int r ;
  va_start(ap, event) ;
  r = tern_log_v("info", event, ap) ;
  va_end(ap) ;
  return r ;
}

int tern_log_warn (char const *event, ...)
{
  va_list ap ;
  int r ;
  va_start(ap, event) ;
  r = tern_log_v("warning", event, ap) ;
  va_end(ap) ;
  return r ;
}
