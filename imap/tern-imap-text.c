/* tern-imap-text: SEARCH's text helpers, no I/O: substring matching that
   ignores case in ASCII and in UTF-8 (Latin-1, Latin Extended-A, Greek,
   Cyrillic: simple one-to-one folding), and the day of a Date: field as
   the sender wrote it (SENTBEFORE/SENTON/SENTSINCE, RFC 3501 6.4.4). */
#include <string.h>
#include <strings.h>
#include "tern-imap.h"

static uint32_t fold (uint32_t c)
{
  if (c >= 'A' && c <= 'Z') return c + 32 ;
  if (c < 0xc0) return c ;
  if (c <= 0xde) return c == 0xd7 ? c : c + 32 ;
  if (c >= 0x100 && c <= 0x17f)
  {
    if ((c <= 0x137 || (c >= 0x14a && c <= 0x177)) && !(c & 1)) return c + 1 ;
    if (((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17e)) && (c & 1)) return c + 1 ;
    return c == 0x178 ? 0xff : c ;
  }
  if (c >= 0x391 && c <= 0x3ab && c != 0x3a2) return c + 32 ;
  if (c >= 0x410 && c <= 0x42f) return c + 32 ;
  if (c >= 0x400 && c <= 0x40f) return c + 80 ;
  return c ;
}

/* one code point at s (len > 0): its folded value, *n bytes; invalid
   bytes stand for themselves */
static uint32_t next (unsigned char const *s, size_t len, size_t *n)
{
  uint32_t c = s[0] ;
  size_t k = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0 ;
  *n = 1 ;
  if (c < 0x80 || c >= 0xf8 || k >= len) return fold(c) ;
  c &= 0x3f >> k ;
  for (size_t i = 1 ; i <= k ; i++)
  {
    if ((s[i] & 0xc0) != 0x80) return fold(s[0]) ;
    c = c << 6 | (s[i] & 0x3f) ;
  }
  *n = k + 1 ;
  return fold(c) ;
}

int imap_textmatch (char const *h, size_t hl, char const *n, size_t nl)
{
  size_t i, ascii = 1 ;
  if (!nl) return 1 ;
  for (i = 0 ; i < nl ; i++) if ((unsigned char)n[i] >= 0x80) { ascii = 0 ; break ; }
  if (ascii)
  {
    for (i = 0 ; i + nl <= hl ; i++)
      if (!strncasecmp(h + i, n, nl)) return 1 ;
    return 0 ;
  }
  for (i = 0 ; i < hl ; )
  {
    size_t a = i, b = 0, sa, sb ;
    while (b < nl && a < hl && next((unsigned char const *)h + a, hl - a, &sa) == next((unsigned char const *)n + b, nl - b, &sb))
    { a += sa ; b += sb ; }
    if (b >= nl) return 1 ;
    next((unsigned char const *)h + i, hl - i, &sa) ;
    i += sa ;
  }
  return 0 ;
}

/* "[Tue, ]14 Nov 2023 ..." in the field's value: days since 1970 */
int imap_sentday (char const *v, size_t len, int64_t *day)
{
  static char const mon[] = "janfebmaraprmayjunjulaugsepoctnovdec" ;
  size_t i = 0 ;
  unsigned int d = 0, y = 0, m, k ;
  while (i < len && (v[i] == ' ' || v[i] == '\t' || v[i] == '\r' || v[i] == '\n')) i++ ;
  if (i + 3 < len && v[i] >= 'A' && v[i] <= 'z' && v[i+3] == ',')
    for (i += 4 ; i < len && (v[i] == ' ' || v[i] == '\t') ; i++) ;
  for (k = 0 ; i < len && k < 2 && v[i] >= '0' && v[i] <= '9' ; k++, i++) d = d * 10 + (unsigned int)(v[i] - '0') ;
  if (!k || d < 1 || d > 31) return 0 ;
  while (i < len && v[i] == ' ') i++ ;
  if (i + 3 > len) return 0 ;
  for (m = 0 ; m < 12 ; m++) if (!strncasecmp(v + i, mon + 3 * m, 3)) break ;
  if (m == 12) return 0 ;
  for (i += 3 ; i < len && v[i] == ' ' ; i++) ;
  for (k = 0 ; i < len && k < 4 && v[i] >= '0' && v[i] <= '9' ; k++, i++) y = y * 10 + (unsigned int)(v[i] - '0') ;
  if (k == 2) y += y < 50 ? 2000 : 1900 ;   /* RFC 5322 4.3 obsolete years */
  else if (k == 3) y += 1900 ;
  else if (k != 4) return 0 ;
  {
    /* days from civil (Howard Hinnant), no time zone involved */
    int64_t yy = (int64_t)y - (m < 2), era = (yy >= 0 ? yy : yy - 399) / 400 ;
    int64_t yoe = yy - era * 400, mp = (m + 10) % 12 ;
    int64_t doy = (153 * mp + 2) / 5 + (int64_t)d - 1, doe = yoe * 365 + yoe / 4 - yoe / 100 + doy ;
    *day = era * 146097 + doe - 719468 ;
  }
  return 1 ;
}
