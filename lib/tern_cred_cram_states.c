/* tern_cred_cram_states: the CRAM-MD5 verifier (RFC 2195): the MD5 states
   after absorbing the key XOR ipad and key XOR opad blocks (RFC 2104); a
   key over 64 bytes is hashed first. */
#include <string.h>
#include "tern_crypto.h"
#include "tern_cred.h"

static void state (unsigned char const *key, unsigned char x, unsigned char *out)
{
  unsigned char blk[64] ;
  br_md5_context c ;
  for (unsigned int i = 0 ; i < 64 ; i++) blk[i] = key[i] ^ x ;
  br_md5_init(&c) ;
  br_md5_update(&c, blk, 64) ;
  br_md5_state(&c, out) ;
  memset(blk, 0, sizeof blk) ;
}

void tern_cred_cram_states (tern_cred *c, char const *pw, size_t len)
{
  unsigned char key[64] ;
  memset(key, 0, 64) ;
  if (len > 64)
  {
    br_md5_context m ;
    br_md5_init(&m) ;
    br_md5_update(&m, pw, len) ;
    br_md5_out(&m, key) ;
  }
  else memcpy(key, pw, len) ;
  state(key, 0x36, c->cram_i) ;
  state(key, 0x5c, c->cram_o) ;
  memset(key, 0, sizeof key) ;
  c->has |= TERN_CRED_CRAM ;
}
