/* tern_scram_salted: SCRAM's SaltedPassword (RFC 5802 section 3): PBKDF2 of
   the password after Unicode NFC, the part of SASLprep that matters in
   practice (as the reference does), so "é" typed precomposed or decomposed
   is the same password.  ASCII and invalid UTF-8 are used as given. */
#include <stdlib.h>
#include <uninorm.h>
#include "tern_crypto.h"

void tern_scram_salted (br_hash_class const *h, char const *pw, size_t len,
  unsigned char const *salt, size_t saltlen, unsigned long iter, unsigned char *out)
{
  uint8_t *nfc = 0 ;
  size_t nlen = 0, i = 0 ;
  while (i < len && !(pw[i] & 0x80)) i++ ;
  if (i < len) nfc = u8_normalize(UNINORM_NFC, (uint8_t const *)pw, len, 0, &nlen) ;
  if (nfc) tern_pbkdf2(h, (char const *)nfc, nlen, salt, saltlen, iter, out, tern_hash_len(h)) ;
  else tern_pbkdf2(h, pw, len, salt, saltlen, iter, out, tern_hash_len(h)) ;
  if (nfc)
  {
    for (i = 0 ; i < nlen ; i++) ((volatile uint8_t *)nfc)[i] = 0 ;
    free(nfc) ;
  }
}
