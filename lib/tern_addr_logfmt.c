/* tern_addr_logfmt: an address as logged (REFERENCE.md 12, with the
   v0.0.5 bug fixed): "lp@udomain", then "/Q(lp)@adomain" when the domain
   is IDN or lp needs escaping.  Q is Go's strconv.QuoteToASCII. */
#include <string.h>
#include "tern_addr.h"
#include "tern_utf8.h"

static int q (stralloc *sa, char const *s, size_t len)
{
  static char const hex[] = "0123456789abcdef" ;
  size_t i = 0 ;
  if (!stralloc_catb(sa, "\"", 1)) return 0 ;
  while (i < len)
  {
    unsigned char c = s[i] ;
    char e[10] ;
    char const *named = c ? strchr("\aa\bb\ff\nn\rr\tt\vv", c) : 0 ;
    size_t n = 1, m = 2, k ;
    uint32_t cp ;
    e[0] = '\\' ;
    if (c == '"' || c == '\\') e[1] = c ;
    else if (named && c < 0x20) e[1] = named[1] ;
    else if (c >= 0x20 && c < 0x7f) { e[0] = c ; m = 1 ; }
    else if (c >= 0x80 && (n = tern_utf8_dec(s + i, len - i, &cp)))
    {
      k = cp > 0xffff ? 8 : 4 ;
      e[1] = k == 8 ? 'U' : 'u' ;
      for (m = 0 ; m < k ; m++) e[2+m] = hex[(cp >> (4 * (k-1-m))) & 15] ;
      m = 2 + k ;
    }
    else { n = 1 ; e[1] = 'x' ; e[2] = hex[c >> 4] ; e[3] = hex[c & 15] ; m = 4 ; }
    if (!stralloc_catb(sa, e, m)) return 0 ;
    i += n ;
  }
  return stralloc_catb(sa, "\"", 1) ;
}

static int needesc (char const *s, size_t len)
{
  size_t i ;
  for (i = 0 ; i < len ; i++)
  {
    unsigned char c = s[i] ;
    if (c == '"' || c == '\\' || c < 0x20 || c >= 0x7f) return 1 ;
  }
  return 0 ;
}

static int at (stralloc *sa, char const *d, size_t len)
{
  return !len || (stralloc_catb(sa, "@", 1) && stralloc_catb(sa, d, len)) ;
}

int tern_addr_logfmt (stralloc *sa, tern_addr const *a)
{
  stralloc lp = STRALLOC_ZERO ;
  char const *ad = a->domain.s, *ud = a->udomain.s ;
  size_t alen = a->domain.len, ulen = a->udomain.len ;
  int esc, ok ;
  if (a->flags & TERN_ADDRF_NULL) return 1 ;
  if ((a->flags & TERN_ADDRF_LITERAL) && alen > 2)
  {
    /* IP domains log as the bare IP: no brackets, no "IPv6:" tag */
    size_t skip = alen > 6 && !memcmp(ad, "[IPv6:", 6) ? 6 : 1 ;
    ad += skip ; alen -= skip + 1 ;
  }
  if (!ulen || (a->flags & TERN_ADDRF_LITERAL)) { ud = ad ; ulen = alen ; }
  if (!tern_addr_fmtlocal(&lp, a->local.s, a->local.len)) return 0 ;
  esc = needesc(lp.s, lp.len) ;
  ok = stralloc_catb(sa, lp.s, lp.len) && at(sa, ud, ulen) ;
  if (ok && (esc || ulen != alen || (alen && memcmp(ud, ad, alen))))
    ok = stralloc_catb(sa, "/", 1)
      && (esc ? q(sa, lp.s, lp.len) : stralloc_catb(sa, lp.s, lp.len))
      && at(sa, ad, alen) ;
  stralloc_free(&lp) ;
  return ok ;
}
