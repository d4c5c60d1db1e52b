/* test-cred: making, parsing, checking, writing and reading credentials;
   hostile credentials files. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "tern.h"
#include "tern_crypto.h"
#include "tern_cred.h"
#include "t.h"

#define K32 "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
#define K20 "AAAAAAAAAAAAAAAAAAAAAAAAAAA="
#define H32 "00112233445566778899aabbccddeeff"
#define HEAD "tern-credentials 1\n"

static struct { char const *file ; int ok ; unsigned int has ; } const files[] =
{
  { HEAD, 1, 0 },
  { HEAD "scram-sha-256 4096 c2FsdA== " K32 " " K32 "\n", 1, TERN_CRED_S256 },
  { HEAD "scram-sha-1 1 c2FsdA== " K20 " " K20 "\n", 1, TERN_CRED_S1 },
  { HEAD "cram-md5 " H32 " " H32 "\n", 1, TERN_CRED_CRAM },
  { HEAD "future-mech whatever\n" "cram-md5 " H32 " " H32 "\n", 1, TERN_CRED_CRAM },
  { "", 0, 0 },
  { "tern-credentials 2\n", 0, 0 },
  { "tern-credentials 1", 0, 0 },
  { HEAD "cram-md5 " H32 " " H32, 0, 0 },
  { HEAD "cram-md5 " H32 " " H32 "\n" "cram-md5 " H32 " " H32 "\n", 0, 0 },
  { HEAD "cram-md5 " H32 "\n", 0, 0 },
  { HEAD "cram-md5 " H32 " " H32 " x\n", 0, 0 },
  { HEAD "cram-md5 " H32 "  " H32 "\n", 0, 0 },
  { HEAD "cram-md5 " H32 " 0011223344556677889Xaabbccddeeff\n", 0, 0 },
  { HEAD "scram-sha-256 4096 c2FsdA== " K20 " " K32 "\n", 0, 0 },
  { HEAD "scram-sha-256 4096 c2FsdA== " K32 " " K32 " \n", 0, 0 },
  { HEAD "scram-sha-256 4096 c2FsdA= " K32 " " K32 "\n", 0, 0 },
  { HEAD "scram-sha-256 4096  " K32 " " K32 "\n", 0, 0 },
  { HEAD "scram-sha-256 0 c2FsdA== " K32 " " K32 "\n", 0, 0 },
  { HEAD "scram-sha-256 04096 c2FsdA== " K32 " " K32 "\n", 0, 0 },
  { HEAD "scram-sha-256 1000001 c2FsdA== " K32 " " K32 "\n", 0, 0 },
  { HEAD "scram-sha-256 99999999999999999999 c2FsdA== " K32 " " K32 "\n", 0, 0 },
  { HEAD "scram-sha-256 -1 c2FsdA== " K32 " " K32 "\n", 0, 0 },
  { HEAD "scram-sha-256 4096 " K32 K32 K32 " " K32 " " K32 "\n", 0, 0 },
  { HEAD "scram-sha-256\n", 0, 0 },
  { HEAD "\n", 1, 0 },
} ;

int main (void)
{
  static unsigned char const salt[16] = "0123456789abcdef" ;
  stralloc sa = STRALLOC_ZERO ;
  tern_cred c ;
  for (size_t i = 0 ; i < sizeof files / sizeof *files ; i++)
  {
    int r = tern_cred_parse(files[i].file, strlen(files[i].file), &c) ;
    T(r == files[i].ok && (r ? c.has == files[i].has : errno == EPROTO && !c.has), files[i].file) ;
  }
  T(!tern_cred_parse(HEAD "cram-md5 " H32 "\0" H32 "\n", sizeof HEAD + 73, &c), "embedded NUL") ;
  T(tern_cred_make_salted("pencil", 6, salt, salt, 16, 4096, &sa), "make") ;
  T(tern_cred_parse(sa.s, sa.len, &c) && c.has == 7, "made file parses with all three parts") ;
  T(c.s256.iter == 4096 && c.s1.iter == 4096 && c.s256.saltlen == 16 && !memcmp(c.s1.salt, salt, 16), "salt and iterations kept") ;
  T(tern_cred_check_plain(&c, "pencil", 6), "right password") ;
  T(!tern_cred_check_plain(&c, "pencim", 6), "wrong password") ;
  T(!tern_cred_check_plain(&c, "pencil ", 7), "password with a trailing space is another password") ;
  {
    /* NFC: precomposed and decomposed forms are one password; other text is not */
    stralloc u = STRALLOC_ZERO ;
    tern_cred cu ;
    T(tern_cred_make("caf\xc3\xa9-p\xc3\xa4ss", 11, &u) && tern_cred_parse(u.s, u.len, &cu), "make a UTF-8 password") ;
    T(tern_cred_check_plain(&cu, "caf\xc3\xa9-p\xc3\xa4ss", 11), "UTF-8 password, same bytes") ;
    T(tern_cred_check_plain(&cu, "cafe\xcc\x81-pa\xcc\x88ss", 13), "UTF-8 password, decomposed form") ;
    T(!tern_cred_check_plain(&cu, "cafe-pass", 9), "the accents matter") ;
    stralloc_free(&u) ;
  }
  T(!tern_cred_check_plain(&c, "", 0), "empty password") ;
  {
    /* continuing the stored CRAM states gives HMAC-MD5 */
    unsigned char want[16], inner[16], got[16] ;
    br_md5_context m ;
    tern_hmac(&br_md5_vtable, "pencil", 6, "<1.2@h>", 7, want) ;
    br_md5_set_state(&m, c.cram_i, 64) ; br_md5_update(&m, "<1.2@h>", 7) ; br_md5_out(&m, inner) ;
    br_md5_set_state(&m, c.cram_o, 64) ; br_md5_update(&m, inner, 16) ; br_md5_out(&m, got) ;
    T(!memcmp(want, got, 16), "CRAM-MD5 states continue to HMAC-MD5") ;
  }
  {
    char key[100] ;
    tern_cred k = TERN_CRED_ZERO ;
    unsigned char want[16], inner[16], got[16] ;
    br_md5_context m ;
    memset(key, 'k', sizeof key) ;
    tern_cred_cram_states(&k, key, sizeof key) ;
    tern_hmac(&br_md5_vtable, key, sizeof key, "x", 1, want) ;
    br_md5_set_state(&m, k.cram_i, 64) ; br_md5_update(&m, "x", 1) ; br_md5_out(&m, inner) ;
    br_md5_set_state(&m, k.cram_o, 64) ; br_md5_update(&m, inner, 16) ; br_md5_out(&m, got) ;
    T(!memcmp(want, got, 16), "CRAM-MD5 states with a key over 64 bytes") ;
  }
  {
    char dir[] = "/tmp/tern-test-cred.XXXXXX" ;
    char p[sizeof dir + 16] ;
    struct stat st ;
    T(mkdtemp(dir) != 0, "mkdtemp") ;
    strcpy(p, dir) ; strcat(p, "/credentials") ;
    T(!tern_cred_read(p, &c) && errno == ENOENT, "read of a missing file: ENOENT") ;
    T(tern_cred_write(p, "secret-one", 10), "write") ;
    T(!stat(p, &st) && (st.st_mode & 0777) == 0640, "mode 0640") ;
    T(tern_cred_read(p, &c) && tern_cred_check_plain(&c, "secret-one", 10), "read back and check") ;
    T(tern_cred_write(p, "secret-two", 10) && tern_cred_read(p, &c), "replace") ;
    T(tern_cred_check_plain(&c, "secret-two", 10) && !tern_cred_check_plain(&c, "secret-one", 10), "new password replaces old") ;
    sa.len = 0 ;
    T(stralloc_catb(&sa, HEAD, sizeof HEAD - 1) && stralloc_readyplus(&sa, 5000), "big file") ;
    while (sa.len < 5000) sa.s[sa.len++] = '\n' ;
    T(tern_file_replace(p, sa.s, sa.len, 0600) && !tern_cred_read(p, &c) && errno == EPROTO, "oversized file is EPROTO") ;
    unlink(p) ; rmdir(dir) ;
  }
  stralloc_free(&sa) ;
  return tdone() ;
}
