/* tern_log_catvalue: a value in a key=value log line, quoted when a
   reader could not otherwise tell where it ends or what bytes it holds. */
#include "tern_log.h"
#include "tern_utf8.h"

static int plain (char const *s, size_t len)
{
  size_t i ;
  if (!len) return 0 ;
  for (i = 0 ; i < len ; i++)
  {
    unsigned char c = s[i] ;
    if (c <= ' ' || c >= 0x7f || c == '"' || c == '\\' || c == '=') return 0 ;
  }
  return 1 ;
}

/* code points that are valid UTF-8 but would hide or reorder text */
static int invisible (uint32_t cp)
{
  return cp < 0xa0 || cp == 0xad || (cp >= 0x200b && cp <= 0x200f)
    || (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x206f)
    || cp == 0xfeff || (cp >= 0xfff9 && cp <= 0xfffb) ;
}

int tern_log_catvalue (stralloc *sa, char const *s, size_t len)
{
  static char const hex[] = "0123456789abcdef" ;
  size_t i = 0 ;
  if (plain(s, len)) return stralloc_catb(sa, s, len) ;
  if (!stralloc_catb(sa, "\"", 1)) return 0 ;
  while (i < len)
  {
    unsigned char c = s[i] ;
    char e[4] = { '\\', 'x', hex[c >> 4], hex[c & 15] } ;
    size_t n = 1 ;
    uint32_t cp ;
    int ok ;
    if (c == '"' || c == '\\') { e[1] = c ; ok = stralloc_catb(sa, e, 2) ; }
    else if (c == '\n' || c == '\r' || c == '\t')
    {
      e[1] = c == '\n' ? 'n' : c == '\r' ? 'r' : 't' ;
      ok = stralloc_catb(sa, e, 2) ;
    }
    else if (c >= ' ' && c < 0x7f) ok = stralloc_catb(sa, s + i, 1) ;
    else if (c >= 0x80 && (n = tern_utf8_dec(s + i, len - i, &cp)) && !invisible(cp))
      ok = stralloc_catb(sa, s + i, n) ;
    else { n = 1 ; ok = stralloc_catb(sa, e, 4) ; }
    if (!ok) return 0 ;
    i += n ;
  }
  return stralloc_catb(sa, "\"", 1) ;
}
