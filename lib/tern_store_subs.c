/* tern_store_subs: ACCT/subscriptions, the set of subscribed names
   (tern-store.5 subscriptions): parse, read (from the mailboxes' field
   when the file is missing), format, atomic write.  A set is a stralloc
   of NUL-terminated names. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <skalibs/djbunix.h>
#include "tern.h"
#include "tern_store.h"

#define HEAD "tern-subscriptions 1\n"
#define HEADLEN (sizeof HEAD - 1)

static int bad (unsigned int n, char const *what)
{
  return tern_store_damage("", "subscriptions", n, what) ;
}

static int cmp (void const *a, void const *b)
{
  return strcmp(*(char const *const *)a, *(char const *const *)b) ;
}

/* 1 if the set has a name twice (sorted copy of the pointers), -1 on ENOMEM */
static int twice (stralloc const *sa, size_t n)
{
  char const **v ;
  size_t k = 0 ;
  int r = 0 ;
  if (n < 2) return 0 ;
  v = malloc(n * sizeof *v) ;
  if (!v) return -1 ;
  for (size_t i = 0 ; i < sa->len ; i += strlen(sa->s + i) + 1) v[k++] = sa->s + i ;
  qsort(v, n, sizeof *v, &cmp) ;
  for (size_t i = 1 ; i < n && !r ; i++) r = !strcmp(v[i-1], v[i]) ;
  free(v) ;
  return r ;
}

/* damage (TERN_TEMP, EUCLEAN) when s breaks the format */
int tern_subs_parse (stralloc *sa, char const *s, size_t len)
{
  size_t i = HEADLEN, n = 0 ;
  int r ;
  sa->len = 0 ;
  if (len < HEADLEN || memcmp(s, HEAD, HEADLEN))
    return bad(1, len >= 19 && !memcmp(s, "tern-subscriptions ", 19) ? "unknown format version" : "bad first line") ;
  while (i < len)
  {
    char const *nl = memchr(s + i, '\n', len - i) ;
    size_t l ;
    if (!nl) return bad((unsigned int)n + 2, "no newline at the end") ;
    l = (size_t)(nl - s) - i ;
    if (++n > TERN_STORE_SUBSMAX) return bad((unsigned int)n + 1, "more than 10000 names") ;
    if (!tern_store_namevalid(s + i, l)) return bad((unsigned int)n + 1, "bad mailbox name") ;
    if (tern_store_isinbox(s + i, l) ? !stralloc_catb(sa, "Inbox", 6) : !stralloc_catb(sa, s + i, l) || !stralloc_0(sa)) return TERN_TEMP ;
    i = (size_t)(nl - s) + 1 ;
  }
  r = twice(sa, n) ;
  if (r < 0) return TERN_TEMP ;
  return r ? bad(0, "a name twice") : TERN_OK ;
}

/* *found (if not 0): whether the file exists; without it, the names of
   l's subscribed entries */
int tern_subs_read (stralloc *sa, char const *acct, tern_mboxlist const *l, int *found)
{
  stralloc f = STRALLOC_ZERO ;
  int r ;
  sa->len = 0 ;
  if (found) *found = 0 ;
  r = tern_store_acctread(&f, acct, "subscriptions") ;
  if (r)
  {
    stralloc_free(&f) ;
    if (errno != ENOENT) return r ;
    for (size_t k = 0 ; k < tern_mboxlist_len(l) ; k++)
    {
      tern_mboxent const *e = tern_mboxlist_ent(l, k) ;
      if (e->subscribed && !stralloc_catb(sa, e->name, strlen(e->name) + 1)) return TERN_TEMP ;
    }
    return TERN_OK ;
  }
  if (found) *found = 1 ;
  r = tern_store_acctdamage(tern_subs_parse(sa, f.s, f.len), acct, "subscriptions") ;
  stralloc_free(&f) ;
  return r ;
}

/* the offset of name in the set plus 1, or 0 */
size_t tern_subs_find (stralloc const *sa, char const *name)
{
  int inbox = tern_store_isinbox(name, strlen(name)) ;
  for (size_t i = 0 ; i < sa->len ; i += strlen(sa->s + i) + 1)
    if (!strcmp(sa->s + i, inbox ? "Inbox" : name)) return i + 1 ;
  return 0 ;
}

/* 1 if the set changed, 0 if not, -1 with errno (EINVAL, EOVERFLOW, ENOMEM) */
int tern_subs_set (stralloc *sa, char const *name, int on)
{
  size_t n = strlen(name), at = tern_subs_find(sa, name), count = 0 ;
  if (on)
  {
    if (at) return 0 ;
    if (!tern_store_namevalid(name, n)) return (errno = EINVAL, -1) ;
    for (size_t i = 0 ; i < sa->len ; i += strlen(sa->s + i) + 1) count++ ;
    if (count >= TERN_STORE_SUBSMAX) return (errno = EOVERFLOW, -1) ;
    if (tern_store_isinbox(name, n)) return stralloc_catb(sa, "Inbox", 6) ? 1 : -1 ;
    return stralloc_catb(sa, name, n + 1) ? 1 : -1 ;
  }
  if (!at) return 0 ;
  n = strlen(sa->s + at - 1) + 1 ;
  memmove(sa->s + at - 1, sa->s + at - 1 + n, sa->len - (at - 1) - n) ;
  sa->len -= n ;
  return 1 ;
}

int tern_subs_write (stralloc const *sa, char const *acct)
{
  stralloc f = STRALLOC_ZERO ;
  int r = stralloc_catb(&f, HEAD, HEADLEN) ;
  for (size_t i = 0 ; r && i < sa->len ; i += strlen(sa->s + i) + 1)
    r = stralloc_cats(&f, sa->s + i) && stralloc_catb(&f, "\n", 1) ;
  r = r ? tern_store_acctwrite(acct, "subscriptions", f.s, f.len) : TERN_TEMP ;
  stralloc_free(&f) ;
  return r ;
}

/* the SUBSCRIBED field of each of l's entries from the set: how many changed */
size_t tern_subs_fields (tern_mboxlist *l, stralloc const *sa)
{
  size_t changed = 0 ;
  for (size_t k = 0 ; k < tern_mboxlist_len(l) ; k++)
  {
    tern_mboxent *e = tern_mboxlist_ent(l, k) ;
    unsigned int on = !!tern_subs_find(sa, e->name) ;
    if (on != e->subscribed) { e->subscribed = on ; changed++ ; }
  }
  return changed ;
}
