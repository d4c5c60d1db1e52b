/* tern_conftext_junk: an account's junk-filter options and mailbox regexes. */
#include <string.h>
#include <sys/types.h>
#include <regex.h>
#include "tern_conftext_int.h"

#define NOPT 12
static char const *const opts[NOPT] =
{
  "threshold", "onegrams", "twograms", "threegrams", "max-power", "top-words", "ignore-words", "rare-words",
  "combine", "min-ham", "min-spam", "max-bytes"
} ;
static char const *const defs[NOPT] = { "0.95", "yes", "no", "no", "0.01", "10", "0.1", "2", "ref", "50", "10", "1048576" } ;

static int check (tern_ctf *f, unsigned int i, char const *v, int *yes)
{
  uint64_t u ;
  switch (i)
  {
    case 0 : return tern_conftext_decimal(f, "threshold", v, 1000000, &u) ;
    case 1 : case 2 : case 3 : return tern_conftext_yesno(f, opts[i], v, yes) ;
    case 4 : return tern_conftext_decimal(f, "max-power", v, 499999, &u) ;
    case 5 : return tern_conftext_uint(f, "top-words", v, 1, 10000, &u) ;
    case 6 : return tern_conftext_decimal(f, "ignore-words", v, 500000, &u) ;
    case 7 : return tern_conftext_uint(f, "rare-words", v, 0, 1000, &u) ;
    case 8 :
      if (!strcmp(v, "ref") || !strcmp(v, "chi")) return 1 ;
      tern_conftext_err(f, "bad combine: ", "not ref or chi", 0) ;
      return 0 ;
    case 9 : case 10 : return tern_conftext_uint(f, opts[i], v, 0, 1000000000, &u) ;
    default : return tern_conftext_uint(f, "max-bytes", v, 1024, 1073741824, &u) ;
  }
}

void tern_conftext_junk (tern_ctf *f, char *v, size_t len)
{
  char const *val[NOPT] ;
  stralloc out = STRALLOC_ZERO ;
  int grams = 0 ;
  size_t i = 0 ;
  memcpy(val, defs, sizeof val) ;
  while (i < len)
  {
    size_t n = strcspn(v + i, " \t") ;
    char *eq ;
    unsigned int k = 0 ;
    int yes = 0 ;
    if (!n) { i++ ; continue ; }
    v[i + n] = 0 ;
    eq = strchr(v + i, '=') ;
    if (eq) *eq = 0 ;
    for (; k < NOPT ; k++) if (!strcmp(v + i, opts[k])) break ;
    if (!eq || k == NOPT) { tern_conftext_err(f, "bad junk-filter option ", v + i, 0) ; return ; }
    if (val[k] != defs[k]) { tern_conftext_err(f, "repeated junk-filter option ", v + i, 0) ; return ; }
    if (!check(f, k, eq + 1, &yes)) return ;
    val[k] = eq + 1 ;
    i += n + 1 ;
  }
  for (i = 1 ; i <= 3 ; i++) grams |= !strcmp(val[i], "yes") ;
  if (!grams) { tern_conftext_err(f, "junk-filter: no n-grams enabled", 0, 0) ; return ; }
  for (i = 0 ; i < NOPT ; i++)
    if ((i && !stralloc_catb(&out, " ", 1)) || !stralloc_cats(&out, opts[i])
     || !stralloc_catb(&out, "=", 1) || !stralloc_cats(&out, val[i]))
    { f->nomem = 1 ; goto end ; }
  tern_conftext_rec(f, "A:", f->name, ":junk-filter", out.s, out.len) ;
 end:
  stralloc_free(&out) ;
}

/* Bound regcomp's work: glibc copies the tree for each "+" and "{n,m}",
   so nested repetitions multiply.  The product of the copies (+ counts 2,
   {n,m} counts max+1) must stay <= 1024, and operators may not stack. */
static int tame (char const *v)
{
  uint64_t product = 1 ;
  int prevop = 0 ;
  if (strlen(v) > 256) return 0 ;
  for (size_t i = 0 ; v[i] ; i++)
  {
    uint64_t n = 0, max = 0 ;
    int op = v[i] == '+' || v[i] == '*' || v[i] == '?' || v[i] == '{' ;
    if (op && prevop) return 0 ;
    prevop = op ;
    if (v[i] == '+') product *= 2 ;
    if (v[i] != '{') continue ;
    for (i++ ; v[i] && v[i] != '}' ; i++)
    {
      if (v[i] >= '0' && v[i] <= '9') { n = n * 10 + (uint64_t)(v[i] - '0') ; if (n > 1024) return 0 ; }
      else n = 0 ;
      if (n > max) max = n ;
    }
    if (!v[i]) return 0 ;
    product *= max + 1 ;
    if (product > 1024) return 0 ;
  }
  return product <= 1024 ;
}

void tern_conftext_regex (tern_ctf *f, char const *key, char const *v)
{
  regex_t re ;
  int r ;
  if (!tame(v)) { tern_conftext_err(f, "regex too complex for ", key + 1, " (at most 256 bytes and few repetitions)") ; return ; }
  r = regcomp(&re, v, REG_EXTENDED | REG_NOSUB) ;
  if (r == REG_ESPACE) { f->nomem = 1 ; return ; }
  if (r)
  {
    char msg[200] = ": " ;
    regerror(r, &re, msg + 2, sizeof msg - 2) ;
    tern_conftext_err(f, "bad regex for ", key + 1, msg) ;
    return ;
  }
  regfree(&re) ;
  tern_conftext_rec(f, "A:", f->name, key, v, strlen(v)) ;
}
