/* tern_cred_make: a credentials file for a password, with fresh salts. */
#include "tern_crypto.h"
#include "tern_cred.h"

int tern_cred_make (char const *pw, size_t len, stralloc *sa)
{
  unsigned char salt[2 * TERN_CRED_SALTLEN] ;
  tern_random(salt, sizeof salt) ;
  return tern_cred_make_salted(pw, len, salt, salt + TERN_CRED_SALTLEN, TERN_CRED_SALTLEN, TERN_CRED_ITER, sa) ;
}
