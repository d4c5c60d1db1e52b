/* tern_conftext_route: "TRANSPORT [from=D,..] [to=D,..] [min-attempts=N]",
   compiled with the domains as A-labels (".example.com" keeps its dot). */
#include <string.h>
#include <skalibs/types.h>
#include "tern_conftext_int.h"

static int domlist (tern_ctf *f, char const *s, size_t len, stralloc *out)
{
  size_t i = 0 ;
  if (!len) { tern_conftext_err(f, "empty domain list in route", 0, 0) ; return 0 ; }
  while (i <= len)
  {
    char const *comma = memchr(s + i, ',', len - i) ;
    size_t n = comma ? (size_t)(comma - (s + i)) : len - i ;
    if (i && !stralloc_catb(out, ",", 1)) goto nomem ;
    if (!n) { tern_conftext_err(f, "empty domain in route list", 0, 0) ; return 0 ; }
    if (n == 1 && s[i] == '.') { if (!stralloc_catb(out, ".", 1)) goto nomem ; }
    else if (s[i] == '.')
    {
      if (!stralloc_catb(out, ".", 1)) goto nomem ;
      if (!tern_conftext_domain(f, s + i + 1, n - 1, out)) return 0 ;
    }
    else if (!tern_conftext_domain(f, s + i, n, out)) return 0 ;
    i += n + 1 ;
  }
  return 1 ;
 nomem:
  f->nomem = 1 ;
  return 0 ;
}

/* One "name=value" option; *have bit 1 from, 2 to, 4 min-attempts. */
static int option (tern_ctf *f, char const *s, size_t len, unsigned int *have, stralloc *out)
{
  static char const *const names[3] = { "from=", "to=", "min-attempts=" } ;
  unsigned int i = 0 ;
  for (; i < 3 ; i++) if (len >= strlen(names[i]) && !memcmp(s, names[i], strlen(names[i]))) break ;
  if (i == 3)
  {
    char tmp[len + 1] ;
    memcpy(tmp, s, len) ; tmp[len] = 0 ;
    tern_conftext_err(f, "unknown route option ", tmp, 0) ;
    return 0 ;
  }
  if (*have & (1u << i)) { tern_conftext_err(f, "repeated route option ", names[i], 0) ; return 0 ; }
  *have |= 1u << i ;
  if (!stralloc_catb(out, " ", 1) || !stralloc_cats(out, names[i])) { f->nomem = 1 ; return 0 ; }
  s += strlen(names[i]) ; len -= strlen(names[i]) ;
  if (i < 2) return domlist(f, s, len, out) ;
  {
    char tmp[len + 1] ;
    char fmt[UINT64_FMT] ;
    uint64_t u ;
    memcpy(tmp, s, len) ; tmp[len] = 0 ;
    if (!tern_conftext_uint(f, "min-attempts", tmp, 0, 1000, &u)) return 0 ;
    if (!stralloc_catb(out, fmt, uint64_fmt(fmt, u))) { f->nomem = 1 ; return 0 ; }
  }
  return 1 ;
}

void tern_conftext_route (tern_ctf *f, char const *key, char const *v)
{
  stralloc out = STRALLOC_ZERO ;
  size_t len = strlen(v), i = 0 ;
  unsigned int have = 0 ;
  int ok = 1 ;
  while (i < len && ok)
  {
    size_t n = 0 ;
    while (i < len && (v[i] == ' ' || v[i] == '\t')) i++ ;
    while (i + n < len && v[i + n] != ' ' && v[i + n] != '\t') n++ ;
    if (!n) break ;
    if (!out.len)
    {
      char tmp[n + 1] ;
      memcpy(tmp, v + i, n) ; tmp[n] = 0 ;
      if (!tern_conftext_declared(f->t, 't', v + i, n))
      { tern_conftext_err(f, "route to unknown transport ", tmp, 0) ; ok = 0 ; }
      else if (!stralloc_catb(&out, v + i, n)) { f->nomem = 1 ; ok = 0 ; }
    }
    else ok = option(f, v + i, n, &have, &out) ;
    i += n ;
  }
  if (ok) tern_conftext_rec(f, key, 0, 0, out.s, out.len) ;
  stralloc_free(&out) ;
}
