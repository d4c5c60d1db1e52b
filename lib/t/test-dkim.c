/* test-dkim: DKIM signing (tern_dkim.h): the relaxed body hash against
   known answers (RFC 6376 3.4.5's example, bare LF and CR, no final CRLF,
   trailing empty and blank lines, 8-bit), the same whatever the chunks;
   header fields; the From: domain; PEM keys (PKCS#1, PKCS#8, garbage);
   a signature that BearSSL verifies over the canonical fields; an Ed25519
   key and signature that libsodium verifies. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <skalibs/stralloc.h>
#include <skalibs/djbunix.h>
#include "tern.h"
#include "tern_crypto.h"
#include "tern_dkim.h"
#include <sodium.h>
#include "t.h"

/* a 1024-bit test key, PKCS#1 and the same in PKCS#8 */
static char const key1[] =
  "-----BEGIN RSA PRIVATE KEY-----\n"
  "MIICWwIBAAKBgQDSwzzB2ztG9NDkClXdBbuSHsX5jpdqByFGcijFD/D9BCEgp4Gb\n"
  "7MmEZCK0G8mm8Sx0BiUqfi70FURY5XV6sg7zGtaOfo38GKWiIfm6u+oLwt+SJkaN\n"
  "OSSbOCTOgvp5VVrDW1fsFzwEoWP6KSMEToEMKItHF0T61x1pmev67/5vcQIDAQAB\n"
  "AoGAc119B1vaUZe2M+zYXRhDONNxaI29ocLvWuEoId38+nHlNDucPV5aXAZ33ICN\n"
  "W70NqSCn/V9+kgqGE+bd7GBEv5xCCP/GCeyvLIp5KqLnWmck76vOUsdTlLzWu3Xl\n"
  "x9MLrjwgViadcGCKiGLRPQR/EpS+3Q97iFD/Ba3DYOF4VAECQQD6Xuq7MCkYBpwi\n"
  "+UEAkrZQDyXRO93nD0s6NfAuL5BCrw39M5F0ON/LU3Unb8u+SagKnQ2gAZJYPD35\n"
  "dmzm9KPBAkEA14BYGTVoDYmDVyFEFnxiGPrry5UnNnaYB50ZSWbBMIECk5wxFR/a\n"
  "bSBG6UvyH3oHd8JLfVp9Bd/RHJZc5Vr3sQJAeQ674JaAyCUqCZ8LVwOZM0yftHOF\n"
  "79rtPNAnua01y4ho8yyj/9YgH2fTFaZwlSl4HumhVORtpkw6iww/y8wuAQJAdHxi\n"
  "opW0vgSD4zgPFtx7JieUB4KDJLRsL0li3sNVUAOcQe/etB14sx4MVpT/trX+jWSP\n"
  "651bES7PWNWKN0u5sQJAaUf7q+sYn0D4NnuTqV1JT5whN58IFNAhDxIZ0SKhOWfD\n"
  "YfnT6zhfxlh1UTdxHE7sxLqp6E/BKkkSLdAWZLXi5A==\n"
  "-----END RSA PRIVATE KEY-----\n" ;
