/* tern_addr_fmt: the SMTP form of an address, quoting the localpart
   (RFC 5321 Quoted-string) when it is not a dot-atom. */
#include "tern_addr.h"

int tern_addr_fmtlocal (stralloc *sa, char const *s, size_t len)
{
  size_t i ;
  if (tern_addr_dotatom(s, len)) return stralloc_catb(sa, s, len) ;
  if (!stralloc_catb(sa, "\"", 1)) return 0 ;
  for (i = 0 ; i < len ; i++)
  {
    if ((s[i] == '"' || s[i] == '\\') && !stralloc_catb(sa, "\\", 1)) return 0 ;
    if (!stralloc_catb(sa, s + i, 1)) return 0 ;
  }
  return stralloc_catb(sa, "\"", 1) ;
}

int tern_addr_fmt (stralloc *sa, tern_addr const *a, int ascii)
{
  stralloc const *d = ascii || !a->udomain.len ? &a->domain : &a->udomain ;
  if (a->flags & TERN_ADDRF_NULL) return 1 ;
  if (!tern_addr_fmtlocal(sa, a->local.s, a->local.len)) return 0 ;
  if (!d->len) return 1 ;
  return stralloc_catb(sa, "@", 1) && stralloc_catb(sa, d->s, d->len) ;
}
