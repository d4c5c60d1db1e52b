/* test-crypto: base64, hex, HMAC (RFC 2202, RFC 4231), PBKDF2 (RFC 6070,
   RFC 7914 and published SHA-256 vectors), constant-time compare. */
#include <errno.h>
#include <string.h>
#include "tern_crypto.h"
#include "t.h"

static struct { char const *h ; char const *key ; size_t klen ; char const *msg ; char const *hex ; } const hmacs[] =
{
  { "md5", "\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b", 16, "Hi There", "9294727a3638bb1c13f48ef8158bfc9d" },
  { "md5", "Jefe", 4, "what do ya want for nothing?", "750c783e6ab0b503eaa86e310a5db738" },
  { "md5", 0, 80, "Test Using Larger Than Block-Size Key - Hash Key First", "6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd" },
  { "sha1", "\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b", 20, "Hi There", "b617318655057264e28bc0b6fb378c8ef146be00" },
  { "sha1", "Jefe", 4, "what do ya want for nothing?", "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79" },
  { "sha1", 0, 80, "Test Using Larger Than Block-Size Key - Hash Key First", "aa4ae5e15272d00e95705637ce8a3b55ed402112" },
  { "sha256", "\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b", 20, "Hi There", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7" },
  { "sha256", "Jefe", 4, "what do ya want for nothing?", "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" },
  { "sha256", 0, 131, "Test Using Larger Than Block-Size Key - Hash Key First", "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54" },
} ;

static struct { char const *h ; char const *pw ; size_t pwlen ; char const *salt ; size_t saltlen ; unsigned long iter ; char const *hex ; } const pbkdf2s[] =
{
  { "sha1", "password", 8, "salt", 4, 1, "0c60c80f961f0e71f3a9b524af6012062fe037a6" },
  { "sha1", "password", 8, "salt", 4, 2, "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957" },
  { "sha1", "password", 8, "salt", 4, 4096, "4b007901b765489abead49d926f721d065a429c1" },
  { "sha1", "passwordPASSWORDpassword", 24, "saltSALTsaltSALTsaltSALTsaltSALTsalt", 36, 4096, "3d2eec4fe41c849b80c8d83662c0e44a8b291a964cf2f07038" },
  { "sha1", "pass\0word", 9, "sa\0lt", 5, 4096, "56fa6aa75548099dcc37d7f03425e0c3" },
  { "sha256", "passwd", 6, "salt", 4, 1, "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783" },
  { "sha256", "password", 8, "salt", 4, 4096, "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a" },
  { "sha256", "passwordPASSWORDpassword", 24, "saltSALTsaltSALTsaltSALTsaltSALTsalt", 36, 4096, "348c89dbcbd32b2f32d814b8116e84cf2b17347ebc1800181c4e2a1fb8dd53e1c635518c7dac47e9" },
} ;

/* RFC 4648 section 10 vectors, then strictness cases. */
static struct { char const *in ; char const *b64 ; int ok ; } const b64s[] =
{
  { "", "", 1 }, { "f", "Zg==", 1 }, { "fo", "Zm8=", 1 }, { "foo", "Zm9v", 1 },
  { "foob", "Zm9vYg==", 1 }, { "fooba", "Zm9vYmE=", 1 }, { "foobar", "Zm9vYmFy", 1 },
  { 0, "Zg=", 0 }, { 0, "Zg", 0 }, { 0, "Zh==", 0 }, { 0, "Zm9=", 0 }, { 0, "Z===", 0 },
  { 0, "====", 0 }, { 0, "Zg==Zg==", 0 }, { 0, "Zm 9v", 0 }, { 0, "Zm9v\n", 0 },
  { 0, "Zm-v", 0 }, { 0, "Zm=v", 0 }, { 0, "Z\0==", 0 },
} ;

static br_hash_class const *hash (char const *name)
{
  return !strcmp(name, "md5") ? &br_md5_vtable : !strcmp(name, "sha1") ? &br_sha1_vtable : &br_sha256_vtable ;
}

int main (void)
{
  unsigned char out[128], big[131] ;
  char hex[257] ;
  memset(big, 0xaa, sizeof big) ;
  for (size_t i = 0 ; i < sizeof hmacs / sizeof *hmacs ; i++)
  {
    size_t n = tern_hmac(hash(hmacs[i].h), hmacs[i].key ? hmacs[i].key : (char *)big, hmacs[i].klen, hmacs[i].msg, strlen(hmacs[i].msg), out) ;
    tern_hex_fmt(hex, out, n) ;
    T(n * 2 == strlen(hmacs[i].hex) && !memcmp(hex, hmacs[i].hex, 2 * n), hmacs[i].hex) ;
  }
  for (size_t i = 0 ; i < sizeof pbkdf2s / sizeof *pbkdf2s ; i++)
  {
    size_t n = strlen(pbkdf2s[i].hex) / 2 ;
    tern_pbkdf2(hash(pbkdf2s[i].h), pbkdf2s[i].pw, pbkdf2s[i].pwlen, pbkdf2s[i].salt, pbkdf2s[i].saltlen, pbkdf2s[i].iter, out, n) ;
    tern_hex_fmt(hex, out, n) ;
    T(!memcmp(hex, pbkdf2s[i].hex, 2 * n), pbkdf2s[i].hex) ;
  }
  for (size_t i = 0 ; i < sizeof b64s / sizeof *b64s ; i++)
  {
    stralloc sa = STRALLOC_ZERO ;
    size_t blen = strlen(b64s[i].b64) ;
    if (b64s[i].b64[0] == 'Z' && !b64s[i].b64[1]) blen = 4 ;  /* "Z\0==" */
    if (b64s[i].in)
    {
      T(tern_b64_cat(&sa, b64s[i].in, strlen(b64s[i].in)) && sa.len == blen && !memcmp(sa.s, b64s[i].b64, blen), b64s[i].b64) ;
      sa.len = 0 ;
      T(tern_b64_decat(&sa, b64s[i].b64, blen) && sa.len == strlen(b64s[i].in) && !memcmp(sa.s, b64s[i].in, sa.len), b64s[i].b64) ;
    }
    else T(!tern_b64_decat(&sa, b64s[i].b64, blen) && errno == EINVAL && !sa.len, b64s[i].b64) ;
    stralloc_free(&sa) ;
  }
  {
    size_t n = 99 ;
    T(!tern_b64_decode(out, 5, &n, "Zm9vYmFy", 8) && errno == EOVERFLOW, "decode respects max") ;
    T(tern_b64_decode(out, 6, &n, "Zm9vYmFy", 8) && n == 6, "decode fits exactly") ;
    T(tern_b64_decode(out, 0, &n, "Z\0==", 4) == 0, "embedded NUL is bad base64") ;
  }
  T(tern_hex_scan(out, 2, "aBf0") && out[0] == 0xab && out[1] == 0xf0, "hex scan") ;
  T(!tern_hex_scan(out, 2, "abg0"), "hex scan rejects g") ;
  T(tern_ctcmp("abc", "abc", 3) && !tern_ctcmp("abc", "abd", 3) && tern_ctcmp("", "x", 0), "ctcmp") ;
  {
    unsigned char r1[16], r2[16] ;
    tern_random(r1, 16) ; tern_random(r2, 16) ;
    T(memcmp(r1, r2, 16), "two random draws differ") ;
  }
  return tdone() ;
}
