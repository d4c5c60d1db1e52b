/* tern_junkopt: the junk filter's options: defaults, the junk-filter
   value of tern-conf(8) ("key=value" words), and an account's options. */
#include <errno.h>
#include <string.h>
#include "tern.h"
#include "tern_junk.h"

void tern_junkopt_default (tern_junkopt *o)
{
  o->threshold = 0.95 ;
  o->maxpower = 0.01 ;
  o->ignorewords = 0.1 ;
  o->onegrams = 1 ;
  o->twograms = 0 ;
  o->threegrams = 0 ;
  o->topwords = 10 ;
  o->rarewords = 2 ;
  o->combine = TERN_JUNK_COMBINE_REF ;
  o->minham = 50 ;
  o->minspam = 10 ;
  o->maxbytes = 1048576 ;
}

/* digits[.digits], at most 6 decimals, <= max */
static int decimal (char const *s, size_t n, double max, double *d)
{
  double x = 0, scale = 1 ;
  size_t i = 0, k = 0 ;
  for (; i < n && s[i] >= '0' && s[i] <= '9' && i < 6 ; i++) x = x * 10 + (s[i] - '0') ;
  if (!i) return 0 ;
  if (i < n && s[i] == '.')
  {
    for (i++ ; i < n && s[i] >= '0' && s[i] <= '9' && k < 6 ; i++, k++) x += (s[i] - '0') * (scale /= 10) ;
    if (!k) return 0 ;
  }
  if (i != n || x > max) return 0 ;
  *d = x ;
  return 1 ;
}

static int uns (char const *s, size_t n, uint64_t min, uint64_t max, uint64_t *u)
{
  uint64_t x = 0 ;
  if (!n || n > 10) return 0 ;
  for (size_t i = 0 ; i < n ; i++)
  {
    if (s[i] < '0' || s[i] > '9') return 0 ;
    x = x * 10 + (uint64_t)(s[i] - '0') ;
  }
  if (x < min || x > max) return 0 ;
  *u = x ;
  return 1 ;
}

static int yesno (char const *s, size_t n, int *yes)
{
  if (n == 3 && !memcmp(s, "yes", 3)) *yes = 1 ;
  else if (n == 2 && !memcmp(s, "no", 2)) *yes = 0 ;
  else return 0 ;
  return 1 ;
}

static int one (tern_junkopt *o, char const *k, size_t kn, char const *v, size_t vn)
{
  uint64_t u ;
  int y ;
#define IS(name) (kn == sizeof(name) - 1 && !memcmp(k, name, kn))
  if (IS("threshold")) return decimal(v, vn, 1, &o->threshold) ;
  if (IS("max-power")) return decimal(v, vn, 0.499999, &o->maxpower) ;
  if (IS("ignore-words")) return decimal(v, vn, 0.5, &o->ignorewords) ;
  if (IS("onegrams")) return yesno(v, vn, &y) ? (o->onegrams = y, 1) : 0 ;
  if (IS("twograms")) return yesno(v, vn, &y) ? (o->twograms = y, 1) : 0 ;
  if (IS("threegrams")) return yesno(v, vn, &y) ? (o->threegrams = y, 1) : 0 ;
  if (IS("top-words")) return uns(v, vn, 1, 10000, &u) ? (o->topwords = (unsigned int)u, 1) : 0 ;
  if (IS("rare-words")) return uns(v, vn, 0, 1000, &u) ? (o->rarewords = (unsigned int)u, 1) : 0 ;
  if (IS("min-ham")) return uns(v, vn, 0, 1000000000, &u) ? (o->minham = (unsigned int)u, 1) : 0 ;
  if (IS("min-spam")) return uns(v, vn, 0, 1000000000, &u) ? (o->minspam = (unsigned int)u, 1) : 0 ;
  if (IS("max-bytes")) return uns(v, vn, 1024, 1073741824, &u) ? (o->maxbytes = (size_t)u, 1) : 0 ;
  if (IS("combine"))
  {
    if (vn == 3 && !memcmp(v, "ref", 3)) o->combine = TERN_JUNK_COMBINE_REF ;
    else if (vn == 3 && !memcmp(v, "chi", 3)) o->combine = TERN_JUNK_COMBINE_CHI ;
    else return 0 ;
    return 1 ;
  }
#undef IS
  return 0 ;
}

int tern_junkopt_parse (tern_junkopt *o, char const *s, size_t len)
{
  size_t i = 0 ;
  tern_junkopt_default(o) ;
  while (i < len)
  {
    size_t n = 0, eq ;
    if (s[i] == ' ' || s[i] == '\t') { i++ ; continue ; }
    while (i + n < len && s[i + n] != ' ' && s[i + n] != '\t') n++ ;
    for (eq = 0 ; eq < n && s[i + eq] != '=' ; eq++) ;
    if (eq == n || !one(o, s + i, eq, s + i + eq + 1, n - eq - 1)) return (errno = EINVAL, 0) ;
    i += n ;
  }
  if (!o->onegrams && !o->twograms && !o->threegrams) return (errno = EINVAL, 0) ;
  return 1 ;
}

int tern_junkopt_conf (tern_conf const *c, char const *acct, tern_junkopt *o)
{
  size_t n = strlen(acct) ;
  char key[n + 15] ;
  cdb_data v ;
  int r ;
  memcpy(key, "A:", 2) ;
  memcpy(key + 2, acct, n) ;
  memcpy(key + 2 + n, ":junk-filter", 12) ;
  r = tern_conf_find(c, key, n + 14, &v) ;
  if (r <= 0) { tern_junkopt_default(o) ; return r ; }
  if (!tern_junkopt_parse(o, v.s, v.len)) return (errno = EPROTO, -1) ;
  return 1 ;
}
