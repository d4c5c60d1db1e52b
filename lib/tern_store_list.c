/* tern_store_list: ACCT/mailboxes, the mailbox list (tern-store.5):
   parse, format, read, atomic write, find by name. */
#include <errno.h>
#include <string.h>
#include <skalibs/types.h>
#include <skalibs/djbunix.h>
#include "tern.h"
#include "tern_store.h"

/* strict decimal field ending at a space; 1 and *v, or 0 */
static int num (char const *s, size_t len, size_t *i, uint32_t *v)
{
  uint64_t x = 0 ;
  size_t j = *i ;
  while (j < len && s[j] >= '0' && s[j] <= '9' && j - *i < 11)
    x = x * 10 + (uint64_t)(s[j++] - '0') ;
  if (j == *i || j >= len || s[j] != ' ' || x > 0xffffffffu) return 0 ;
  *v = (uint32_t)x ;
  *i = j + 1 ;
  return 1 ;
}

static int word (char const *s, size_t len, size_t *i, char const **w, size_t *wlen)
{
  size_t j = *i ;
  while (j < len && s[j] != ' ' && s[j] != '\n') j++ ;
  if (j == *i || j >= len || s[j] != ' ') return 0 ;
  *w = s + *i ; *wlen = j - *i ; *i = j + 1 ;
  return 1 ;
}

/* one mailbox line into e: 0, or what is wrong with it */
static char const *line (tern_mboxlist *l, char const *s, size_t len, tern_mboxent *e)
{
  size_t i = 0, wlen ;
  char const *w ;
  uint32_t sub ;
  int su ;
  if (!num(s, len, &i, &e->id) || !e->id) return "bad ID" ;
  if (!num(s, len, &i, &e->uidvalidity) || !e->uidvalidity) return "bad UIDVALIDITY" ;
  if (!num(s, len, &i, &sub) || sub > 1) return "bad subscribed field" ;
  if (!word(s, len, &i, &w, &wlen) || (su = tern_store_suscan(w, wlen)) < 0) return "bad special-use field" ;
  e->subscribed = sub ; e->specialuse = (unsigned int)su ;
  if (e->id >= l->nextid) return "ID not below NEXTID" ;
  if (e->uidvalidity >= l->nextuidvalidity) return "UIDVALIDITY not below NEXTUIDVALIDITY" ;
  if (!tern_store_namevalid(s + i, len - i)) return "bad mailbox name" ;
  if (tern_store_isinbox(s + i, len - i)) memcpy(e->name, "Inbox", 6) ;
  else { memcpy(e->name, s + i, len - i) ; e->name[len - i] = 0 ; }
  for (size_t k = 0 ; k < tern_mboxlist_len(l) ; k++)
  {
    tern_mboxent const *o = tern_mboxlist_ent(l, k) ;
    if (o->id == e->id) return "duplicate ID" ;
    if (!strcmp(o->name, e->name)) return !strcmp(e->name, "Inbox") ? "duplicate name Inbox" : "duplicate name" ;
  }
  return 0 ;
}

static int bad (unsigned int n, char const *what)
{
  return tern_store_damage("", "mailboxes", n, what) ;
}