static char const key8[] =
  "-----BEGIN PRIVATE KEY-----\n"
  "MIICdQIBADANBgkqhkiG9w0BAQEFAASCAl8wggJbAgEAAoGBANLDPMHbO0b00OQK\n"
  "Vd0Fu5IexfmOl2oHIUZyKMUP8P0EISCngZvsyYRkIrQbyabxLHQGJSp+LvQVRFjl\n"
  "dXqyDvMa1o5+jfwYpaIh+bq76gvC35ImRo05JJs4JM6C+nlVWsNbV+wXPAShY/op\n"
  "IwROgQwoi0cXRPrXHWmZ6/rv/m9xAgMBAAECgYBzXX0HW9pRl7Yz7NhdGEM403Fo\n"
  "jb2hwu9a4Sgh3fz6ceU0O5w9XlpcBnfcgI1bvQ2pIKf9X36SCoYT5t3sYES/nEII\n"
  "/8YJ7K8sinkqoudaZyTvq85Sx1OUvNa7deXH0wuuPCBWJp1wYIqIYtE9BH8SlL7d\n"
  "D3uIUP8FrcNg4XhUAQJBAPpe6rswKRgGnCL5QQCStlAPJdE73ecPSzo18C4vkEKv\n"
  "Df0zkXQ438tTdSdvy75JqAqdDaABklg8Pfl2bOb0o8ECQQDXgFgZNWgNiYNXIUQW\n"
  "fGIY+uvLlSc2dpgHnRlJZsEwgQKTnDEVH9ptIEbpS/Ifegd3wkt9Wn0F39Ecllzl\n"
  "WvexAkB5DrvgloDIJSoJnwtXA5kzTJ+0c4Xv2u080Ce5rTXLiGjzLKP/1iAfZ9MV\n"
  "pnCVKXge6aFU5G2mTDqLDD/LzC4BAkB0fGKilbS+BIPjOA8W3HsmJ5QHgoMktGwv\n"
  "SWLew1VQA5xB7960HXizHgxWlP+2tf6NZI/rnVsRLs9Y1Yo3S7mxAkBpR/ur6xif\n"
  "QPg2e5OpXUlPnCE3nwgU0CEPEhnRIqE5Z8Nh+dPrOF/GWHVRN3EcTuzEuqnoT8Eq\n"
  "SRIt0BZkteLk\n"
  "-----END PRIVATE KEY-----\n" ;

/* an Ed25519 test key, PKCS#8 (openssl genpkey -algorithm ed25519) */
static char const keyed[] =
  "-----BEGIN PRIVATE KEY-----\n"
  "MC4CAQAwBQYDK2VwBCIEIFPeGa8zZCzTTmSaTxaXFNTonmKqPj4z5WtyEIqnOfEP\n"
  "-----END PRIVATE KEY-----\n" ;

static int bh (char const *s, size_t len, size_t step, char const *want)
{
  tern_dkim_body b ;
  unsigned char out[32] ;
  stralloc sa = STRALLOC_ZERO ;
  int ok ;
  tern_dkim_body_init(&b) ;
  for (size_t i = 0 ; i < len ; i += step) tern_dkim_body_put(&b, s + i, len - i < step ? len - i : step) ;
  tern_dkim_body_end(&b, out) ;
  ok = tern_b64_cat(&sa, out, 32) && sa.len == strlen(want) && !memcmp(sa.s, want, sa.len) ;
  if (!ok) fprintf(stderr, "body %.*s: got %.*s\n", (int)len, s, (int)sa.len, sa.s) ;
  stralloc_free(&sa) ;
  return ok ;
}

static void body (void)
{
  static struct { char const *in ; char const *want ; } const k[] =
  {
    { "", "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=" },
    { "\r\n\r\n", "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=" },
    { " \t\r\n \r\n", "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=" },
    { " C \r\nD \t E\r\n\r\n\r\n", "unak6JHq0wL+Q1HP7dW1tjBx9FLA6DffoZ0qrLwbbpo=" },
    { "hello  world \r\n\r\n\r\n", "VyqV/unA8yADB4nkiDcHr/4SSC+7HqBLPqgmfIeokPs=" },
    { "a\n b\n", "lfqjk8OXpORunjWYuBhhdQwixGdFY3GOGhi8G8bPlg8=" },
    { "a\n\t  b\r\n\n", "lfqjk8OXpORunjWYuBhhdQwixGdFY3GOGhi8G8bPlg8=" },
    { "a\rb\r\n", "LyKRrVaOri6zT8fJNyWWbX0dJvvNQVCly5aCYrYNasE=" },
    { "abc", "VSuraGTHp7aaUC7RhUuSRcDhow8AiqoLKB2mJYX9sCU=" },
    { "abc  ", "VSuraGTHp7aaUC7RhUuSRcDhow8AiqoLKB2mJYX9sCU=" },
    { "x\r\n \t\r\n\r\n", "s14J+iztnrytnRYzb7lhFG/jS/vrxWJnnahfijFMnco=" },
    { "\xe9t\xe9\n", "dZtzB9hUS6ledpgvjXyx3k1Bz/WvcUal4P3OaecLbeY=" },
    { "\r", "8IFT0WqUkNmUol1aNB/4rPxAXe3avQ0hNO+a+dRqzVQ=" },
  } ;
  for (unsigned int i = 0 ; i < sizeof k / sizeof *k ; i++)
  {
    T(bh(k[i].in, strlen(k[i].in), 65536, k[i].want), "body hash, one piece") ;
    T(bh(k[i].in, strlen(k[i].in), 1, k[i].want), "body hash, byte by byte") ;
  }
}

