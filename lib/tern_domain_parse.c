/* tern_domain_parse: a domain to its A-label and U-label forms.  Plain
   LDH names are checked here; anything with non-ASCII or an "xn--" label
   goes through libidn2 and must survive A-label -> U-label -> A-label. */
#include <string.h>
#include <idn2.h>
#include "tern.h"
#include "tern_addr.h"

#define MAXIN 1024  /* the U-label form of a 255-octet name fits */
#define IDNFLAGS (IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT)

/* lower-case LDH labels, sizes within limits, last label not all digits */
static int ldh (char const *s, size_t len)
{
  size_t i, start = 0 ;
  int numeric = 1 ;
  if (!len || len > 255) return 0 ;
  for (i = 0 ; i <= len ; i++)
  {
    char c = i < len ? s[i] : '.' ;
    if (c == '.')
    {
      if (i == start || i - start > 63 || s[start] == '-' || s[i-1] == '-') return 0 ;
      start = i + 1 ;
      if (i < len) numeric = 1 ;
    }
    else if ((c >= 'a' && c <= 'z') || c == '-') numeric = 0 ;
    else if (c < '0' || c > '9') return 0 ;
  }
  return !numeric ;
}

static int hasxn (char const *s)
{
  return !strncmp(s, "xn--", 4) || strstr(s, ".xn--") ;
}

static int set (stralloc *sa, char const *s)
{
  sa->len = 0 ;
  return stralloc_cats(sa, s) ;
}

static int idna (stralloc *ascii, stralloc *unicode, char const *in, int wasascii)
{
  char *a = 0, *u = 0, *back = 0 ;
  int e, r = idn2_to_ascii_8z(in, &a, IDNFLAGS) ;
  if (r == IDN2_OK) r = idn2_to_unicode_8z8z(a, &u, 0) ;
  if (r == IDN2_OK) r = idn2_to_ascii_8z(u, &back, IDNFLAGS) ;
  if (r == IDN2_MALLOC) e = TERN_TEMP ;
  else if (r != IDN2_OK || strcmp(a, back) || (wasascii && strcmp(a, in)) || !ldh(a, strlen(a)))
    e = TERN_PERM ;
  else e = set(ascii, a) && set(unicode, u) ? TERN_OK : TERN_TEMP ;
  idn2_free(a) ; idn2_free(u) ; idn2_free(back) ;
  return e ;
}

int tern_domain_parse (stralloc *ascii, stralloc *unicode, char const *s, size_t len)
{
  char buf[MAXIN + 1] ;
  size_t i ;
  int utf8 = 0 ;
  if (!len || len > MAXIN || s[len-1] == '.') return TERN_PERM ;
  for (i = 0 ; i < len ; i++)
  {
    unsigned char c = s[i] ;
    if (c <= ' ' || c == 0x7f) return TERN_PERM ;
    if (c >= 0x80) utf8 = 1 ;
    buf[i] = c >= 'A' && c <= 'Z' ? c + 32 : c ;
  }
  buf[len] = 0 ;
  if (!utf8)
  {
    if (!ldh(buf, len)) return TERN_PERM ;
    if (!hasxn(buf)) return set(ascii, buf) && set(unicode, buf) ? TERN_OK : TERN_TEMP ;
  }
  return idna(ascii, unicode, buf, !utf8) ;
}