/* damage (tern_store_damage: TERN_TEMP, EUCLEAN) when s breaks the format */
int tern_mboxlist_parse (tern_mboxlist *l, char const *s, size_t len)
{
  size_t i = 0 ;
  char const *nl = len ? memchr(s, '\n', len) : 0 ;
  unsigned int n = 1 ;
  uint32_t v ;
  genalloc_setlen(tern_mboxent, &l->ents, 0) ;
  if (!len) return bad(0, "empty file") ;
  if (!nl || len < 11 || memcmp(s, "tern-store ", 11)) return bad(1, "bad first line") ;
  i = 11 ;
  if (!num(s, (size_t)(nl - s) + 1, &i, &v)) return bad(1, "bad first line") ;
  if (v < TERN_STORE_VERSION_MIN || v > TERN_STORE_VERSION) return bad(1, "unknown format version") ;
  if (!num(s, (size_t)(nl - s) + 1, &i, &l->nextid) || !l->nextid) return bad(1, "bad NEXTID") ;
  {
    /* the last number ends with the newline, not a space */
    size_t j = i ; uint64_t x = 0 ;
    while (s + j < nl && s[j] >= '0' && s[j] <= '9' && j - i < 11) x = x * 10 + (uint64_t)(s[j++] - '0') ;
    if (j == i || s + j != nl || x > 0xffffffffu || !x) return bad(1, "bad NEXTUIDVALIDITY") ;
    l->nextuidvalidity = (uint32_t)x ;
  }
  i = (size_t)(nl - s) + 1 ;
  while (i < len)
  {
    tern_mboxent e ;
    char const *what ;
    n++ ;
    nl = memchr(s + i, '\n', len - i) ;
    if (!nl) return bad(n, "no newline at the end") ;
    what = line(l, s + i, (size_t)(nl - s) - i, &e) ;
    if (what) return bad(n, what) ;
    if (!genalloc_catb(tern_mboxent, &l->ents, &e, 1)) return TERN_TEMP ;
    i = (size_t)(nl - s) + 1 ;
  }
  return TERN_OK ;
}

int tern_mboxlist_fmt (stralloc *sa, tern_mboxlist const *l)
{
  char fmt[UINT32_FMT] ;
  if (!stralloc_cats(sa, "tern-store ")
   || !stralloc_catb(sa, fmt, uint32_fmt(fmt, TERN_STORE_VERSION))
   || !stralloc_catb(sa, " ", 1)
   || !stralloc_catb(sa, fmt, uint32_fmt(fmt, l->nextid))
   || !stralloc_catb(sa, " ", 1)
   || !stralloc_catb(sa, fmt, uint32_fmt(fmt, l->nextuidvalidity))
   || !stralloc_catb(sa, "\n", 1)) return 0 ;
  for (size_t k = 0 ; k < tern_mboxlist_len(l) ; k++)
  {
    tern_mboxent const *e = tern_mboxlist_ent(l, k) ;
    if (!stralloc_catb(sa, fmt, uint32_fmt(fmt, e->id))
     || !stralloc_catb(sa, " ", 1)
     || !stralloc_catb(sa, fmt, uint32_fmt(fmt, e->uidvalidity))
     || !stralloc_cats(sa, e->subscribed ? " 1 " : " 0 ")
     || !stralloc_cats(sa, tern_store_sufmt(e->specialuse))
     || !stralloc_catb(sa, " ", 1)
     || !stralloc_cats(sa, e->name)
     || !stralloc_catb(sa, "\n", 1)) return 0 ;
  }
  return 1 ;
}

int tern_mboxlist_read (tern_mboxlist *l, char const *acct)
{
  stralloc sa = STRALLOC_ZERO ;
  int r = tern_store_acctread(&sa, acct, "mailboxes") ;
  if (!r) r = tern_store_acctdamage(tern_mboxlist_parse(l, sa.s, sa.len), acct, "mailboxes") ;
  stralloc_free(&sa) ;
  return r ;
}

int tern_mboxlist_write (tern_mboxlist const *l, char const *acct)
{
  stralloc sa = STRALLOC_ZERO ;
  int r = tern_mboxlist_fmt(&sa, l) ? tern_store_acctwrite(acct, "mailboxes", sa.s, sa.len) : TERN_TEMP ;
  stralloc_free(&sa) ;
  return r ;
}

tern_mboxent *tern_mboxlist_find (tern_mboxlist const *l, char const *name)
{
  size_t n = strlen(name) ;
  int inbox = tern_store_isinbox(name, n) ;
  for (size_t k = 0 ; k < tern_mboxlist_len(l) ; k++)
  {
    tern_mboxent *e = tern_mboxlist_ent(l, k) ;
    if (inbox ? !strcmp(e->name, "Inbox") : !strcmp(e->name, name)) return e ;
  }
  return 0 ;
}

void tern_mboxlist_free (tern_mboxlist *l)
{
  genalloc_free(tern_mboxent, &l->ents) ;
}
