/* tern_store_acctfile: a file of the account's directory read whole or
   replaced atomically (ACCT/mailboxes, ACCT/subscriptions, tern-store.5),
   and a parser's damage reported under its path. */
#include <errno.h>
#include <string.h>
#include <skalibs/djbunix.h>
#include "tern.h"
#include "tern_store.h"

/* ACCT/NAME into path, of strlen(acct) + strlen(name) + 2 bytes */
static void mkpath (char *path, char const *acct, size_t a, char const *name, size_t n)
{
  memcpy(path, acct, a) ;
  path[a] = '/' ;
  memcpy(path + a + 1, name, n + 1) ;
}

/* ACCT/NAME into sa: TERN_OK, or TERN_PERM (ENOENT and the like) or
   TERN_TEMP with errno */
int tern_store_acctread (stralloc *sa, char const *acct, char const *name)
{
  size_t a = strlen(acct), n = strlen(name) ;
  char path[a + n + 2] ;
  mkpath(path, acct, a, name, n) ;
  if (openslurpclose(sa, path)) return TERN_OK ;
  return tern_errcode(errno) == TERN_PERM ? TERN_PERM : TERN_TEMP ;
}

/* r, a parser's answer for ACCT/NAME, with its damage (TERN_TEMP,
   EUCLEAN) recorded under the file's path */
int tern_store_acctdamage (int r, char const *acct, char const *name)
{
  if (r == TERN_TEMP && errno == EUCLEAN) tern_store_damage(acct, name, 0, 0) ;
  return r ;
}

/* s replaces ACCT/NAME (a temporary file beside it, fsync, rename, fsync
   the directory): TERN_OK, or a code with errno */
int tern_store_acctwrite (char const *acct, char const *name, char const *s, size_t len)
{
  size_t a = strlen(acct), n = strlen(name) ;
  char path[a + n + 2] ;
  mkpath(path, acct, a, name, n) ;
  return tern_file_replace(path, s, len, 0600) ? TERN_OK : tern_errcode(errno) ;
}