static int canon (char const *in, char const *want)
{
  stralloc sa = STRALLOC_ZERO ;
  int ok = tern_dkim_canonhdr(&sa, in, strlen(in), 1) && sa.len == strlen(want) && !memcmp(sa.s, want, sa.len) ;
  if (!ok) fprintf(stderr, "canon %s: got %.*s\n", in, (int)sa.len, sa.s) ;
  stralloc_free(&sa) ;
  return ok ;
}

static void count (char const *s, size_t len, char const *name, size_t nlen, void *aux)
{
  stralloc *sa = aux ;
  (void)s ; (void)len ;
  if (!stralloc_catb(sa, name, nlen) || !stralloc_catb(sa, "|", 1)) abort() ;
}

static void headers (void)
{
  stralloc sa = STRALLOC_ZERO ;
  size_t b ;
  char const h[] = "A: 1\r\n b\r\nnocolon\r\n  \r\nB  :2\r\n: empty\r\n" ;
  T(canon("A: X\r\n", "a:X\r\n"), "canon: RFC 6376 3.4.5 A") ;
  T(canon("B : Y\t\r\n\tZ  \r\n", "b:Y Z\r\n"), "canon: RFC 6376 3.4.5 B") ;
  T(canon("SUBJECT:   \r\n", "subject:\r\n"), "canon: empty value") ;
  T(canon("X:\ta\n\tb \r c\n", "x:a b \r c\r\n"), "canon: bare LF fold, CR kept") ;
  tern_dkim_fields(h, sizeof h - 1, &count, &sa) ;
  T(sa.len == 4 && !memcmp(sa.s, "A|B|", 4), "fields: folded kept, no colon and empty names skipped") ;
  T(tern_dkim_hdrlen("A: 1\r\n\r\nbody", 12, &b) == 6 && b == 8, "hdrlen: CRLF") ;
  T(tern_dkim_hdrlen("A: 1\n\nx", 7, &b) == 5 && b == 6, "hdrlen: LF") ;
  T(tern_dkim_hdrlen("A: 1\r\n", 6, &b) == 6 && b == 6, "hdrlen: no body") ;
  T(tern_dkim_hdrlen("\r\nbody", 6, &b) == 0 && b == 2, "hdrlen: no header") ;
  stralloc_free(&sa) ;
}

static int from (char const *hdr, int want, char const *dom)
{
  stralloc sa = STRALLOC_ZERO ;
  int r = tern_dkim_fromdomain(&sa, hdr, strlen(hdr)), ok = r == want && (!dom || (sa.len && !strcmp(sa.s, dom))) ;
  if (!ok) fprintf(stderr, "from %s: %d %.*s\n", hdr, r, (int)sa.len, sa.s) ;
  stralloc_free(&sa) ;
  return ok ;
}

