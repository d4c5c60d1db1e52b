/* tern_route_match: does a compiled route apply to this attempt? */
#include <errno.h>
#include <string.h>
#include "tern_route.h"

int tern_route_domain (char const *list, size_t len, char const *d, size_t dlen)
{
  size_t i = 0 ;
  while (i < len)
  {
    char const *comma = memchr(list + i, ',', len - i) ;
    size_t n = comma ? (size_t)(comma - (list + i)) : len - i ;
    char const *e = list + i ;
    if (n == 1 && e[0] == '.') { if (!dlen) return 1 ; }
    else if (n && e[0] == '.')
    {
      if (dlen == n - 1 && !memcmp(d, e + 1, n - 1)) return 1 ;
      if (dlen > n && !memcmp(d + dlen - n, e, n)) return 1 ;
    }
    else if (n && dlen == n && !memcmp(d, e, n)) return 1 ;
    i += n + 1 ;
  }
  return 0 ;
}

/* "min-attempts=N": 1 and *n, or 0 if not a decimal of at most 9 digits. */
static int number (char const *s, size_t len, unsigned int *n)
{
  unsigned int u = 0 ;
  if (!len || len > 9) return 0 ;
  for (size_t i = 0 ; i < len ; i++)
  {
    if (s[i] < '0' || s[i] > '9') return 0 ;
    u = u * 10 + (unsigned int)(s[i] - '0') ;
  }
  *n = u ;
  return 1 ;
}

int tern_route_match (char const *s, size_t len, char const *from, size_t fromlen,
  char const *to, size_t tolen, unsigned int attempts, size_t *tlen)
{
  size_t i = 0 ;
  int ok = 1 ;
  while (i < len && s[i] != ' ') i++ ;
  if (!i) goto bad ;
  *tlen = i ;
  while (i < len)
  {
    size_t n ;
    char const *w ;
    if (s[i++] != ' ') goto bad ;
    w = s + i ;
    while (i < len && s[i] != ' ') i++ ;
    n = (size_t)(s + i - w) ;
    if (n > 5 && !memcmp(w, "from=", 5)) ok &= tern_route_domain(w + 5, n - 5, from, fromlen) ;
    else if (n > 3 && !memcmp(w, "to=", 3)) ok &= tern_route_domain(w + 3, n - 3, to, tolen) ;
    else if (n > 13 && !memcmp(w, "min-attempts=", 13))
    {
      unsigned int min ;
      if (!number(w + 13, n - 13, &min)) goto bad ;
      ok &= attempts >= min ;
    }
    else goto bad ;
  }
  return ok ;
 bad:
  errno = EPROTO ;
  return -1 ;
}
