/* tern-route-pick: the domains the routes match on, and name checks. */
#include <string.h>
#include <skalibs/types.h>
#include "tern.h"
#include "tern_addr.h"
#include "tern-route.h"

int route_name_ok (char const *s)
{
  size_t n = strlen(s) ;
  if (!n || n > 64 || s[0] == '.' || s[0] == '_' || s[0] == '-') return 0 ;
  for (size_t i = 0 ; i < n ; i++)
    if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '.' || s[i] == '_' || s[i] == '-'))
      return 0 ;
  return 1 ;
}

int route_domain (char const *arg, stralloc *d)
{
  size_t n = strlen(arg) ;
  d->len = 0 ;
  if (!n) return TERN_OK ;
  if (memchr(arg, '@', n))
  {
    tern_addr a = TERN_ADDR_ZERO ;
    int r = tern_addr_parse(&a, arg, n, TERN_ADDR_UTF8) ;
    if (r == TERN_OK && !(a.flags & TERN_ADDRF_LITERAL) && !stralloc_copyb(d, a.domain.s, a.domain.len)) r = TERN_TEMP ;
    tern_addr_free(&a) ;
    return r ;
  }
  if (arg[0] == '[')
  {
    int r = tern_addr_literal(d, arg, n) ;
    d->len = 0 ;
    return r ;
  }
  {
    stralloc u = STRALLOC_ZERO ;
    int r = tern_domain_parse(d, &u, arg, n) ;
    stralloc_free(&u) ;
    return r ;
  }
}
