/* tern_mboxfile.c: splitting an mbox file into messages, and undoing
   the ">From " quoting (tern_mboxfile.h).  Used by tern-junk import. */
#include <string.h>
#include "tern_mboxfile.h"

/* The index of the first "\n\nFrom " at or after from, or len. */
static size_t sep (char const *s, size_t len, size_t from)
{
  while (from + 7 <= len)
  {
    char const *p = memchr(s + from, '\n', len - from) ;
    size_t i ;
    if (!p) break ;
    i = (size_t)(p - s) ;
    if (i + 7 <= len && s[i + 1] == '\n' && !memcmp(s + i + 2, "From ", 5)) return i ;
    from = i + 1 ;
  }
  return len ;
}

int tern_mboxfile_next (char const *s, size_t len, size_t *pos, size_t *start, size_t *end)
{
  size_t p = *pos, i ;
  if (p >= len) return 0 ;
  if (len - p >= 5 && !memcmp(s + p, "From ", 5))
  {
    char const *nl = memchr(s + p, '\n', len - p) ;
    p = nl ? (size_t)(nl - s) + 1 : len ;
  }
  /* the envelope line's own newline may be the first of the "\n\n" */
  i = sep(s, len, p ? p - 1 : 0) ;
  *start = p ;
  if (i >= len) { *end = len ; *pos = len ; return 1 ; }
  /* the empty line before the next "From " belongs to the separator */
  *end = i + 1 > p ? i + 1 : p ;
  *pos = i + 2 ;
  return 1 ;
}

int tern_mboxfile_unquote (stralloc *sa, char const *s, size_t len)
{
  size_t i = 0 ;
  while (i < len)
  {
    char const *nl = memchr(s + i, '\n', len - i) ;
    size_t e = nl ? (size_t)(nl - s) + 1 : len ;
    size_t j = i ;
    while (j < e && s[j] == '>') j++ ;
    if (j > i && e - j >= 5 && !memcmp(s + j, "From ", 5)) i++ ;
    if (!stralloc_catb(sa, s + i, e - i)) return 0 ;
    i = e ;
  }
  return 1 ;
}
