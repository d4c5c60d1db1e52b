/* tern_rfc2047_cat: header text with its encoded words decoded to UTF-8
   (tern_mime.h). */
#include <string.h>
#include <strings.h>
#include <skalibs/stralloc.h>
#include "tern_mime.h"

enum { CS_UTF8, CS_LATIN1, CS_LATIN9, CS_CP1252, CS_NONE } ;

static int charset (char const *s, size_t len)
{
  static struct { char const *name ; int cs ; } const t[] =
  {
    { "utf-8", CS_UTF8 }, { "utf8", CS_UTF8 }, { "us-ascii", CS_UTF8 }, { "ascii", CS_UTF8 },
    { "iso-8859-1", CS_LATIN1 }, { "latin1", CS_LATIN1 }, { "iso-8859-15", CS_LATIN9 },
    { "windows-1252", CS_CP1252 }, { "cp1252", CS_CP1252 },
  } ;
  char const *star = memchr(s, '*', len) ;  /* RFC 2231: charset*language */
  if (star) len = (size_t)(star - s) ;
  for (size_t i = 0 ; i < sizeof t / sizeof *t ; i++)
    if (strlen(t[i].name) == len && !strncasecmp(t[i].name, s, len)) return t[i].cs ;
  return CS_NONE ;
}

/* code point c as UTF-8 */
static int utf8 (stralloc *out, unsigned int c)
{
  char b[3] ;
  if (c < 0x80) { b[0] = (char)c ; return stralloc_catb(out, b, 1) ; }
  if (c < 0x800) { b[0] = (char)(0xc0 | c >> 6) ; b[1] = (char)(0x80 | (c & 0x3f)) ; return stralloc_catb(out, b, 2) ; }
  b[0] = (char)(0xe0 | c >> 12) ; b[1] = (char)(0x80 | ((c >> 6) & 0x3f)) ; b[2] = (char)(0x80 | (c & 0x3f)) ;
  return stralloc_catb(out, b, 3) ;
}

/* one decoded byte in charset cs */
static int byte (stralloc *out, unsigned char c, int cs)
{
  static unsigned short const cp1252[32] =
  {
    0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
    0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
  } ;
  unsigned int u = c ;
  if (cs == CS_UTF8 || c < 0x80) return stralloc_catb(out, (char *)&c, 1) ;
  if (cs == CS_CP1252 && c < 0xa0) u = cp1252[c - 0x80] ;
  if (cs == CS_LATIN9)
    switch (c)
    {
      case 0xa4 : u = 0x20ac ; break ; case 0xa6 : u = 0x160 ; break ; case 0xa8 : u = 0x161 ; break ;
      case 0xb4 : u = 0x17d ; break ; case 0xb8 : u = 0x17e ; break ; case 0xbc : u = 0x152 ; break ;
      case 0xbd : u = 0x153 ; break ; case 0xbe : u = 0x178 ; break ;
    }
  return utf8(out, u) ;
}

/* the text of an encoded word, decoded: 1 done, 0 ENOMEM.  Q is
   quoted-printable with "_" for a space (and no line breaks). */
static int word (stralloc *out, int cs, char enc, char const *s, size_t len)
{
  stralloc q = STRALLOC_ZERO, raw = STRALLOC_ZERO ;
  int isq = enc == 'q' || enc == 'Q', ok ;
  if (isq)
  {
    if (!stralloc_catb(&q, s, len)) return 0 ;
    for (size_t i = 0 ; i < len ; i++) if (q.s[i] == '_') q.s[i] = ' ' ;
    s = q.s ;
  }
  ok = tern_cte_decode(&raw, s, len, isq ? TERN_CTE_QP : TERN_CTE_BASE64) ;
  for (size_t i = 0 ; ok && i < raw.len ; i++) ok = byte(out, (unsigned char)raw.s[i], cs) ;
  stralloc_free(&q) ;
  stralloc_free(&raw) ;
  return ok ;
}

/* an encoded word at s (s[0..1] == "=?"): its length, 0 if there is none;
   fills cs, enc, text, tlen */
static size_t parse (char const *s, size_t len, int *cs, char *enc, char const **text, size_t *tlen)
{
  char const *q1 = memchr(s + 2, '?', len - 2), *q3 ;
  if (!q1 || (size_t)(q1 - s) + 3 > len || q1[2] != '?') return 0 ;
  *enc = q1[1] ;
  if (*enc != 'b' && *enc != 'B' && *enc != 'q' && *enc != 'Q') return 0 ;
  *text = q1 + 3 ;
  for (q3 = *text ; (size_t)(q3 - s) + 1 < len ; q3++)
  {
    if (*q3 == ' ' || *q3 == '\t' || *q3 == '\r' || *q3 == '\n') return 0 ;
    if (q3[0] == '?' && q3[1] == '=') break ;
  }
  if ((size_t)(q3 - s) + 1 >= len) return 0 ;
  *tlen = (size_t)(q3 - *text) ;
  *cs = charset(s + 2, (size_t)(q1 - s) - 2) ;
  return (size_t)(q3 - s) + 2 ;
}

int tern_rfc2047_cat (stralloc *out, char const *s, size_t len)
{
  size_t i = 0, pending = 0 ;   /* whitespace after a decoded word, not yet copied */
  int after = 0 ;               /* the last thing copied was a decoded word */
  while (i < len)
  {
    int cs ; char enc ; char const *text ; size_t tlen, n = 0 ;
    if (s[i] == '=' && i + 1 < len && s[i+1] == '?') n = parse(s + i, len - i, &cs, &enc, &text, &tlen) ;
    if (n && cs != CS_NONE)
    {
      if (!after && pending && !stralloc_catb(out, s + i - pending, pending)) return 0 ;
      if (!word(out, cs, enc, text, tlen)) return 0 ;
      i += n ; pending = 0 ; after = 1 ;
      continue ;
    }
    if (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n') { pending++ ; i++ ; continue ; }
    if (pending && !stralloc_catb(out, s + i - pending, pending)) return 0 ;
    pending = 0 ; after = 0 ;
    n = n ? n : 1 ;
    if (!stralloc_catb(out, s + i, n)) return 0 ;
    i += n ;
  }
  return !pending || stralloc_catb(out, s + len - pending, pending) ;
}
