/* tern_conftext_account: accounts/NAME (A:NAME, A:NAME:KEY, a:ADDRKEY,
   r:a:NAME routes). */
#include <string.h>
#include <strings.h>
#include <skalibs/types.h>
#include "tern_addr.h"
#include "tern_conftext_int.h"

/* FILE:LINE where key was claimed first, or 0. */
static char const *claimed (tern_conftext const *t, char const *key, size_t len)
{
  size_t i = 0 ;
  while (i < t->claims.len)
  {
    size_t n = strlen(t->claims.s + i) ;
    if (n == len && !memcmp(t->claims.s + i, key, len)) return t->claims.s + i + n + 1 ;
    i += n + 1 ;
    i += strlen(t->claims.s + i) + 1 ;
  }
  return 0 ;
}

static int claim (tern_ctf *f, stralloc *key)
{
  char fmt[UINT_FMT] ;
  char const *prev = claimed(f->t, key->s, key->len) ;
  if (prev) { tern_conftext_err(f, "duplicate address, also in ", prev, 0) ; return 0 ; }
  if (!stralloc_catb(&f->t->claims, key->s, key->len) || !stralloc_0(&f->t->claims)
   || !stralloc_cats(&f->t->claims, f->file) || !stralloc_catb(&f->t->claims, ":", 1)
   || !stralloc_catb(&f->t->claims, fmt, uint_fmt(fmt, f->line)) || !stralloc_0(&f->t->claims))
  { f->nomem = 1 ; return 0 ; }
  return 1 ;
}

static void address (tern_ctf *f, char *v, size_t len)
{
  tern_addr a = TERN_ADDR_ZERO ;
  stralloc key = STRALLOC_ZERO, fmt = STRALLOC_ZERO ;
  int r = tern_addr_parse(&a, v, len, TERN_ADDR_UTF8) ;
  if (r == TERN_TEMP) { f->nomem = 1 ; goto end ; }
  if (r != TERN_OK || (a.flags & (TERN_ADDRF_LITERAL | TERN_ADDRF_NULL)) || !a.domain.len)
  { tern_conftext_err(f, "bad address ", v, 0) ; goto end ; }
  if (!tern_conftext_declared(f->t, 'd', a.domain.s, a.domain.len))
  {
    if (!stralloc_copyb(&key, a.domain.s, a.domain.len) || !stralloc_0(&key)) { f->nomem = 1 ; goto end ; }
    tern_conftext_err(f, "address in unknown domain ", key.s, 0) ;
    goto end ;
  }
  if (!tern_addr_key(&key, &a) || !tern_addr_fmt(&fmt, &a, 1)) { f->nomem = 1 ; goto end ; }
  if (!claim(f, &key)) goto end ;
  if (!stralloc_0(&key)) { f->nomem = 1 ; goto end ; }
  tern_conftext_rec(f, "a:", key.s, 0, f->name, strlen(f->name)) ;
  tern_conftext_rec(f, "A:", f->name, ":address", fmt.s, fmt.len) ;
 end:
  stralloc_free(&key) ;
  stralloc_free(&fmt) ;
  tern_addr_free(&a) ;
}

static void fullname (tern_ctf *f, char *v, size_t len)
{
  tern_conftext_rec(f, "A:", f->name, ":full-name", v, len) ;
}

static void route (tern_ctf *f, char *v, size_t len)
{
  stralloc key = STRALLOC_ZERO ;
  (void)len ;
  if (!stralloc_cats(&key, "r:a:") || !stralloc_cats(&key, f->name) || !stralloc_0(&key)) f->nomem = 1 ;
  else tern_conftext_route(f, key.s, v) ;
  stralloc_free(&key) ;
}

static void junkflags (tern_ctf *f, char *v, size_t len)
{
  int yes ;
  if (tern_conftext_yesno(f, "junk-flags", v, &yes)) tern_conftext_rec(f, "A:", f->name, ":junk-flags", v, len) ;
}

/* junk-reject: what tern-smtp-in does with mail the filter calls junk */
static void junkreject (tern_ctf *f, char *v, size_t len)
{
  if (strcmp(v, "no") && strcmp(v, "temporary") && strcmp(v, "permanent"))
    tern_conftext_err(f, "bad junk-reject: not no, temporary or permanent", 0, 0) ;
  else tern_conftext_rec(f, "A:", f->name, ":junk-reject", v, len) ;
}

static void rejects (tern_ctf *f, char *v, size_t len)
{
  if (!strcasecmp(v, "inbox"))
    tern_conftext_err(f, "rejects-mailbox may not be Inbox", 0, 0) ;
  else tern_conftext_rec(f, "A:", f->name, ":rejects-mailbox", v, len) ;
}

static void junkbox (tern_ctf *f, char *v, size_t len) { (void)len ; tern_conftext_regex(f, ":junk-mailbox", v) ; }
static void neutralbox (tern_ctf *f, char *v, size_t len) { (void)len ; tern_conftext_regex(f, ":neutral-mailbox", v) ; }
static void notjunkbox (tern_ctf *f, char *v, size_t len) { (void)len ; tern_conftext_regex(f, ":notjunk-mailbox", v) ; }

static tern_ctkey const keys[] =
{
  { "address", TERN_CTK_REPEAT | TERN_CTK_REQUIRED, &address },
  { "full-name", 0, &fullname },
  { "route", TERN_CTK_REPEAT, &route },
  { "junk-filter", TERN_CTK_OPTVAL, &tern_conftext_junk },
  { "junk-flags", 0, &junkflags },
  { "junk-mailbox", 0, &junkbox },
  { "neutral-mailbox", 0, &neutralbox },
  { "notjunk-mailbox", 0, &notjunkbox },
  { "rejects-mailbox", 0, &rejects },
  { "junk-reject", 0, &junkreject },
} ;
#define NKEYS (sizeof keys / sizeof *keys)

void tern_conftext_account (tern_ctf *f, char const *s, size_t len)
{
  unsigned int seen[NKEYS] = { 0 } ;
  f->seen = seen ;
  tern_conftext_rec(f, "A:", f->name, 0, "", 0) ;
  tern_conftext_lines(f, keys, NKEYS, s, len) ;
}
