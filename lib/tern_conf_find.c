/* tern_conf_find: look keys up in the mapped config.cdb. */
#include <errno.h>
#include <string.h>
#include <skalibs/cdb.h>
#include "tern.h"
#include "tern_conf.h"

int tern_conf_find (tern_conf const *c, char const *key, size_t keylen, cdb_data *out)
{
  int r = cdb_find(&c->c, out, key, keylen) ;
  if (r < 0) errno = EPROTO ;
  return r < 0 ? -1 : r ;
}

int tern_conf_findnext (tern_conf const *c, char const *key, size_t keylen, cdb_data *out, cdb_find_state *st)
{
  int r = cdb_findnext(&c->c, out, key, keylen, st) ;
  if (r < 0) errno = EPROTO ;
  return r < 0 ? -1 : r ;
}

int tern_conf_global (tern_conf const *c, char const *key, stralloc *sa)
{
  size_t n = strlen(key) ;
  char k[n + 2] ;
  cdb_data d ;
  int r ;
  k[0] = 'g' ; k[1] = ':' ;
  memcpy(k + 2, key, n) ;
  r = tern_conf_find(c, k, n + 2, &d) ;
  if (r != 1) return r ;
  if (!stralloc_catb(sa, d.s, d.len)) return -1 ;
  return 1 ;
}
