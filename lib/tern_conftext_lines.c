/* tern_conftext_lines: split a file into "key value" lines and hand each
   value to its key's checker; unknown, repeated, missing keys are problems. */
#include <string.h>
#include "tern_conftext_int.h"

static int blank (char c)
{
  return c == ' ' || c == '\t' ;
}

/* Check the raw line: 1 usable, 0 problem logged. */
static int goodline (tern_ctf *f, char const *s, size_t len)
{
  if (len > TERN_CONFTEXT_LINEMAX) { tern_conftext_err(f, "line too long", 0, 0) ; return 0 ; }
  for (size_t i = 0 ; i < len ; i++)
  {
    unsigned char c = s[i] ;
    if (!c) { tern_conftext_err(f, "NUL byte", 0, 0) ; return 0 ; }
    if ((c < 32 && c != '\t' && !(c == '\r' && i + 1 == len)) || c == 127)
    {
      tern_conftext_err(f, "control character", 0, 0) ;
      return 0 ;
    }
  }
  return 1 ;
}

static void oneline (tern_ctf *f, tern_ctkey const *tab, size_t n, char *buf, size_t len)
{
  size_t k, i = 0, idx ;
  while (i < len && blank(buf[i])) i++ ;
  while (len > i && (blank(buf[len - 1]) || buf[len - 1] == '\r')) len-- ;
  if (i == len || buf[i] == '#') return ;
  buf[len] = 0 ;
  for (k = i ; k < len && !blank(buf[k]) ; k++) ;
  if (k < len) buf[k++] = 0 ;
  while (k < len && blank(buf[k])) k++ ;
  idx = tern_conftext_keyidx(tab, n, buf + i) ;
  if (idx == n) { tern_conftext_err(f, "unknown key ", buf + i, 0) ; return ; }
  if (f->seen[idx] && !(tab[idx].flags & TERN_CTK_REPEAT))
  {
    tern_conftext_err(f, "repeated key ", tab[idx].key, " (may appear once)") ;
    return ;
  }
  if (!f->seen[idx]) f->seen[idx] = f->line ;
  if ((tab[idx].flags & TERN_CTK_FLAG) && k < len)
  {
    tern_conftext_err(f, tab[idx].key, " takes no value", 0) ;
    return ;
  }
  if (!(tab[idx].flags & (TERN_CTK_FLAG | TERN_CTK_OPTVAL)) && k == len)
  {
    tern_conftext_err(f, "missing value for ", tab[idx].key, 0) ;
    return ;
  }
  (*tab[idx].fn)(f, buf + k, len - k) ;
}

void tern_conftext_lines (tern_ctf *f, tern_ctkey const *tab, size_t n, char const *s, size_t len)
{
  char buf[TERN_CONFTEXT_LINEMAX + 1] ;
  size_t pos = 0 ;
  f->line = 0 ;
  while (pos < len && !f->nomem)
  {
    char const *nl = memchr(s + pos, '\n', len - pos) ;
    size_t l = nl ? (size_t)(nl - (s + pos)) : len - pos ;
    f->line++ ;
    if (goodline(f, s + pos, l))
    {
      memcpy(buf, s + pos, l) ;
      oneline(f, tab, n, buf, l) ;
    }
    pos += l + 1 ;
  }
  f->line = 0 ;
  for (size_t i = 0 ; i < n && !f->nomem ; i++)
    if ((tab[i].flags & TERN_CTK_REQUIRED) && !f->seen[i])
      tern_conftext_err(f, "missing required key ", tab[i].key, 0) ;
}
