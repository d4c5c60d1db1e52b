/* tern_qenv_make: an envelope from the parts tern-queue-inject gets in its
   argv (and tern-smtp-in has): addresses parsed and written back in SMTP
   form with A-label domains, the account checked, ip and helo cleaned. */
#include <errno.h>
#include <string.h>
#include "tern.h"
#include "tern_addr.h"
#include "tern_queue.h"

/* append the SMTP form of s, NUL-terminated */
static int addr (stralloc *sa, char const *s, unsigned int opts, int nullok)
{
  tern_addr a = TERN_ADDR_ZERO ;
  int r ;
  if (!*s && nullok) return stralloc_0(sa) ? TERN_OK : TERN_TEMP ;
  size_t base = sa->len ;
  r = tern_addr_parse(&a, s, strlen(s), opts) ;
  if (!r && (!tern_addr_fmt(sa, &a, 1) || !stralloc_0(sa))) r = TERN_TEMP ;
  /* "<" or ">" in a quoted localpart: valid SMTP, but the envelope's
     "<...>" fields cannot hold it (tern-queue.5); refused, not stuck */
  if (!r && (memchr(sa->s + base, '<', sa->len - base) || memchr(sa->s + base, '>', sa->len - base)))
    r = (errno = EINVAL, TERN_PERM) ;
  tern_addr_free(&a) ;
  return r ;
}

/* control characters as '?', at most 255 bytes */
static int text (stralloc *sa, char const *s)
{
  size_t n = strlen(s), base = sa->len ;
  if (n > 255) n = 255 ;
  if (!stralloc_catb(sa, s, n) || !stralloc_0(sa)) return 0 ;
  tern_queue_clean(sa->s + base, n) ;
  return 1 ;
}

int tern_qenv_make (tern_qenv *e, char const *from, char const *rcpts, unsigned int n, char const *account,
  char const *ip, char const *helo, unsigned int flags, char const **what, char const **bad)
{
  unsigned int opts = (flags & TERN_QENV_UTF8) ? TERN_ADDR_UTF8 : 0 ;
  int r ;
  e->flags = flags ;
  *what = "sender" ; *bad = from ;
  r = addr(&e->from, from, opts, 1) ;
  if (r) return r ;
  *what = "recipient" ;
  for (unsigned int i = 0 ; i < n ; i++, rcpts += strlen(rcpts) + 1)
  {
    *bad = rcpts ;
    if ((r = addr(&e->rcpts, rcpts, opts, 0))) return r ;
  }
  e->nrcpt = n ;
  *what = "account" ; *bad = account ;
  if (account)
  {
    size_t len = strlen(account) ;
    if (!len || len > 64 || strspn(account, "abcdefghijklmnopqrstuvwxyz0123456789._-") != len)
      return (errno = EINVAL, TERN_PERM) ;
  }
  *what = *bad = 0 ;
  if (!text(&e->account, account ? account : "") || !text(&e->ip, ip) || !text(&e->helo, helo)) return TERN_TEMP ;
  return TERN_OK ;
}
