/* tern_cred_check_plain: verify a cleartext password (PLAIN, LOGIN) by
   recomputing the SCRAM-SHA-256 StoredKey. */
#include "tern_crypto.h"
#include "tern_cred.h"

int tern_cred_check_plain (tern_cred const *c, char const *pw, size_t len)
{
  tern_cred_scram k = c->s256 ;
  int ok ;
  if (!(c->has & TERN_CRED_S256)) return 0 ;
  tern_cred_scram_keys(&k, &br_sha256_vtable, pw, len) ;
  ok = tern_ctcmp(k.stored, c->s256.stored, 32) ;
  return ok ;
}
