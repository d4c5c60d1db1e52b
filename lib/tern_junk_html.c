/* tern_junkw_html: HTML reduced to text (REFERENCE.md 8.2): text nodes
   unless the innermost open element is script, style or svg; img alt;
   void and self-closing elements not pushed, an end tag pops one; char
   references decoded.  One pass, no library, one byte per open element. */
#include <string.h>
#include <strings.h>
#include <skalibs/stralloc.h>
#include "tern_mime.h"
#include "tern_junk_words_int.h"

/* the string z is n[0..l) (z's length not measured first: called per tag) */
static int same (char const *z, char const *n, size_t l)
{
  size_t i = 0 ;
  while (i < l && z[i] && z[i] == n[i]) i++ ;
  return i == l && !z[l] ;
}

/* elements whose content is raw text up to their end tag */
static int rawtext (char const *n, size_t l)
{
  static char const *const t[] = { "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript", "plaintext" } ;
  for (size_t i = 0 ; i < sizeof t / sizeof *t ; i++) if (same(t[i], n, l)) return (int)i + 1 ;
  return 0 ;
}

static int isvoid (char const *n, size_t l)
{
  static char const *const t[] = { "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr" } ;
  for (size_t i = 0 ; i < sizeof t / sizeof *t ; i++) if (same(t[i], n, l)) return 1 ;
  return 0 ;
}

static int space (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ;
}

static int alpha (char c)
{
  return (unsigned char)((c | 0x20) - 'a') < 26 ;
}

/* a tag at s[*i] ("<x" or "</x"): its lower-case name (at most 15
   bytes kept), the alt attribute's value (start, length; -1: none),
   whether it ends "/>"; *i moves past '>' */
typedef struct tag_s tag ;
struct tag_s { char name[16] ; size_t nl ; size_t alt, altlen ; int hasalt, selfclose ; } ;

static void readtag (char const *s, size_t len, size_t *i, tag *t)
{
  size_t k = *i + 1 ;
  if (k < len && s[k] == '/') k++ ;
  t->nl = 0 ; t->hasalt = 0 ; t->selfclose = 0 ;
  for (; k < len && !space(s[k]) && s[k] != '/' && s[k] != '>' ; k++)
    if (t->nl < sizeof t->name) t->name[t->nl++] = (char)(s[k] >= 'A' && s[k] <= 'Z' ? s[k] | 0x20 : s[k]) ;
  while (k < len && s[k] != '>')
  {
    size_t an, al ;
    if (space(s[k])) { k++ ; continue ; }
    if (s[k] == '/') { t->selfclose = k + 1 < len && s[k+1] == '>' ; k++ ; continue ; }
    for (an = k ; k < len && !space(s[k]) && s[k] != '/' && s[k] != '>' && s[k] != '=' ; k++) ;
    al = k - an ;
    while (k < len && space(s[k])) k++ ;
    if (k >= len || s[k] != '=') continue ;
    for (k++ ; k < len && space(s[k]) ; k++) ;
    if (k < len && (s[k] == '"' || s[k] == '\''))
    {
      char q = s[k++] ;
      char const *e = memchr(s + k, q, len - k) ;
      size_t ve = e ? (size_t)(e - s) : len ;
      if (al == 3 && !strncasecmp(s + an, "alt", 3) && !t->hasalt) { t->alt = k ; t->altlen = ve - k ; t->hasalt = 1 ; }
      k = e ? ve + 1 : len ;
    }
    else
    {
      size_t vs = k ;
      while (k < len && !space(s[k]) && s[k] != '>') k++ ;
      if (al == 3 && !strncasecmp(s + an, "alt", 3) && !t->hasalt) { t->alt = vs ; t->altlen = k - vs ; t->hasalt = 1 ; }
    }
  }
  *i = k < len ? k + 1 : len ;
}

