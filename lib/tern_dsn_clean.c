/* tern_dsn_clean: hostile text (a remote server's reply) made fit for a
   header field or a line of text: one line, single spaces, ASCII or valid
   UTF-8, bounded. */
#include <stdint.h>
#include "tern_utf8.h"
#include "tern_dsn.h"

int tern_dsn_clean (stralloc *sa, char const *s, size_t len, int utf8, size_t max)
{
  size_t start = sa->len, i = 0 ;
  int space = 0, cut = 0 ;
  if (max < 4) max = 4 ;
  while (i < len)
  {
    unsigned char c = s[i] ;
    char const *out = s + i ;
    size_t n = 1, olen = 1 ;
    if (c <= 32 || c == 127) { space = 1 ; i++ ; continue ; }
    if (c >= 128)
    {
      uint32_t cp = 0 ;
      n = utf8 ? tern_utf8_dec(s + i, len - i, &cp) : 0 ;
      if (!n || cp < 0xa0) { out = "?" ; if (!n) n = 1 ; }
      else olen = n ;
    }
    space = space && sa->len > start ;
    if (sa->len - start + space + olen > max) { cut = 1 ; break ; }
    if ((space && !stralloc_catb(sa, " ", 1)) || !stralloc_catb(sa, out, olen)) return 0 ;
    space = 0 ;
    i += n ;
  }
  if (!cut) return 1 ;
  /* room for "...", not inside a character, no space before it */
  while (sa->len - start > max - 3) sa->len-- ;
  while (sa->len > start && ((unsigned char)sa->s[sa->len] & 0xc0) == 0x80) sa->len-- ;
  while (sa->len > start && sa->s[sa->len - 1] == ' ') sa->len-- ;
  return stralloc_catb(sa, "...", 3) ;
}
