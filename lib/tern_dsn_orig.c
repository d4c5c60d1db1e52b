/* tern_dsn_orig: the original message (or its header) as the third part
   of a notice: CRLF line ends whatever it had (CR, LF or CRLF), no line
   over 998 bytes, the header at most TERN_DSN_HDRMAX bytes. */
#include <string.h>
#include <strings.h>
#include "tern_dsn.h"

int tern_dsn_orig (stralloc *sa, char const *msg, size_t len, int hdronly, int *eightbit)
{
  size_t i = 0, start = sa->len ;
  int inhdr = 1 ;
  while (i < len)
  {
    size_t j = i, col = 0, end ;
    while (j < len && msg[j] != '\r' && msg[j] != '\n') j++ ;
    end = j < len ? j + 1 + (msg[j] == '\r' && j + 1 < len && msg[j + 1] == '\n') : j ;
    if (inhdr && j == i)
    {
      if (hdronly) break ;
      inhdr = 0 ;
    }
    if (hdronly && sa->len - start + (j - i) + (j - i) / 900 * 3 + 2 > TERN_DSN_HDRMAX) break ;
    for (size_t k = i ; k < j && !*eightbit ; k++) if ((unsigned char)msg[k] >= 128) *eightbit = 1 ;
    if (!tern_dsn_put(sa, msg + i, j - i, &col, inhdr) || !stralloc_catb(sa, "\r\n", 2)) return 0 ;
    i = end ;
  }
  return 1 ;
}

/* the field's value, unfolded, in sa */
static size_t fieldvalue (stralloc *sa, char const *msg, size_t len, size_t i)
{
  for (;;)
  {
    size_t j = i ;
    while (j < len && msg[j] != '\r' && msg[j] != '\n') j++ ;
    if (!stralloc_catb(sa, msg + i, j - i)) return 0 ;
    if (j < len && msg[j] == '\r') j++ ;
    if (j < len && msg[j] == '\n') j++ ;
    if (j >= len || (msg[j] != ' ' && msg[j] != '\t') || sa->len > 1000) return 1 ;
    i = j ;
  }
}

int tern_dsn_msgid (stralloc *sa, char const *msg, size_t len)
{
  stralloc v = STRALLOC_ZERO ;
  size_t i = 0, a, b ;
  int r = 0 ;
  while (i < len && msg[i] != '\r' && msg[i] != '\n')
  {
    if (len - i >= 11 && !strncasecmp(msg + i, "message-id:", 11)) break ;
    while (i < len && msg[i] != '\n' && msg[i] != '\r') i++ ;
    if (i < len && msg[i] == '\r') i++ ;
    if (i < len && msg[i] == '\n') i++ ;
  }
  if (i >= len || msg[i] == '\r' || msg[i] == '\n') return 0 ;
  if (!fieldvalue(&v, msg, len, i + 11)) return -1 ;
  for (a = 0 ; a < v.len && (v.s[a] == ' ' || v.s[a] == '\t') ; a++) ;
  for (b = v.len ; b > a && (v.s[b - 1] == ' ' || v.s[b - 1] == '\t') ; b--) ;
  if (b - a >= 3 && b - a <= 250 && v.s[a] == '<' && v.s[b - 1] == '>')
  {
    r = 1 ;
    for (size_t k = a ; k < b ; k++)
      if ((unsigned char)v.s[k] <= 32 || (unsigned char)v.s[k] >= 127 || (k > a && k < b - 1 && (v.s[k] == '<' || v.s[k] == '>'))) r = 0 ;
    if (r && !stralloc_catb(sa, v.s + a, b - a)) r = -1 ;
  }
  stralloc_free(&v) ;
  return r ;
}
