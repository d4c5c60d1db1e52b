/* tern_addrtmp: TEMPORARY stand-in for tern_addr (branch addr), so that
   conf links and its tests run; removed when addr is merged.  Simple
   checks only: no quoted localparts, no literals. */
#include <string.h>
#include <stdlib.h>
#include <idn2.h>
#include "tern.h"
#include "tern_addr.h"

int tern_domain_parse (stralloc *ascii, stralloc *unicode, char const *s, size_t len)
{
  char tmp[len + 1] ;
  char *out = 0 ;
  size_t start = ascii->len ;
  if (!len || len > 253 || memchr(s, 0, len)) return TERN_PERM ;
  memcpy(tmp, s, len) ; tmp[len] = 0 ;
  if (tmp[0] == '.' || tmp[len - 1] == '.' || strstr(tmp, "..")) return TERN_PERM ;
  if (idn2_to_ascii_8z(tmp, &out, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL) != IDN2_OK) return TERN_PERM ;
  for (char *p = out ; *p ; p++)
  {
    if (*p >= 'A' && *p <= 'Z') *p += 32 ;
    if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '.')) { free(out) ; return TERN_PERM ; }
  }
  if (!stralloc_cats(ascii, out)) { free(out) ; return TERN_TEMP ; }
  free(out) ;
  if (!stralloc_catb(unicode, ascii->s + start, ascii->len - start)) return TERN_TEMP ;
  return TERN_OK ;
}

int tern_addr_parse (tern_addr *a, char const *s, size_t len, unsigned int opts)
{
  char const *at = 0 ;
  (void)opts ;
  for (size_t i = 0 ; i < len ; i++) if (s[i] == '@') at = s + i ;
  if (!at || at == s || memchr(s, 0, len)) return TERN_PERM ;
  for (char const *p = s ; p < at ; p++)
    if ((unsigned char)*p <= 32 || strchr("\"(),:;<>[\\]@", *p)) return TERN_PERM ;
  a->local.len = a->domain.len = a->udomain.len = 0 ;
  a->flags = 0 ;
  if (!stralloc_catb(&a->local, s, at - s)) return TERN_TEMP ;
  return tern_domain_parse(&a->domain, &a->udomain, at + 1, len - (at + 1 - s)) ;
}

int tern_addr_key (stralloc *sa, tern_addr const *a)
{
  size_t n = sa->len ;
  if (!stralloc_catb(sa, a->local.s, a->local.len)) return 0 ;
  for (size_t i = n ; i < sa->len ; i++) if (sa->s[i] >= 'A' && sa->s[i] <= 'Z') sa->s[i] += 32 ;
  return stralloc_catb(sa, "@", 1) && stralloc_catb(sa, a->domain.s, a->domain.len) ;
}

int tern_addr_fmt (stralloc *sa, tern_addr const *a, int ascii)
{
  stralloc const *d = ascii ? &a->domain : &a->udomain ;
  return stralloc_catb(sa, a->local.s, a->local.len) && stralloc_catb(sa, "@", 1) && stralloc_catb(sa, d->s, d->len) ;
}

void tern_addr_free (tern_addr *a)
{
  stralloc_free(&a->local) ;
  stralloc_free(&a->domain) ;
  stralloc_free(&a->udomain) ;
}
