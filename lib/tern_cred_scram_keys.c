/* tern_cred_scram_keys: SCRAM StoredKey and ServerKey (RFC 5802 section 3)
   from a password, salt and iteration count. */
#include <string.h>
#include "tern_crypto.h"
#include "tern_cred.h"

void tern_cred_scram_keys (tern_cred_scram *k, br_hash_class const *h, char const *pw, size_t len)
{
  unsigned char salted[TERN_HASH_MAX], ckey[TERN_HASH_MAX] ;
  size_t hlen = tern_hash_len(h) ;
  br_hash_compat_context hc ;
  tern_scram_salted(h, pw, len, k->salt, k->saltlen, k->iter, salted) ;
  tern_hmac(h, salted, hlen, "Client Key", 10, ckey) ;
  h->init(&hc.vtable) ;
  h->update(&hc.vtable, ckey, hlen) ;
  h->out(&hc.vtable, k->stored) ;
  tern_hmac(h, salted, hlen, "Server Key", 10, k->server) ;
  memset(salted, 0, sizeof salted) ;
  memset(ckey, 0, sizeof ckey) ;
}
