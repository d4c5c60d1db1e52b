/* tern_sasl_fakecred: credentials for an unknown user.  They cost what real
   ones cost to check and match no password; the salts derive from the user
   name and a per-process secret, so one user sees the same salt twice. */
#include <string.h>
#include "tern_crypto.h"
#include "tern_sasl_priv.h"

static unsigned char secret[32] ;
static int ready = 0 ;

static void derive (char const *label, char const *user, size_t len, unsigned char *out)
{
  br_hmac_key_context kc ;
  br_hmac_context c ;
  br_hmac_key_init(&kc, &br_sha256_vtable, secret, sizeof secret) ;
  br_hmac_init(&c, &kc, 0) ;
  br_hmac_update(&c, label, strlen(label) + 1) ;
  br_hmac_update(&c, user, len) ;
  br_hmac_out(&c, out) ;
}

void tern_sasl_fakecred (tern_cred *c, char const *user, size_t len)
{
  unsigned char salt[32] ;
  if (!ready) { tern_random(secret, sizeof secret) ; ready = 1 ; }
  memset(c, 0, sizeof *c) ;
  c->has = TERN_CRED_S256 | TERN_CRED_S1 | TERN_CRED_CRAM ;
  c->s256.iter = c->s1.iter = TERN_CRED_ITER ;
  c->s256.saltlen = c->s1.saltlen = TERN_CRED_SALTLEN ;
  derive("salt256", user, len, salt) ;
  memcpy(c->s256.salt, salt, TERN_CRED_SALTLEN) ;
  derive("salt1", user, len, salt) ;
  memcpy(c->s1.salt, salt, TERN_CRED_SALTLEN) ;
  tern_random(c->s256.stored, 32) ;
  tern_random(c->s256.server, 32) ;
  tern_random(c->s1.stored, 32) ;
  tern_random(c->s1.server, 32) ;
  tern_random(c->cram_i, 16) ;
  tern_random(c->cram_o, 16) ;
}
