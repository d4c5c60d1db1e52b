/* tern-dnscheck-key.c: the public half of a DKIM RSA private key file
   (PEM, PKCS#1 or PKCS#8, BearSSL's decoders): its modulus, and the
   base64 SubjectPublicKeyInfo that goes in the p= of the DKIM record. */
#include <string.h>
#include <bearssl.h>
#include <skalibs/djbunix.h>
#include <skalibs/bytestr.h>
#include "tern_crypto.h"
#include "tern-dnscheck.h"

static void put (void *ctx, void const *s, size_t n)
{
  stralloc *sa = ctx ;
  if (sa->len < 16384 && !stralloc_catb(sa, s, n)) sa->len = 16384 ;
}

/* the DER of the first "... PRIVATE KEY" object of pem into der */
static int unpem (stralloc const *pem, stralloc *der)
{
  br_pem_decoder_context pc ;
  int in = 0 ;
  br_pem_decoder_init(&pc) ;
  for (size_t i = 0 ; i < pem->len ;)
  {
    i += br_pem_decoder_push(&pc, pem->s + i, pem->len - i) ;
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
      case BR_PEM_END_OBJ : if (in) return der->len && der->len < 16384 ; break ;
      case BR_PEM_ERROR : return 0 ;
      default : break ;
    }
  }
  return 0 ;
}

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

char const *dc_key (char const *path, stralloc *b64, stralloc *mod)
{
  static br_skey_decoder_context dc ;
  stralloc pem = STRALLOC_ZERO, der = STRALLOC_ZERO, pub = STRALLOC_ZERO ;
  br_rsa_private_key const *rk ;
  char const *why = 0 ;
  if (!openslurpclose(&pem, path)) return "unreadable" ;
  if (!unpem(&pem, &der)) { why = "no PEM private key" ; goto end ; }
  br_skey_decoder_init(&dc) ;
  br_skey_decoder_push(&dc, der.s, der.len) ;
  rk = br_skey_decoder_last_error(&dc) ? 0 : br_skey_decoder_get_rsa(&dc) ;
  if (!rk) { why = "not an RSA key" ; goto end ; }
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
  byte_zzero((char *)&dc, sizeof dc) ;
  if (der.s) byte_zzero(der.s, der.len) ;
  if (pem.s) byte_zzero(pem.s, pem.len) ;
  stralloc_free(&pem) ; stralloc_free(&der) ; stralloc_free(&pub) ;
  return why ;
}
