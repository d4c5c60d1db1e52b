/* tern_conftext_dir: read every file of CONFDIR, in a fixed order (tern.conf,
   transports, domains, accounts, routes; names sorted), and parse it. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>
#include <skalibs/stralloc.h>
#include <skalibs/djbunix.h>
#include "tern_addr.h"
#include "tern_conftext_int.h"

static int cmp (void const *a, void const *b)
{
  return strcmp(*(char const *const *)a, *(char const *const *)b) ;
}

/* Names in dir (not starting with "."), NUL-separated, sorted.  *n gets
   their count.  1, or 0 with errno; a missing dir is empty. */
static int listdir (char const *dir, stralloc *sa, size_t *n)
{
  DIR *d = opendir(dir) ;
  struct dirent *e ;
  *n = 0 ;
  sa->len = 0 ;
  if (!d) return errno == ENOENT ;
  for (errno = 0 ; (e = readdir(d)) ; errno = 0)
  {
    if (e->d_name[0] == '.') continue ;
    if (!stralloc_cats(sa, e->d_name) || !stralloc_0(sa)) { closedir(d) ; return 0 ; }
    (*n)++ ;
  }
  if (errno) { int x = errno ; closedir(d) ; errno = x ; return 0 ; }
  closedir(d) ;
  {
    char const *v[*n ? *n : 1] ;
    stralloc sorted = STRALLOC_ZERO ;
    for (size_t i = 0, p = 0 ; i < *n ; i++, p += strlen(sa->s + p) + 1) v[i] = sa->s + p ;
    qsort(v, *n, sizeof *v, &cmp) ;
    for (size_t i = 0 ; i < *n ; i++)
      if (!stralloc_catb(&sorted, v[i], strlen(v[i]) + 1)) { stralloc_free(&sorted) ; return 0 ; }
    stralloc_free(sa) ;
    *sa = sorted ;
  }
  return 1 ;
}

/* 1 if the file name is acceptable for its kind; else a problem logged. */
static int goodfile (tern_conftext *t, char kind, char const *file, char const *name)
{
  tern_ctf f = { .t = t, .file = file, .name = name } ;
  size_t len = strlen(name) ;
  if (kind != 'd')
  {
    if (tern_conftext_goodname(name, len)) return 1 ;
    tern_conftext_err(&f, "bad file name: want [a-z0-9][a-z0-9._-]*, at most 64", 0, 0) ;
  }
  else
  {
    stralloc a = STRALLOC_ZERO ;
    int ok = tern_conftext_domain(&f, name, len, &a) && stralloc_0(&a) ;
    if (ok && strcmp(a.s, name)) { tern_conftext_err(&f, "file name must be the lower-case A-label ", a.s, 0) ; ok = 0 ; }
    stralloc_free(&a) ;
    if (ok) return 1 ;
  }
  if (f.nomem) errno = ENOMEM ;
  return 0 ;
}

static char const *const subdirs[3] = { "transports", "domains", "accounts" } ;
static char const kinds[3] = { 't', 'd', 'a' } ;
static unsigned int const ctkinds[3] = { TERN_CONFTEXT_TRANSPORT, TERN_CONFTEXT_DOMAIN, TERN_CONFTEXT_ACCOUNT } ;

/* Parse CONFDIR/rel; a missing file is fine when optional. */
static int one (tern_conftext *t, unsigned int kind, char const *rel, char const *name, int optional)
{
  stralloc path = STRALLOC_ZERO, text = STRALLOC_ZERO ;
  int r = 0 ;
  if (!stralloc_copyb(&path, t->confdir.s, t->confdir.len - 1) || !stralloc_catb(&path, "/", 1)
   || !stralloc_cats(&path, rel) || !stralloc_0(&path)) goto end ;
  if (!openslurpclose(&text, path.s))
  {
    if (errno != ENOENT && errno != EISDIR) goto end ;
    r = 1 ;
    if (!optional || errno == EISDIR)
    {
      tern_ctf f = { .t = t, .file = rel } ;
      tern_conftext_err(&f, errno == EISDIR ? "not a regular file" : "missing file", 0, 0) ;
      if (f.nomem) { errno = ENOMEM ; r = 0 ; }
    }
    goto end ;
  }
  r = tern_conftext_file(t, kind, rel, name, text.s, text.len) ;
 end:
  stralloc_free(&path) ;
  stralloc_free(&text) ;
  return r ;
}

static int parsekind (tern_conftext *t, unsigned int i, stralloc const *names, size_t n, int declare)
{
  char const *s = names->s ;
  for (size_t k = 0 ; k < n ; k++, s += strlen(s) + 1)
  {
    size_t dl = strlen(subdirs[i]) ;
    char rel[dl + strlen(s) + 2] ;
    memcpy(rel, subdirs[i], dl) ; rel[dl] = '/' ; strcpy(rel + dl + 1, s) ;
    if (declare)
    {
      errno = 0 ;
      if (goodfile(t, kinds[i], rel, s)) { if (!tern_conftext_declare(t, kinds[i], s)) return 0 ; }
      else if (errno == ENOMEM) return 0 ;
    }
    else if (tern_conftext_declared(t, kinds[i], s, strlen(s)) && !one(t, ctkinds[i], rel, s, 1)) return 0 ;
  }
  return 1 ;
}

int tern_conftext_dir (tern_conftext *t)
{
  stralloc names[3] = { STRALLOC_ZERO, STRALLOC_ZERO, STRALLOC_ZERO } ;
  size_t n[3] ;
  int r = 0 ;
  if (access(t->confdir.s, X_OK) < 0) return 0 ;
  for (unsigned int i = 0 ; i < 3 ; i++)
  {
    char dir[t->confdir.len + strlen(subdirs[i]) + 1] ;
    memcpy(dir, t->confdir.s, t->confdir.len - 1) ; dir[t->confdir.len - 1] = '/' ;
    strcpy(dir + t->confdir.len, subdirs[i]) ;
    if (!listdir(dir, &names[i], &n[i]) || !parsekind(t, i, &names[i], n[i], 1)) goto end ;
  }
  if (!one(t, TERN_CONFTEXT_GLOBAL, "tern.conf", 0, 0)) goto end ;
  for (unsigned int i = 0 ; i < 3 ; i++) if (!parsekind(t, i, &names[i], n[i], 0)) goto end ;
  r = one(t, TERN_CONFTEXT_ROUTES, "routes", 0, 1) ;
 end:
  for (unsigned int i = 0 ; i < 3 ; i++) stralloc_free(&names[i]) ;
  return r ;
}