/* code point c as UTF-8 (invalid ones as U+FFFD) */
static int cp (stralloc *out, unsigned long c)
{
  char b[4] ;
  size_t n ;
  if (!c || c > 0x10ffff || (c >= 0xd800 && c < 0xe000)) c = 0xfffd ;
  if (c < 0x80) { b[0] = (char)c ; n = 1 ; }
  else if (c < 0x800) { b[0] = (char)(0xc0 | c >> 6) ; b[1] = (char)(0x80 | (c & 0x3f)) ; n = 2 ; }
  else if (c < 0x10000) { b[0] = (char)(0xe0 | c >> 12) ; b[1] = (char)(0x80 | ((c >> 6) & 0x3f)) ; b[2] = (char)(0x80 | (c & 0x3f)) ; n = 3 ; }
  else { b[0] = (char)(0xf0 | c >> 18) ; b[1] = (char)(0x80 | ((c >> 12) & 0x3f)) ; b[2] = (char)(0x80 | ((c >> 6) & 0x3f)) ; b[3] = (char)(0x80 | (c & 0x3f)) ; n = 4 ; }
  return stralloc_catb(out, b, n) ;
}

static char const latin1[] =
  "nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr "
  "deg plusmn sup2 sup3 acute micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest "
  "Agrave Aacute Acirc Atilde Auml Aring AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml "
  "ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig "
  "agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc euml igrave iacute icirc iuml "
  "eth ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml yacute thorn yuml " ;

