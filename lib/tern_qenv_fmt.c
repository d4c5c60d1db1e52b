/* tern_qenv_fmt: the envelope text of a queue file (tern-queue.5); fmtlines
   without its first line (the version, or the seal: tern_qseal.c). */
#include <string.h>
#include <skalibs/types.h>
#include "tern_queue.h"

static int line (stralloc *sa, char const *key, char const *pre, char const *v, char const *post)
{
  return stralloc_cats(sa, key) && stralloc_catb(sa, " ", 1) && stralloc_cats(sa, pre)
    && stralloc_cats(sa, v) && stralloc_cats(sa, post) && stralloc_catb(sa, "\n", 1) ;
}

int tern_qenv_fmt (stralloc *sa, tern_qenv const *e)
{
  return stralloc_cats(sa, "tern-queue 1\n") && tern_qenv_fmtlines(sa, e) ;
}

int tern_qenv_fmtlines (stralloc *sa, tern_qenv const *e)
{
  char t[UINT64_FMT] ;
  t[uint64_fmt(t, e->time)] = 0 ;
  if (!line(sa, "time", "", t, "")
   || !line(sa, "from", "<", e->from.len ? e->from.s : "", ">")) return 0 ;
  if (e->account.len > 1 && !line(sa, "account", "", e->account.s, "")) return 0 ;
  if (e->ip.len > 1 && !line(sa, "ip", "", e->ip.s, "")) return 0 ;
  if (e->helo.len > 1 && !line(sa, "helo", "", e->helo.s, "")) return 0 ;
  if ((e->flags & TERN_QENV_8BIT) && !stralloc_cats(sa, "8bitmime\n")) return 0 ;
  if ((e->flags & TERN_QENV_UTF8) && !stralloc_cats(sa, "smtputf8\n")) return 0 ;
  if ((e->flags & TERN_QENV_DKIM) && !stralloc_cats(sa, "dkim\n")) return 0 ;
  for (size_t i = 0 ; i < e->rcpts.len ; i += strlen(e->rcpts.s + i) + 1)
    if (!line(sa, "rcpt", "<", e->rcpts.s + i, ">")) return 0 ;
  return stralloc_catb(sa, "\n", 1) ;
}
