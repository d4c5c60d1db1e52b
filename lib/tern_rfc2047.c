/* tern_rfc2047_cat: header text with its encoded words decoded to UTF-8
   (tern_mime.h). */
#include <string.h>
#include <strings.h>
#include <skalibs/stralloc.h>
#include "tern_mime.h"

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
  ok = ok && tern_charset_cat(out, raw.s, raw.len, cs) ;
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
  *cs = tern_charset_kind(s + 2, (size_t)(q1 - s) - 2) ;
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
    if (n && cs != TERN_CS_NONE)
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
