/* tern_pbkdf2: PBKDF2 (RFC 8018 section 5.2) with HMAC over a BearSSL hash.
   The key schedule is computed once and reused for every iteration. */
#include <string.h>
#include "tern_crypto.h"

void tern_pbkdf2 (br_hash_class const *h, void const *pw, size_t pwlen, void const *salt, size_t saltlen, unsigned long iter, unsigned char *out, size_t outlen)
{
  br_hmac_key_context kc ;
  size_t hlen = tern_hash_len(h) ;
  br_hmac_key_init(&kc, h, pw, pwlen) ;
  for (unsigned long blk = 1 ; outlen ; blk++)
  {
    unsigned char u[TERN_HASH_MAX], t[TERN_HASH_MAX] ;
    unsigned char be[4] = { blk >> 24, blk >> 16, blk >> 8, blk } ;
    size_t n = outlen < hlen ? outlen : hlen ;
    br_hmac_context c ;
    br_hmac_init(&c, &kc, 0) ;
    br_hmac_update(&c, salt, saltlen) ;
    br_hmac_update(&c, be, 4) ;
    br_hmac_out(&c, u) ;
    memcpy(t, u, hlen) ;
    for (unsigned long i = 1 ; i < iter ; i++)
    {
      br_hmac_init(&c, &kc, 0) ;
      br_hmac_update(&c, u, hlen) ;
      br_hmac_out(&c, u) ;
      for (size_t j = 0 ; j < hlen ; j++) t[j] ^= u[j] ;
    }
    memcpy(out, t, n) ;
    out += n ; outlen -= n ;
  }
}
