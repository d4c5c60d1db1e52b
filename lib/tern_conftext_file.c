/* tern_conftext_file: parse one config file's text, by kind. */
#include <errno.h>
#include "tern_conftext_int.h"

static void route (tern_ctf *f, char *v, size_t len)
{
  (void)len ;
  tern_conftext_route(f, "r:g", v) ;
}

static void routes (tern_ctf *f, char const *s, size_t len)
{
  static tern_ctkey const keys[] = { { "route", TERN_CTK_REPEAT, &route } } ;
  unsigned int seen[1] = { 0 } ;
  f->seen = seen ;
  tern_conftext_lines(f, keys, 1, s, len) ;
}

int tern_conftext_file (tern_conftext *t, unsigned int kind, char const *file, char const *name, char const *s, size_t len)
{
  tern_ctf f = { .t = t, .file = file, .name = name ? name : "", .line = 0, .nomem = 0, .seen = 0, .data = 0 } ;
  switch (kind)
  {
    case TERN_CONFTEXT_GLOBAL : tern_conftext_global(&f, s, len) ; break ;
    case TERN_CONFTEXT_DOMAIN : tern_conftext_domainfile(&f, s, len) ; break ;
    case TERN_CONFTEXT_ACCOUNT : tern_conftext_account(&f, s, len) ; break ;
    case TERN_CONFTEXT_TRANSPORT : tern_conftext_transport(&f, s, len) ; break ;
    case TERN_CONFTEXT_ROUTES : routes(&f, s, len) ; break ;
    default : errno = EINVAL ; return 0 ;
  }
  if (f.nomem) { errno = ENOMEM ; return 0 ; }
  return 1 ;
}
