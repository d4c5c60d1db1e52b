/* tern_junkw_hosts, tern_junkw_urls: host names as prefixed words
   ("rcvd:mail.example.com", "rcvd:example.com", "url:..."): those of
   Received fields, of URLs in a body, the Message-ID's domain.  They are
   not REFERENCE.md 8.2's words; junk.bench shows they catch more spam. */
#include <string.h>
#include <strings.h>
#include "tern_junk_words_int.h"

static int hchar (char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ;
}

static int alnum (char c)
{
  return hchar(c) && c != '-' ;
}

/* prefix + lower-cased s[0..len), then (parents) each parent domain of
   two labels or more, unless it is an IP address */
static int host (tern_junkw *j, char const *pre, char const *s, size_t len, int parents)
{
  char e[TERN_JUNK_WORDMAX] ;
  size_t pl = strlen(pre), k ;
  int digits = 1 ;
  if (pl + len > sizeof e) return 1 ;
  memcpy(e, pre, pl) ;
  for (k = 0 ; k < len ; k++)
  {
    char c = s[k] ;
    e[pl + k] = c >= 'A' && c <= 'Z' ? (char)(c | 0x20) : c ;
    if (c != '.' && (c < '0' || c > '9')) digits = 0 ;
  }
  if (!tern_junkw_add(j, e, pl + len)) return 0 ;
  if (!parents || digits) return 1 ;
  for (k = pl ; k < pl + len ; k++)
  {
    if (e[k] != '.') continue ;
    if (!memchr(e + k + 1, '.', pl + len - k - 1)) break ;
    memmove(e + pl, e + k + 1, pl + len - k - 1) ;
    len -= k + 1 - pl ;
    k = pl - 1 ;
    if (!tern_junkw_add(j, e, pl + len)) return 0 ;
  }
  return 1 ;
}

/* the host name starting at s[0] (letters, digits, '-' and at least one
   inner '.'): its length, 0 if none; *e: where the run of such
   characters ends */
static size_t hostat (char const *s, size_t len, size_t *e)
{
  size_t i = 0, last = 0 ;
  int dot = 0 ;
  while (i < len && (hchar(s[i]) || (s[i] == '.' && i && alnum(s[i-1]) && i + 1 < len && hchar(s[i+1]))))
  {
    if (s[i] == '.') dot = 1 ;
    i++ ;
    last = i ;
  }
  *e = i ? i : 1 ;
  return dot && alnum(s[0]) ? last : 0 ;
}

int tern_junkw_hosts (tern_junkw *j, char const *pre, char const *s, size_t len, int parents)
{
  size_t i = 0 ;
  while (i < len && !j->full)
  {
    size_t e, n ;
    if (!hchar(s[i])) { i++ ; continue ; }
    n = hostat(s + i, len - i, &e) ;
    if (n && !host(j, pre, s + i, n, parents)) return 0 ;
    i += e ;
  }
  return 1 ;
}

/* "scheme://" with scheme http, https or ftp (any case) ending at s[i] */
static int scheme (char const *s, size_t i)
{
  return (i >= 4 && !strncasecmp(s + i - 4, "http", 4)) || (i >= 5 && !strncasecmp(s + i - 5, "https", 5))
    || (i >= 3 && !strncasecmp(s + i - 3, "ftp", 3)) ;
}

int tern_junkw_urls (tern_junkw *j, char const *s, size_t len)
{
  char const *p = s ;
  while (!j->full && (p = memchr(p, ':', len - (size_t)(p - s))))
  {
    size_t i = (size_t)(p - s), e, n ;
    p++ ;
    if (len - i < 4 || p[0] != '/' || p[1] != '/' || !scheme(s, i)) continue ;
    n = hostat(p + 2, len - i - 3, &e) ;
    if (n && !host(j, "url:", p + 2, n, 1)) return 0 ;
  }
  return 1 ;
}
