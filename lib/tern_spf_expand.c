/* tern_spf_expand: SPF macros (RFC 7208 7): %{LETTER DIGITS r DELIMS},
   %%, %_ and %-, letters s l o d i p h v; upper case URL-escapes. */
#include <string.h>
#include <skalibs/fmtscan.h>
#include "tern.h"
#include "tern_spf.h"

#define MAXVAL 1024

/* the value of letter c into v (NUL-terminated); 0 if unknown */
static int value (tern_spf const *spf, char const *domain, char c, char *v)
{
  char const *at = strrchr(spf->sender, '@') ;
  char const *s = 0 ;
  size_t n ;
  switch (c | 32)
  {
    case 's' : s = spf->sender ; break ;
    case 'l' : if (!at || at == spf->sender) s = "postmaster" ; else { n = at - spf->sender ; goto copy ; } break ;
    case 'o' : s = at ? at + 1 : spf->sender ; break ;
    case 'd' : s = domain ; break ;
    case 'p' : s = "unknown" ; break ;
    case 'h' : s = spf->helo ; break ;
    case 'v' : s = spf->is6 ? "ip6" : "in-addr" ; break ;
    case 'i' :
      if (!spf->is6) { v[ip4_fmt(v, spf->ip)] = 0 ; return 1 ; }
      for (unsigned int i = 0 ; i < 32 ; i++)
      {
        unsigned char b = (unsigned char)spf->ip[i >> 1] ;
        v[2 * i] = "0123456789abcdef"[i & 1 ? b & 15 : b >> 4] ;
        v[2 * i + 1] = '.' ;
      }
      v[63] = 0 ;
      return 1 ;
    default : return 0 ;
  }
  n = strlen(s) ;
  if (n >= MAXVAL) n = MAXVAL - 1 ;
  memcpy(v, s, n) ; v[n] = 0 ;
  return 1 ;
 copy:
  if (n >= MAXVAL) n = MAXVAL - 1 ;
  memcpy(v, spf->sender, n) ; v[n] = 0 ;
  return 1 ;
}

static int putpart (stralloc *out, char const *s, size_t n, int esc)
{
  for (size_t i = 0 ; i < n ; i++)
  {
    unsigned char c = (unsigned char)s[i] ;
    int plain = !esc || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("-._~", c) ;
    char h[3] = { '%', "0123456789ABCDEF"[c >> 4], "0123456789ABCDEF"[c & 15] } ;
    if (!(plain ? stralloc_catb(out, (char *)&c, 1) : stralloc_catb(out, h, 3))) return 0 ;
  }
  return 1 ;
}

/* one %{...} body (between the braces) */
static int macro (tern_spf const *spf, char const *domain, char const *m, size_t len, stralloc *out)
{
  char v[MAXVAL] ;
  size_t start[MAXVAL], end[MAXVAL], i = 1, np = 0, keep = 0, from = 0 ;
  int rev = 0 ;
  char const *delims = "." ;
  size_t ndelims = 1 ;
  if (!len || !value(spf, domain, m[0], v)) return TERN_PERM ;
  while (i < len && m[i] >= '0' && m[i] <= '9') { keep = keep * 10 + (size_t)(m[i] - '0') ; if (keep > 1000) return TERN_PERM ; i++ ; }
  if (i > 1 && !keep) return TERN_PERM ;
  if (i < len && (m[i] | 32) == 'r') { rev = 1 ; i++ ; }
  if (i < len) { delims = m + i ; ndelims = len - i ; }
  for (size_t j = 0 ; j < ndelims ; j++) if (!strchr(".-+,/_=", delims[j]) || !delims[j]) return TERN_PERM ;
  for (size_t j = 0, s = 0 ;; j++)
    if (!v[j] || memchr(delims, v[j], ndelims))
    {
      start[np] = s ; end[np++] = j ; s = j + 1 ;
      if (!v[j]) break ;
    }
  if (rev)
    for (size_t a = 0, b = np - 1 ; a < b ; a++, b--)
    { size_t t = start[a] ; start[a] = start[b] ; start[b] = t ; t = end[a] ; end[a] = end[b] ; end[b] = t ; }
  if (keep && keep < np) from = np - keep ;
  for (size_t j = from ; j < np ; j++)
    if ((j > from && !stralloc_catb(out, ".", 1)) || !putpart(out, v + start[j], end[j] - start[j], m[0] >= 'A' && m[0] <= 'Z'))
      return TERN_TEMP ;
  return TERN_OK ;
}

int tern_spf_expand (tern_spf const *spf, char const *domain, char const *s, size_t len, stralloc *out)
{
  for (size_t i = 0 ; i < len ; i++)
  {
    int r = TERN_OK ;
    if ((unsigned char)s[i] < 0x21 || (unsigned char)s[i] > 0x7e) return TERN_PERM ;
    if (s[i] != '%') { if (!stralloc_catb(out, s + i, 1)) return TERN_TEMP ; continue ; }
    if (++i == len) return TERN_PERM ;
    if (s[i] == '%') r = stralloc_catb(out, "%", 1) ? TERN_OK : TERN_TEMP ;
    else if (s[i] == '_') r = stralloc_catb(out, " ", 1) ? TERN_OK : TERN_TEMP ;
    else if (s[i] == '-') r = stralloc_catb(out, "%20", 3) ? TERN_OK : TERN_TEMP ;
    else if (s[i] == '{')
    {
      char const *close = memchr(s + i, '}', len - i) ;
      if (!close) return TERN_PERM ;
      r = macro(spf, domain, s + i + 1, close - s - i - 1, out) ;
      i = close - s ;
    }
    else return TERN_PERM ;
    if (r != TERN_OK) return r ;
  }
  return TERN_OK ;
}
