/* tern-dnscheck-key.c: the public half of a DKIM private key file (read
   as tern-queue-run reads it to sign, tern_dkim_key_read): for RSA its
   modulus and the base64 SubjectPublicKeyInfo of the record's p=, for
   Ed25519 the raw public key (RFC 8463). */
#include <errno.h>
#include <string.h>
#include <bearssl.h>
#include "tern_crypto.h"
#include "tern_dkim.h"
#include "tern-dnscheck.h"

/* a DER tag, length and value */
static int tlv (stralloc *sa, unsigned char tag, unsigned char const *v, size_t n, int pad)
{
  unsigned char h[5] = { tag } ;
  size_t hl = 1, total = n + !!pad ;
  if (total < 128) h[hl++] = (unsigned char)total ;
  else if (total < 256) { h[hl++] = 0x81 ; h[hl++] = (unsigned char)total ; }
  else { h[hl++] = 0x82 ; h[hl++] = (unsigned char)(total >> 8) ; h[hl++] = (unsigned char)total ; }
  return stralloc_catb(sa, (char *)h, hl) && (!pad || stralloc_catb(sa, "", 1)) && stralloc_catb(sa, (char const *)v, n) ;
}

static int spki (unsigned char const *n, size_t nlen, uint32_t e, stralloc *out)
{
  static unsigned char const alg[] = { 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00 } ;
  unsigned char eb[4] = { (unsigned char)(e >> 24), (unsigned char)(e >> 16), (unsigned char)(e >> 8), (unsigned char)e } ;
  unsigned int es = 0 ;
  stralloc ints = STRALLOC_ZERO, seq = STRALLOC_ZERO, bits = STRALLOC_ZERO, all = STRALLOC_ZERO ;
  int ok ;
  while (es < 3 && !eb[es]) es++ ;
  while (nlen && !*n) { n++ ; nlen-- ; }
  ok = tlv(&ints, 0x02, n, nlen, nlen && *n & 0x80) && tlv(&ints, 0x02, eb + es, 4 - es, eb[es] & 0x80)
    && tlv(&seq, 0x30, (unsigned char *)ints.s, ints.len, 0) && tlv(&bits, 0x03, (unsigned char *)seq.s, seq.len, 1)
    && stralloc_catb(&all, (char const *)alg, sizeof alg) && stralloc_cat(&all, &bits)
    && tlv(out, 0x30, (unsigned char *)all.s, all.len, 0) ;
  stralloc_free(&ints) ; stralloc_free(&seq) ; stralloc_free(&bits) ; stralloc_free(&all) ;
  return ok ;
}

char const *dc_key (char const *path, stralloc *b64, stralloc *mod, char const **kind)
{
  static tern_dkim_key k ;
  stralloc pub = STRALLOC_ZERO ;
  br_rsa_private_key const *rk ;
  char const *why = tern_dkim_key_read(&k, path) ;
  *kind = "rsa" ;
  if (why) return !strcmp(why, "unreadable") ? strerror(errno) : why ;
  if (k.alg == TERN_DKIM_ED25519)
  {
    /* RFC 8463: p= is the raw 32-byte public key, the second half of libsodium's secret key */
    *kind = "ed25519" ;
    if (!stralloc_catb(mod, (char *)k.ed + 32, 32) || !tern_b64_cat(b64, k.ed + 32, 32)) why = "out of memory" ;
    goto end ;
  }
  rk = br_skey_decoder_get_rsa(&k.dc) ;
  {
    size_t n = br_rsa_i31_compute_modulus(0, rk) ;
    /* BearSSL 0.6 (Debian) gives 0 for the usual keys: the match only
       needs the modulus; the record printed assumes the usual 65537 */
    uint32_t e = br_rsa_i31_compute_pubexp(rk) ;
    if (!e) e = 65537 ;
    if (!n || !stralloc_ready(mod, n)) { why = !n ? "bad RSA key" : "out of memory" ; goto end ; }
    mod->len = br_rsa_i31_compute_modulus(mod->s, rk) ;
    while (mod->len && !mod->s[0]) { memmove(mod->s, mod->s + 1, --mod->len) ; }
    if (!spki((unsigned char *)mod->s, mod->len, e, &pub) || !tern_b64_cat(b64, pub.s, pub.len)) why = "out of memory" ;
  }
 end:
  tern_dkim_key_wipe(&k) ;
  stralloc_free(&pub) ;
  return why ;
}
