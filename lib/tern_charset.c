/* tern_charset_kind, tern_charset_cat: the charsets tern converts to
   UTF-8 without iconv (tern_mime.h): header words and junk filter text. */
#include <string.h>
#include <strings.h>
#include <skalibs/stralloc.h>
#include "tern_mime.h"

int tern_charset_kind (char const *s, size_t len)
{
  static struct { char const *name ; int cs ; } const t[] =
  {
    { "utf-8", TERN_CS_UTF8 }, { "utf8", TERN_CS_UTF8 }, { "us-ascii", TERN_CS_UTF8 }, { "ascii", TERN_CS_UTF8 },
    { "iso-8859-1", TERN_CS_LATIN1 }, { "latin1", TERN_CS_LATIN1 }, { "iso-8859-15", TERN_CS_LATIN9 },
    { "windows-1252", TERN_CS_CP1252 }, { "cp1252", TERN_CS_CP1252 },
  } ;
  char const *star = memchr(s, '*', len) ;  /* RFC 2231: charset*language */
  if (star) len = (size_t)(star - s) ;
  for (size_t i = 0 ; i < sizeof t / sizeof *t ; i++)
    if (strlen(t[i].name) == len && !strncasecmp(t[i].name, s, len)) return t[i].cs ;
  return TERN_CS_NONE ;
}

/* code point c (below 0x10000) as UTF-8 */
static void utf8 (stralloc *out, unsigned int c)
{
  char *b = out->s + out->len ;
  if (c < 0x80) { b[0] = (char)c ; out->len += 1 ; return ; }
  if (c < 0x800) { b[0] = (char)(0xc0 | c >> 6) ; b[1] = (char)(0x80 | (c & 0x3f)) ; out->len += 2 ; return ; }
  b[0] = (char)(0xe0 | c >> 12) ; b[1] = (char)(0x80 | ((c >> 6) & 0x3f)) ; b[2] = (char)(0x80 | (c & 0x3f)) ;
  out->len += 3 ;
}

/* byte c in charset cs, as a code point */
static unsigned int point (unsigned char c, int cs)
{
  static unsigned short const cp1252[32] =
  {
    0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
    0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
  } ;
  if (c < 0x80) return c ;
  if (cs == TERN_CS_CP1252 && c < 0xa0) return cp1252[c - 0x80] ;
  if (cs == TERN_CS_LATIN9)
    switch (c)
    {
      case 0xa4 : return 0x20ac ; case 0xa6 : return 0x160 ; case 0xa8 : return 0x161 ;
      case 0xb4 : return 0x17d ; case 0xb8 : return 0x17e ; case 0xbc : return 0x152 ;
      case 0xbd : return 0x153 ; case 0xbe : return 0x178 ;
    }
  return c ;
}

int tern_charset_cat (stralloc *out, char const *s, size_t len, int cs)
{
  if (cs == TERN_CS_UTF8 || cs == TERN_CS_NONE) return stralloc_catb(out, s, len) ;
  if (!stralloc_readyplus(out, 3 * len)) return 0 ;
  for (size_t i = 0 ; i < len ; i++) utf8(out, point((unsigned char)s[i], cs)) ;
  return 1 ;
}
