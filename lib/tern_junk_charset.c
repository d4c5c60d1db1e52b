/* tern_junkw_charset: a text part converted to UTF-8 for the junk filter:
   tern's own tables (tern_charset_cat), else glibc's iconv (also in the
   static programs: it loads its gconv modules); a charset it cannot open
   leaves the bytes as they are, and a byte it cannot convert is a space. */
#include <errno.h>
#include <iconv.h>
#include <string.h>
#include <skalibs/stralloc.h>
#include "tern_mime.h"
#include "tern_junk_words_int.h"

/* a sane charset name in nm (NUL-terminated): 1, or 0 */
static int name (char *nm, size_t max, char const *cs, size_t len)
{
  if (!len || len >= max) return 0 ;
  for (size_t i = 0 ; i < len ; i++)
  {
    char c = cs[i] ;
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == ':')) return 0 ;
    nm[i] = c ;
  }
  nm[len] = 0 ;
  return 1 ;
}

static int conv (stralloc *out, iconv_t cd, char const *s, size_t len)
{
  char *in = (char *)s ;
  size_t il = len ;
  while (il)
  {
    size_t ol, r ;
    char *o ;
    if (!stralloc_readyplus(out, il * 4 + 64)) return 0 ;
    o = out->s + out->len ;
    ol = out->a - out->len ;
    r = iconv(cd, &in, &il, &o, &ol) ;
    out->len = (size_t)(o - out->s) ;
    if (r != (size_t)-1) continue ;
    if (errno == E2BIG) { if (!stralloc_readyplus(out, out->a)) return 0 ; continue ; }
    if (errno != EILSEQ) break ;   /* EINVAL: cut short at the end */
    in++ ; il-- ;
    if (!stralloc_catb(out, " ", 1)) return 0 ;
  }
  return 1 ;
}

int tern_junkw_charset (stralloc *out, char const *s, size_t len, char const *cs, size_t cslen)
{
  int kind = cslen ? tern_charset_kind(cs, cslen) : TERN_CS_UTF8 ;
  char nm[48] ;
  iconv_t cd ;
  int ok ;
  if (kind != TERN_CS_NONE) return tern_charset_cat(out, s, len, kind) ;
  if (!name(nm, sizeof nm, cs, cslen)) return stralloc_catb(out, s, len) ;
  cd = iconv_open("UTF-8", nm) ;
  if (cd == (iconv_t)-1) return stralloc_catb(out, s, len) ;
  ok = conv(out, cd, s, len) ;
  iconv_close(cd) ;
  return ok ;
}
