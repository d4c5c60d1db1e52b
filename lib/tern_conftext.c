/* tern_conftext: the parse state: start, names, problems, records, end. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <skalibs/stralloc.h>
#include <skalibs/types.h>
#include "tern_conftext_int.h"

int tern_conftext_init (tern_conftext *t, char const *confdir, unsigned int flags)
{
  t->flags = flags ;
  t->confdir.len = 0 ;
  if (confdir[0] != '/')
  {
    char cwd[4096] ;
    if (!getcwd(cwd, sizeof cwd)) return 0 ;
    if (!stralloc_cats(&t->confdir, cwd) || !stralloc_catb(&t->confdir, "/", 1)) return 0 ;
  }
  if (!stralloc_cats(&t->confdir, confdir)) return 0 ;
  while (t->confdir.len > 1 && t->confdir.s[t->confdir.len - 1] == '/') t->confdir.len-- ;
  return stralloc_0(&t->confdir) ;
}

void tern_conftext_free (tern_conftext *t)
{
  stralloc_free(&t->confdir) ;
  stralloc_free(&t->err) ;
  stralloc_free(&t->recs) ;
  stralloc_free(&t->names) ;
  stralloc_free(&t->claims) ;
  t->nerr = 0 ;
}

int tern_conftext_declare (tern_conftext *t, char kind, char const *name)
{
  return stralloc_catb(&t->names, &kind, 1) && stralloc_cats(&t->names, name) && stralloc_0(&t->names) ;
}

int tern_conftext_declared (tern_conftext const *t, char kind, char const *name, size_t len)
{
  size_t i = 0 ;
  while (i < t->names.len)
  {
    size_t n = strlen(t->names.s + i) ;
    if (t->names.s[i] == kind && n == len + 1 && !memcmp(t->names.s + i + 1, name, len)) return 1 ;
    i += n + 1 ;
  }
  return 0 ;
}

int tern_conftext_goodname (char const *s, size_t len)
{
  if (!len || len > 64) return 0 ;
  for (size_t i = 0 ; i < len ; i++)
  {
    char c = s[i] ;
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) continue ;
    if (i && (c == '.' || c == '_' || c == '-')) continue ;
    return 0 ;
  }
  return 1 ;
}

void tern_conftext_err (tern_ctf *f, char const *a, char const *b, char const *c)
{
  stralloc *e = &f->t->err ;
  char fmt[UINT_FMT] ;
  if (!stralloc_cats(e, f->file)) goto nomem ;
  if (f->line && (!stralloc_catb(e, ":", 1) || !stralloc_catb(e, fmt, uint_fmt(fmt, f->line)))) goto nomem ;
  if (!stralloc_catb(e, ": ", 2)) goto nomem ;
  if (a && !stralloc_cats(e, a)) goto nomem ;
  if (b && !stralloc_cats(e, b)) goto nomem ;
  if (c && !stralloc_cats(e, c)) goto nomem ;
  if (!stralloc_catb(e, "\n", 1)) goto nomem ;
  f->t->nerr++ ;
  return ;
 nomem:
  f->nomem = 1 ;
}

void tern_conftext_rec (tern_ctf *f, char const *k1, char const *k2, char const *k3, char const *v, size_t vlen)
{
  stralloc *r = &f->t->recs ;
  if ((k1 && !stralloc_cats(r, k1)) || (k2 && !stralloc_cats(r, k2)) || (k3 && !stralloc_cats(r, k3))
   || !stralloc_0(r) || !stralloc_catb(r, v, vlen) || !stralloc_0(r))
    f->nomem = 1 ;
}

size_t tern_conftext_keyidx (tern_ctkey const *tab, size_t n, char const *key)
{
  size_t i = 0 ;
  for (; i < n ; i++) if (!strcmp(tab[i].key, key)) break ;
  return i ;
}