/* the code point of entity name n[0..l), or 0 */
static unsigned long named (char const *n, size_t l)
{
  static struct { char const *n ; unsigned short c ; } const t[] =
  {
    { "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' }, { "apos", '\'' },
    { "euro", 0x20ac }, { "hellip", 0x2026 }, { "mdash", 0x2014 }, { "ndash", 0x2013 },
    { "lsquo", 0x2018 }, { "rsquo", 0x2019 }, { "ldquo", 0x201c }, { "rdquo", 0x201d },
    { "sbquo", 0x201a }, { "bdquo", 0x201e }, { "bull", 0x2022 }, { "trade", 0x2122 },
    { "zwnj", 0x200c }, { "zwj", 0x200d }, { "lrm", 0x200e }, { "rlm", 0x200f },
    { "ensp", 0x2002 }, { "emsp", 0x2003 }, { "thinsp", 0x2009 }, { "dagger", 0x2020 },
    { "OElig", 0x152 }, { "oelig", 0x153 }, { "Scaron", 0x160 }, { "scaron", 0x161 }, { "Yuml", 0x178 },
  } ;
  char const *p = latin1 ;
  for (size_t i = 0 ; i < sizeof t / sizeof *t ; i++) if (same(t[i].n, n, l)) return t[i].c ;
  for (unsigned long c = 0xa0 ; *p ; c++)
  {
    char const *e = strchr(p, ' ') ;
    if ((size_t)(e - p) == l && !memcmp(p, n, l)) return c ;
    p = e + 1 ;
  }
  return 0 ;
}

/* a character reference at s[*i] == '&', decoded into out (or the '&'
   as it is); *i moves past it */
static int ref (stralloc *out, char const *s, size_t len, size_t *i)
{
  size_t k = *i + 1, st ;
  unsigned long c = 0 ;
  if (k < len && s[k] == '#')
  {
    int hex = ++k < len && (s[k] == 'x' || s[k] == 'X') ;
    size_t digits = 0 ;
    for (k += hex ; k < len ; k++, digits++)
    {
      unsigned int d = s[k] >= '0' && s[k] <= '9' ? (unsigned int)(s[k] - '0') : hex && alpha(s[k]) && (s[k] | 0x20) <= 'f' ? (unsigned int)((s[k] | 0x20) - 'a' + 10) : 99 ;
      if (d == 99) break ;
      if (c <= 0x10ffff) c = c * (hex ? 16 : 10) + d ;
    }
    if (!digits) { *i += 1 ; return stralloc_catb(out, "&", 1) ; }
    *i = k < len && s[k] == ';' ? k + 1 : k ;
    if (c >= 0x80 && c < 0xa0) { char b = (char)c ; return tern_charset_cat(out, &b, 1, TERN_CS_CP1252) ; }
    return cp(out, c) ;
  }
  for (st = k ; k < len && k - st < 32 && (alpha(s[k]) || (s[k] >= '0' && s[k] <= '9')) ; k++) ;
  c = named(s + st, k - st) ;
  if (c && k < len && s[k] == ';') { *i = k + 1 ; return cp(out, c) ; }
  if (c && (c < 0x80 || c == 0xa0)) { *i = k ; return cp(out, c) ; }  /* &amp &lt &nbsp without ';' */
  *i += 1 ;
  return stralloc_catb(out, "&", 1) ;
}

/* text s[0..len) with its references decoded */
static int text (stralloc *out, char const *s, size_t len)
{
  size_t i = 0 ;
  while (i < len)
  {
    char const *a = memchr(s + i, '&', len - i) ;
    size_t e = a ? (size_t)(a - s) : len ;
    if (!stralloc_catb(out, s + i, e - i)) return 0 ;
    i = e ;
    if (i < len && !ref(out, s, len, &i)) return 0 ;
  }
  return 1 ;
}

/* the end of raw text from s[i] of element n: where "</n" starts */
static size_t rawend (char const *s, size_t len, size_t i, char const *n, size_t l)
{
  for (;;)
  {
    char const *a = i < len ? memchr(s + i, '<', len - i) : 0 ;
    if (!a) return len ;
    i = (size_t)(a - s) ;
    if (i + 2 + l <= len && s[i+1] == '/' && !strncasecmp(s + i + 2, n, l)
     && (i + 2 + l == len || space(s[i+2+l]) || s[i+2+l] == '>' || s[i+2+l] == '/')) return i ;
    i++ ;
  }
}

/* skips a comment or declaration at s[*i] ("<!" or "<?" or "</" + non-letter) */
static void skipdecl (char const *s, size_t len, size_t *i)
{
  char const *e ;
  if (*i + 4 <= len && !memcmp(s + *i, "<!--", 4))
  {
    size_t k = *i + 4 ;
    for (;;)
    {
      e = k < len ? memchr(s + k, '-', len - k) : 0 ;
      if (!e) { *i = len ; return ; }
      k = (size_t)(e - s) ;
      if (k + 2 < len && s[k+1] == '-' && s[k+2] == '>') { *i = k + 3 ; return ; }
      k++ ;
    }
  }
  e = memchr(s + *i, '>', len - *i) ;
  *i = e ? (size_t)(e - s) + 1 : len ;
}

/* a start tag at s[*i]: img alt text, the element pushed (1: its text
   is skipped), a raw text element's content */
static int starttag (stralloc *out, stralloc *st, char const *s, size_t len, size_t *i)
{
  tag t ;
  int raw ;
  char skip ;
  readtag(s, len, i, &t) ;
  if (t.hasalt && t.nl == 3 && !memcmp(t.name, "img", 3) && !text(out, s + t.alt, t.altlen)) return 0 ;
  if (t.selfclose || isvoid(t.name, t.nl)) return 1 ;
  skip = (t.nl == 6 && !memcmp(t.name, "script", 6))
    || (t.nl == 5 && !memcmp(t.name, "style", 5)) || (t.nl == 3 && !memcmp(t.name, "svg", 3)) ;
  if (!stralloc_catb(st, &skip, 1)) return 0 ;
  raw = rawtext(t.name, t.nl) ;
  if (raw)
  {
    size_t e = rawend(s, len, *i, t.name, t.nl) ;
    int ok = skip ? 1 : raw == 3 || raw == 4 ? text(out, s + *i, e - *i) : stralloc_catb(out, s + *i, e - *i) ;
    *i = e ;
    return ok ;
  }
  return 1 ;
}

int tern_junkw_html (stralloc *out, char const *s, size_t len)
{
  stralloc st = STRALLOC_ZERO ;   /* open elements: 1 if its text is skipped */
  size_t i = 0 ;
  int ok = 1 ;
  while (ok && i < len)
  {
    char const *a = memchr(s + i, '<', len - i) ;
    size_t e = a ? (size_t)(a - s) : len ;
    int skip = st.len && st.s[st.len - 1] ;
    if (e > i && !skip) ok = text(out, s + i, e - i) ;
    i = e ;
    if (!ok || i >= len) break ;
    if (i + 1 < len && alpha(s[i+1])) ok = starttag(out, &st, s, len, &i) ;
    else if (i + 2 < len && s[i+1] == '/' && alpha(s[i+2]))
    {
      tag t ;
      readtag(s, len, &i, &t) ;
      if (st.len) st.len-- ;
    }
    else if (i + 1 < len && (s[i+1] == '!' || s[i+1] == '?' || s[i+1] == '/')) skipdecl(s, len, &i) ;
    else
    {
      ok = skip || stralloc_catb(out, "<", 1) ;
      i++ ;
    }
  }
  stralloc_free(&st) ;
  return ok ;
}
