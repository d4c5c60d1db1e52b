/* tern_hmac: one-shot HMAC (RFC 2104) with a BearSSL hash. */
#include "tern_crypto.h"

size_t tern_hmac (br_hash_class const *h, void const *key, size_t klen, void const *msg, size_t mlen, unsigned char *out)
{
  br_hmac_key_context kc ;
  br_hmac_context c ;
  br_hmac_key_init(&kc, h, key, klen) ;
  br_hmac_init(&c, &kc, 0) ;
  br_hmac_update(&c, msg, mlen) ;
  return br_hmac_out(&c, out) ;
}
