/* tern_addr_key: the lookup key of an address.  Domains compare without
   case (they are stored lower); of the localpart only ASCII letters are
   folded, so "Bob" and "bob" are one mailbox but UTF-8 bytes stay. */
#include "tern_addr.h"

int tern_addr_key (stralloc *sa, tern_addr const *a)
{
  size_t i, base = sa->len ;
  if (a->flags & TERN_ADDRF_NULL) return 1 ;
  if (!stralloc_catb(sa, a->local.s, a->local.len)) return 0 ;
  for (i = base ; i < sa->len ; i++)
    if (sa->s[i] >= 'A' && sa->s[i] <= 'Z') sa->s[i] += 'a' - 'A' ;
  if (!a->domain.len) return 1 ;
  return stralloc_catb(sa, "@", 1) && stralloc_catb(sa, a->domain.s, a->domain.len) ;
}
