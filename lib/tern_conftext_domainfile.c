/* tern_conftext_domainfile: domains/DOMAIN (d:DOMAIN, d:DOMAIN:KEY,
   a:@DOMAIN for the catch-all, r:d:DOMAIN routes). */
#include <string.h>
#include "tern_conftext_int.h"

static void catchall (tern_ctf *f, char *v, size_t len)
{
  if (!tern_conftext_declared(f->t, 'a', v, len)) { tern_conftext_err(f, "catchall: no such account ", v, 0) ; return ; }
  tern_conftext_rec(f, "d:", f->name, ":catchall", v, len) ;
  tern_conftext_rec(f, "a:@", f->name, 0, v, len) ;
}

static void route (tern_ctf *f, char *v, size_t len)
{
  stralloc key = STRALLOC_ZERO ;
  (void)len ;
  if (!stralloc_cats(&key, "r:d:") || !stralloc_cats(&key, f->name) || !stralloc_0(&key)) f->nomem = 1 ;
  else tern_conftext_route(f, key.s, v) ;
  stralloc_free(&key) ;
}

static void dkim (tern_ctf *f, char *v, size_t len)
{
  stralloc out = STRALLOC_ZERO ;
  size_t n = strcspn(v, " \t"), k = n ;
  while (v[k] == ' ' || v[k] == '\t') k++ ;
  if (n == len || !n) { tern_conftext_err(f, "bad dkim: not SELECTOR KEYFILE", 0, 0) ; return ; }
  if (!tern_conftext_domain(f, v, n, &out)) goto end ;
  if (!stralloc_catb(&out, " ", 1)) { f->nomem = 1 ; goto end ; }
  if (tern_conftext_path(f, v + k, &out)) tern_conftext_rec(f, "d:", f->name, ":dkim", out.s, out.len) ;
 end:
  stralloc_free(&out) ;
}

static tern_ctkey const keys[] =
{
  { "catchall", 0, &catchall },
  { "route", TERN_CTK_REPEAT, &route },
  { "dkim", TERN_CTK_REPEAT, &dkim },
} ;
#define NKEYS (sizeof keys / sizeof *keys)

void tern_conftext_domainfile (tern_ctf *f, char const *s, size_t len)
{
  unsigned int seen[NKEYS] = { 0 } ;
  f->seen = seen ;
  tern_conftext_rec(f, "d:", f->name, 0, "", 0) ;
  tern_conftext_lines(f, keys, NKEYS, s, len) ;
}