static void froms (void)
{
  T(from("From: bob@Example.ORG\r\n", 1, "example.org"), "from: plain, lower-cased") ;
  T(from("To: x@y\r\nfrom: \"a@evil.test\" <bob@example.org>\r\n", 1, "example.org"), "from: quoted display name") ;
  T(from("From: Bob (x@evil.test) <bob@example.org> (c@d.test)\r\n", 1, "example.org"), "from: comments") ;
  T(from("From: a@evil.test <bob@example.org>\r\n", 1, "example.org"), "from: bare @ before <") ;
  T(from("From: bob@example.org,\r\n eve@evil.test\r\n", 1, "example.org"), "from: first mailbox") ;
  T(from("From: bob@b\xc3\xbc" "cher.example\r\n", 1, "xn--bcher-kva.example"), "from: IDN to A-label") ;
  T(from("From: a@x.test\r\nFrom: b@y.test\r\n", 0, 0), "from: two From: fields") ;
  T(from("Sender: a@x.test\r\n", 0, 0), "from: none") ;
  T(from("From: undisclosed\r\n", 0, 0), "from: no address") ;
  T(from("From: a@\r\n", 0, 0), "from: empty domain") ;
  T(from("From: a@bad..domain\r\n", 0, 0), "from: bad domain") ;
}

static void keys (tern_dkim_key *k)
{
  char const *why ;
  T(openwritenclose_unsafe("t-dkim.pem", "junk\n", 5), "write") ;
  why = tern_dkim_key_read(k, "t-dkim.pem") ;
  T(why && !strcmp(why, "no PEM private key"), "key: garbage") ;
  unlink("t-dkim.pem") ;
  why = tern_dkim_key_read(k, "t-dkim.pem") ;
  T(why && !strcmp(why, "unreadable") && errno == ENOENT, "key: missing") ;
  T(openwritenclose_unsafe("t-dkim.pem", key8, sizeof key8 - 1), "write") ;
  T(!tern_dkim_key_read(k, "t-dkim.pem") && k->alg == TERN_DKIM_RSA, "key: PKCS#8") ;
  T(openwritenclose_unsafe("t-dkim.pem", key1, sizeof key1 - 1), "write") ;
  T(!tern_dkim_key_read(k, "t-dkim.pem") && k->alg == TERN_DKIM_RSA, "key: PKCS#1") ;
  unlink("t-dkim.pem") ;
}

/* the b= of sig verifies over the canonical fields and the signature field */
static int verify (tern_dkim_key const *k, stralloc const *sig, char const *fields)
{
  br_rsa_private_key const *sk = br_skey_decoder_get_rsa(&k->dc) ;
  unsigned char n[512], e[3] = { 1, 0, 1 }, sigb[512], h1[32], h2[32] ;
  br_rsa_public_key pk = { .n = n, .e = e, .elen = 3 } ;
  stralloc data = STRALLOC_ZERO, b64 = STRALLOC_ZERO ;
  char const *b = strstr(sig->s, "\tb=") ;
  size_t siglen ;
  br_sha256_context c ;
  int ok ;
  if (!b) return 0 ;
  b += 3 ;
  pk.nlen = br_rsa_i31_compute_modulus(n, sk) ;
  for (char const *p = b ; p < sig->s + sig->len ; p++) if (*p != '\r' && *p != '\n' && *p != '\t') stralloc_catb(&b64, p, 1) ;
  ok = tern_b64_decode(sigb, sizeof sigb, &siglen, b64.s, b64.len) && siglen == pk.nlen
    && br_rsa_i31_pkcs1_vrfy(sigb, siglen, BR_HASH_OID_SHA256, 32, &pk, h1) ;
  stralloc_cats(&data, fields) ;
  tern_dkim_canonhdr(&data, sig->s, b - sig->s, 0) ;
  br_sha256_init(&c) ; br_sha256_update(&c, data.s, data.len) ; br_sha256_out(&c, h2) ;
  stralloc_free(&data) ; stralloc_free(&b64) ;
  return ok && !memcmp(h1, h2, 32) ;
}

