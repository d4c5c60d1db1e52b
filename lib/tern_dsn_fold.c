/* tern_dsn_fold: line-length-safe writers for the notice: a header field
   folded at spaces, a paragraph wrapped, and under both a writer that
   never lets a line pass 998 bytes (RFC 5322 2.1.1), whatever the text. */
#include <string.h>
#include "tern_dsn.h"

#define LINEMAX 998

int tern_dsn_put (stralloc *sa, char const *s, size_t n, size_t *col, int fold)
{
  while (*col + n > LINEMAX)
  {
    size_t k = *col < LINEMAX ? LINEMAX - *col : 0 ;
    /* not inside a UTF-8 character, unless the bytes are not UTF-8 */
    while (k && ((unsigned char)s[k] & 0xc0) == 0x80) k-- ;
    if (!k && *col <= 1) k = LINEMAX - *col ;
    if (!stralloc_catb(sa, s, k) || !stralloc_catb(sa, "\r\n ", fold ? 3 : 2)) return 0 ;
    *col = fold ? 1 : 0 ;
    s += k ; n -= k ;
  }
  if (!stralloc_catb(sa, s, n)) return 0 ;
  *col += n ;
  return 1 ;
}

int tern_dsn_fold (stralloc *sa, char const *name, char const *v, size_t len)
{
  size_t col = 0, i = 0 ;
  if (!tern_dsn_put(sa, name, strlen(name), &col, 1) || !tern_dsn_put(sa, ": ", 2, &col, 1)) return 0 ;
  while (i < len)
  {
    size_t w = i, j ;
    while (w < len && v[w] == ' ') w++ ;
    j = w ;
    while (j < len && v[j] != ' ') j++ ;
    /* fold before spaces followed by a word, so no line is only white */
    if (w > i && j > w && col + (j - i) > 78 && col > 1)
    {
      if (!stralloc_catb(sa, "\r\n", 2)) return 0 ;
      col = 0 ;
    }
    if (!tern_dsn_put(sa, v + i, j - i, &col, 1)) return 0 ;
    i = j ;
  }
  return stralloc_catb(sa, "\r\n", 2) ;
}

int tern_dsn_wrap (stralloc *sa, char const *indent, char const *s, size_t len, size_t width)
{
  size_t ilen = strlen(indent), col = 0, i = 0 ;
  if (width < ilen + 8) width = ilen + 8 ;
  if (width > LINEMAX) width = LINEMAX ;
  while (i < len)
  {
    size_t j, w ;
    while (i < len && s[i] == ' ') i++ ;
    if (i >= len) break ;
    for (j = i ; j < len && s[j] != ' ' ; j++) ;
    w = j - i ;
    if (col && col + 1 + w > width)
    {
      if (!stralloc_catb(sa, "\r\n", 2)) return 0 ;
      col = 0 ;
    }
    if (col ? !stralloc_catb(sa, " ", 1) : !stralloc_catb(sa, indent, ilen)) return 0 ;
    col += col ? 1 : ilen ;
    /* a word longer than a line: broken, on a UTF-8 boundary if it can */
    while (col + w > width)
    {
      size_t k = width - col ;
      while (k && ((unsigned char)s[i + k] & 0xc0) == 0x80) k-- ;
      if (!k) k = width - col ;
      if (!stralloc_catb(sa, s + i, k) || !stralloc_catb(sa, "\r\n", 2) || !stralloc_catb(sa, indent, ilen)) return 0 ;
      col = ilen ; i += k ; w -= k ;
    }
    if (!stralloc_catb(sa, s + i, w)) return 0 ;
    col += w ;
    i = j ;
  }
  return col ? stralloc_catb(sa, "\r\n", 2) : 1 ;
}
