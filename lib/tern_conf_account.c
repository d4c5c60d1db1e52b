/* tern_conf_account: which account an address delivers to, whether an
   account exists, and where its data lives. */
#include <errno.h>
#include <string.h>
#include <skalibs/cdb.h>
#include "tern.h"
#include "tern_conf.h"
#include "tern_conftext.h"

/* Look "a:" key up; append the account to name.  1, 0, -1. */
static int lookup (tern_conf const *c, char const *key, size_t len, stralloc *name)
{
  char k[len + 2] ;
  cdb_data d ;
  int r ;
  k[0] = 'a' ; k[1] = ':' ;
  memcpy(k + 2, key, len) ;
  r = tern_conf_find(c, k, len + 2, &d) ;
  if (r != 1) return r ;
  return stralloc_catb(name, d.s, d.len) ? 1 : -1 ;
}

int tern_conf_account (tern_conf const *c, tern_addr const *a, stralloc *name)
{
  stralloc key = STRALLOC_ZERO ;
  cdb_data sep ;
  size_t at ;
  int r = -1 ;
  if (!tern_addr_key(&key, a)) return -1 ;
  r = lookup(c, key.s, key.len, name) ;
  if (r) goto end ;
  /* the domain has no @, so the last @ ends the localpart */
  for (at = key.len ; at && key.s[at - 1] != '@' ; at--) ;
  if (!at) goto end ;
  at-- ;
  r = tern_conf_find(c, "g:subaddress-separator", 22, &sep) ;
  if (r < 0) goto end ;
  if (r == 1 && sep.len == 1)
  {
    char const *p = memchr(key.s, sep.s[0], at) ;
    if (p && p > key.s)
    {
      size_t l = p - key.s ;
      char k[l + key.len - at] ;
      memcpy(k, key.s, l) ;
      memcpy(k + l, key.s + at, key.len - at) ;
      r = lookup(c, k, l + key.len - at, name) ;
      if (r) goto end ;
    }
  }
  r = lookup(c, key.s + at, key.len - at, name) ;
 end:
  stralloc_free(&key) ;
  return r ;
}

int tern_conf_account_exists (tern_conf const *c, char const *name)
{
  size_t n = strlen(name) ;
  char k[n + 2] ;
  cdb_data d ;
  k[0] = 'A' ; k[1] = ':' ;
  memcpy(k + 2, name, n) ;
  return tern_conf_find(c, k, n + 2, &d) ;
}

int tern_conf_accountdir (tern_conf const *c, char const *name, stralloc *sa)
{
  cdb_data d ;
  int r ;
  if (!tern_conftext_goodname(name, strlen(name))) { errno = EINVAL ; return 0 ; }
  r = tern_conf_find(c, "g:datadir", 9, &d) ;
  if (r <= 0) { if (!r) errno = ENOENT ; return 0 ; }
  return stralloc_catb(sa, d.s, d.len) && stralloc_cats(sa, "/accounts/")
    && stralloc_cats(sa, name) && stralloc_0(sa) ;
}
