/* tern_conftext_path: a path in a config file, relative to CONFDIR. */
#include <string.h>
#include "tern_conftext_int.h"

int tern_conftext_path (tern_ctf *f, char const *s, stralloc *out)
{
  if (s[0] != '/')
  {
    /* confdir is NUL-terminated; its len counts the NUL */
    if (!stralloc_catb(out, f->t->confdir.s, f->t->confdir.len - 1)) goto nomem ;
    if (f->t->confdir.len > 2 && !stralloc_catb(out, "/", 1)) goto nomem ;
  }
  if (!stralloc_cats(out, s)) goto nomem ;
  return 1 ;
 nomem:
  f->nomem = 1 ;
  return 0 ;
}
