/* tern_dkim_key: a DKIM private key from its PEM file: RSA (PKCS#1 "RSA
   PRIVATE KEY" or PKCS#8 "PRIVATE KEY", BearSSL's decoders) or Ed25519
   (PKCS#8, RFC 8410, as openssl genpkey writes it; libsodium derives the
   public half); the copies of the key in memory are wiped. */
#include <errno.h>
#include <string.h>
#include <sodium.h>
#include <skalibs/djbunix.h>
#include <skalibs/bytestr.h>
#include "tern_dkim.h"

#define DERMAX 16384

static void put (void *ctx, void const *s, size_t n)
{
  stralloc *sa = ctx ;
  if (sa->len < DERMAX && !stralloc_catb(sa, s, n)) sa->len = DERMAX ;
}

int tern_dkim_unpem (char const *pem, size_t len, stralloc *der)
{
  br_pem_decoder_context pc ;
  int in = 0 ;
  br_pem_decoder_init(&pc) ;
  for (size_t i = 0 ; i < len ;)
  {
    i += br_pem_decoder_push(&pc, pem + i, len - i) ;
    switch (br_pem_decoder_event(&pc))
    {
      case BR_PEM_BEGIN_OBJ :
      {
        char const *name = br_pem_decoder_name(&pc) ;
        size_t n = strlen(name) ;
        in = n >= 11 && !strcmp(name + n - 11, "PRIVATE KEY") && strncmp(name, "ENCRYPTED", 9) ;
        br_pem_decoder_setdest(&pc, in ? &put : 0, in ? der : 0) ;
        break ;
      }
      case BR_PEM_END_OBJ : if (in) return der->len && der->len < DERMAX ; break ;
      case BR_PEM_ERROR : return 0 ;
      default : break ;
    }
  }
  return 0 ;
}

/* PKCS#8 OneAsymmetricKey, id-Ed25519, then the 32-byte seed */
static unsigned char const ed25519[16] = { 0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20 } ;

char const *tern_dkim_key_read (tern_dkim_key *k, char const *path)
{
  stralloc pem = STRALLOC_ZERO, der = STRALLOC_ZERO ;
  char const *why = 0 ;
  int e ;
  k->alg = 0 ;
  br_skey_decoder_init(&k->dc) ;
  if (!openslurpclose(&pem, path)) return "unreadable" ;
  if (!tern_dkim_unpem(pem.s, pem.len, &der)) why = "no PEM private key" ;
  else if (der.len == 48 && !memcmp(der.s, ed25519, sizeof ed25519))
  {
    unsigned char pk[32] ;
    k->alg = TERN_DKIM_ED25519 ;
    if (sodium_init() < 0 || crypto_sign_ed25519_seed_keypair(pk, k->ed, (unsigned char *)der.s + 16) < 0) why = "bad Ed25519 key" ;
  }
  else
  {
    k->alg = TERN_DKIM_RSA ;
    br_skey_decoder_push(&k->dc, der.s, der.len) ;
    if (br_skey_decoder_last_error(&k->dc) || !br_skey_decoder_get_rsa(&k->dc)) why = "not an RSA or Ed25519 private key" ;
    else if (br_skey_decoder_get_rsa(&k->dc)->n_bitlen < 1024) why = "an RSA key under 1024 bits" ;
  }
  e = errno ;
  if (der.s) byte_zzero(der.s, der.len) ;
  if (pem.s) byte_zzero(pem.s, pem.len) ;
  stralloc_free(&pem) ; stralloc_free(&der) ;
  if (why) tern_dkim_key_wipe(k) ;
  errno = e ;
  return why ;
}

void tern_dkim_key_wipe (tern_dkim_key *k)
{
  byte_zzero((char *)&k->dc, sizeof k->dc) ;
  byte_zzero((char *)k->ed, sizeof k->ed) ;
}