static void sign (tern_dkim_key *k)
{
  char const hdr[] = "Received: x\r\nTo: a@x.test\r\nFrom: Bob\r\n <bob@example.org>\r\nSubject:  hi \r\nTo: b@y.test\r\nX-Other: 1" ;
  unsigned char h[32] = { 0 } ;
  stralloc sa = STRALLOC_ZERO ;
  size_t col = 0, maxcol = 0 ;
  T(tern_dkim_sign(&sa, hdr, sizeof hdr - 1, h, "example.org", "sel", 1700000000, k), "sign") ;
  T(stralloc_0(&sa), "nul") ; sa.len-- ;
  T(!strncmp(sa.s, "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.org; s=sel;\r\n\tt=1700000000;\r\n\th=from:from:to:to:subject;\r\n\tbh=AAAA", 119), "sign: tags, h= bottom-up, From oversigned") ;
  T(sa.len > 2 && !memcmp(sa.s + sa.len - 2, "\r\n", 2) && strstr(sa.s, "\r\n ") == 0, "sign: CRLF-ended, folded with tabs") ;
  for (size_t i = 0 ; i < sa.len ; i++) { if (sa.s[i] == '\n') col = 0 ; else if (++col > maxcol) maxcol = col ; }
  T(maxcol <= 78, "sign: lines of 78 at most") ;
  T(verify(k, &sa, "from:Bob <bob@example.org>\r\nto:b@y.test\r\nto:a@x.test\r\nsubject:hi\r\n"), "sign: BearSSL verifies b= over the canonical fields") ;
  stralloc_free(&sa) ;
}

/* Ed25519: a=ed25519-sha256, b= the signature of the SHA-256 of the data (RFC 8463) */
static void ed (void)
{
  static tern_dkim_key k ;
  char const hdr[] = "From: bob@example.org\r\nSubject: x\r\n" ;
  unsigned char h[32] = { 0 }, sig[64], hash[32] ;
  stralloc sa = STRALLOC_ZERO, data = STRALLOC_ZERO, b64 = STRALLOC_ZERO ;
  char const *b ;
  size_t n = 0 ;
  br_sha256_context c ;
  T(openwritenclose_unsafe("t-dkim.pem", keyed, sizeof keyed - 1), "write") ;
  T(!tern_dkim_key_read(&k, "t-dkim.pem") && k.alg == TERN_DKIM_ED25519, "key: Ed25519 PKCS#8") ;
  unlink("t-dkim.pem") ;
  T(tern_dkim_sign(&sa, hdr, sizeof hdr - 1, h, "example.org", "ed", 1, &k) && stralloc_0(&sa), "sign: Ed25519") ;
  T(!strncmp(sa.s, "DKIM-Signature: v=1; a=ed25519-sha256;", 38), "sign: a=ed25519-sha256") ;
  b = strstr(sa.s, "\tb=") ;
  T(b != 0, "sign: b=") ;
  if (!b) return ;
  for (char const *p = b + 3 ; *p ; p++) if (*p != '\r' && *p != '\n' && *p != '\t') stralloc_catb(&b64, p, 1) ;
  stralloc_cats(&data, "from:bob@example.org\r\nsubject:x\r\n") ;
  tern_dkim_canonhdr(&data, sa.s, b + 3 - sa.s, 0) ;
  br_sha256_init(&c) ; br_sha256_update(&c, data.s, data.len) ; br_sha256_out(&c, hash) ;
  T(tern_b64_decode(sig, sizeof sig, &n, b64.s, b64.len) && n == 64
    && !crypto_sign_ed25519_verify_detached(sig, hash, 32, k.ed + 32), "sign: libsodium verifies b= over the SHA-256 of the data") ;
  tern_dkim_key_wipe(&k) ;
  stralloc_free(&sa) ; stralloc_free(&data) ; stralloc_free(&b64) ;
}

int main (void)
{
  static tern_dkim_key k ;
  body() ;
  headers() ;
  froms() ;
  keys(&k) ;
  sign(&k) ;
  tern_dkim_key_wipe(&k) ;
  ed() ;
  return tdone() ;
}
