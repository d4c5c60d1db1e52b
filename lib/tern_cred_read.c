/* tern_cred_read: read and parse an account's credentials file. */
#include <errno.h>
#include <skalibs/djbunix.h>
#include "tern_cred.h"

int tern_cred_read (char const *path, tern_cred *c)
{
  char buf[TERN_CRED_FILEMAX + 1] ;
  ssize_t r = openreadnclose(path, buf, sizeof buf) ;
  if (r < 0) return 0 ;
  if ((size_t)r > TERN_CRED_FILEMAX) return (errno = EPROTO, 0) ;
  return tern_cred_parse(buf, r, c) ;
}
