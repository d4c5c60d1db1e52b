/* tern_cred_write: replace an account's credentials file atomically, so
   open sessions go on and new logins read the new file.  0640: started as
   root, the SMTP user reads it through the group (tern-users(7)); the
   account directory keeps everyone else out. */
#include <errno.h>
#include "tern.h"
#include "tern_cred.h"

int tern_cred_write (char const *path, char const *pw, size_t len)
{
  stralloc sa = STRALLOC_ZERO ;
  int ok = tern_cred_make(pw, len, &sa) && tern_file_replace(path, sa.s, sa.len, 0640) ;
  int e = errno ;
  if (sa.s) for (size_t i = 0 ; i < sa.a ; i++) sa.s[i] = 0 ;
  stralloc_free(&sa) ;
  errno = e ;
  return ok ;
}
