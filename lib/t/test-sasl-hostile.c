/* test-sasl-hostile: malformed, hostile and oversized messages to the SASL
   server and client end cleanly with the right failure; mechanism choice. */
#include <string.h>
#include "tern.h"
#include "tern_crypto.h"
#include "tern_sasl.h"
#include "t.h"

#define S(x) x, sizeof x - 1
#define P32 "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
#define FIRST "n,,n=bob,r=12345678"
#define CF "c=biws,r=12345678SERVERNONCE"

static tern_cred cbob ;

static int getcred (char const *user, size_t len, tern_cred *c, void *aux)
{
  (void)aux ;
  if (len != 3 || strcmp(user, "bob")) return TERN_PERM ;
  *c = cbob ;
  return TERN_OK ;
}

/* server: start with ir (if any), then feed m1, m2 (if any); last result */
static struct { char const *mech ; char const *ir ; size_t irlen ; char const *m1 ; size_t m1len ; char const *m2 ; size_t m2len ; int want ; } const sv[] =
{
  { "PLAIN", S("bob\0bob-secret"), 0, 0, 0, 0, TERN_SASL_ESYNTAX },
  { "PLAIN", S("\0bob\0bob-secret\0"), 0, 0, 0, 0, TERN_SASL_ESYNTAX },
  { "PLAIN", S("alice\0bob\0bob-secret"), 0, 0, 0, 0, TERN_SASL_EAUTH },
  { "PLAIN", S("bob\0bob\0bob-secret"), 0, 0, 0, 0, TERN_SASL_DONE },
  { "PLAIN", S("\0\0bob-secret"), 0, 0, 0, 0, TERN_SASL_EAUTH },
  { "PLAIN", S("\0bob\0"), 0, 0, 0, 0, TERN_SASL_EAUTH },
  { "PLAIN", S(""), 0, 0, 0, 0, TERN_SASL_ESYNTAX },
  { "PLAIN", 0, 0, S("\0bob\0bob-secret"), 0, 0, TERN_SASL_DONE },
  { "LOGIN", 0, 0, S("bo\0b"), 0, 0, TERN_SASL_ESYNTAX },
  { "LOGIN", 0, 0, S(""), 0, 0, TERN_SASL_ESYNTAX },
  { "LOGIN", 0, 0, S("bob"), S("bob-secret\0"), TERN_SASL_ESYNTAX },
  { "LOGIN", S("bob"), S("bob-secret"), 0, 0, TERN_SASL_DONE },
  { "LOGIN", 0, 0, S("bob"), S(""), TERN_SASL_EAUTH },
  { "CRAM-MD5", 0, 0, S("bob"), 0, 0, TERN_SASL_ESYNTAX },
  { "CRAM-MD5", 0, 0, S("bob 0123"), 0, 0, TERN_SASL_ESYNTAX },
  { "CRAM-MD5", 0, 0, S(" 0123456789abcdef0123456789abcdef"), 0, 0, TERN_SASL_ESYNTAX },
  { "CRAM-MD5", 0, 0, S("bob 0123456789abcdef0123456789abcdeg"), 0, 0, TERN_SASL_ESYNTAX },
  { "CRAM-MD5", 0, 0, S("bob\0 0123456789abcdef0123456789abcdef"), 0, 0, TERN_SASL_ESYNTAX },
  { "CRAM-MD5", 0, 0, S("bob  0123456789abcdef0123456789abcdef"), 0, 0, TERN_SASL_EAUTH },
  { "CRAM-MD5", 0, 0, S("bob 0123456789abcdef0123456789abcdef"), 0, 0, TERN_SASL_EAUTH },
  { "SCRAM-SHA-256", S(""), 0, 0, 0, 0, TERN_SASL_ESYNTAX },
  { "SCRAM-SHA-256", S("n"), 0, 0, 0, 0, TERN_SASL_ESYNTAX },
  { "SCRAM-SHA-256", S("n,"), 0, 0, 0, 0, TERN_SASL_ESYNTAX },
  { "SCRAM-SHA-256", S("p=tls-unique,,n=bob,r=12345678"), 0, 0, 0, 0, TERN_SASL_ENOTPOSS },
  { "SCRAM-SHA-256", S("x,,n=bob,r=12345678"), 0, 0, 0, 0, TERN_SASL_ESYNTAX },
  { "SCRAM-SHA-256", S("n,,m=x,n=bob,r=12345678"), 0, 0, 0, 0, TERN_SASL_ENOTPOSS },
  { "SCRAM-SHA-256", S("n,,n=bob,r=1234567"), 0, 0, 0, 0, TERN_SASL_ESYNTAX },
  { "SCRAM-SHA-256", S("n,,n=bob"), 0, 0, 0, 0, TERN_SASL_ESYNTAX },
  { "SCRAM-SHA-256", S("n,,n=,r=12345678"), 0, 0, 0, 0, TERN_SASL_ESYNTAX },
  { "SCRAM-SHA-256", S("n,,n=b=ob,r=12345678"), 0, 0, 0, 0, TERN_SASL_ESYNTAX },
  { "SCRAM-SHA-256", S("n,,n=bo\0b,r=12345678"), 0, 0, 0, 0, TERN_SASL_ESYNTAX },
  { "SCRAM-SHA-256", S("n,,n=bob,r=1234\001678"), 0, 0, 0, 0, TERN_SASL_ESYNTAX },
  { "SCRAM-SHA-256", S("n,a=alice,n=bob,r=12345678"), 0, 0, 0, 0, TERN_SASL_EAUTH },
  { "SCRAM-SHA-256", S("n,a=,n=bob,r=12345678"), 0, 0, 0, 0, TERN_SASL_ESYNTAX },
  { "SCRAM-SHA-256", S("n,a=bob,n=bob,r=12345678"), 0, 0, 0, 0, TERN_SASL_NEXT },
  { "SCRAM-SHA-256", S("y,,n=bob,r=12345678,x=ext"), 0, 0, 0, 0, TERN_SASL_NEXT },
  { "SCRAM-SHA-256", S(FIRST), S(CF), 0, 0, TERN_SASL_ESYNTAX },
  { "SCRAM-SHA-256", S(FIRST), S(CF ",p=!!!!"), 0, 0, TERN_SASL_ESYNTAX },
  { "SCRAM-SHA-256", S(FIRST), S(CF ",p=AAAA"), 0, 0, TERN_SASL_ESYNTAX },
  { "SCRAM-SHA-256", S(FIRST), S(CF ",p="), 0, 0, TERN_SASL_ESYNTAX },
  { "SCRAM-SHA-256", S(FIRST), S("c=eSws,r=12345678SERVERNONCE,p=" P32), 0, 0, TERN_SASL_EAUTH },
  { "SCRAM-SHA-256", S(FIRST), S("c=biws,r=12345678SERVERNONCF,p=" P32), 0, 0, TERN_SASL_EAUTH },
  { "SCRAM-SHA-256", S(FIRST), S(CF "X,p=" P32), 0, 0, TERN_SASL_EAUTH },
  { "SCRAM-SHA-256", S(FIRST), S(CF ",p=" P32), 0, 0, TERN_SASL_NEXT },
  { "SCRAM-SHA-256", S(FIRST), S(CF ",p=" P32), S(""), TERN_SASL_EAUTH },
  { "SCRAM-SHA-256", S(FIRST), S(CF ",x=1,p=" P32), S(""), TERN_SASL_EAUTH },
  { "SCRAM-SHA-256", S(FIRST), S(CF "\0,p=" P32), 0, 0, TERN_SASL_ESYNTAX },
} ;

/* client: mechanism, then server messages m1, m2; last result */
static struct { char const *mech ; char const *m1 ; char const *m2 ; int want ; } const cl[] =
{
  { "SCRAM-SHA-256", "m=x,r=clientnonce12345678,s=c2FsdHNhbHQ=,i=4096", 0, TERN_SASL_ESYNTAX },
  { "SCRAM-SHA-256", "r=clientnonce1234567,s=c2FsdHNhbHQ=,i=4096", 0, TERN_SASL_ESYNTAX },
  { "SCRAM-SHA-256", "r=clientnonce12345678,s=c2FsdA==,i=4096", 0, TERN_SASL_ESYNTAX },
  { "SCRAM-SHA-256", "r=clientnonce12345678,s=c2FsdHNhbHQ=,i=2047", 0, TERN_SASL_ESYNTAX },
  { "SCRAM-SHA-256", "r=clientnonce12345678,s=c2FsdHNhbHQ=,i=99999999999", 0, TERN_SASL_ESYNTAX },
  { "SCRAM-SHA-256", "r=clientnonce12345678,s=c2FsdHNhbHQ=,i=", 0, TERN_SASL_ESYNTAX },
  { "SCRAM-SHA-256", "r=othernonce123456789,s=c2FsdHNhbHQ=,i=4096", 0, TERN_SASL_ESYNTAX },
  { "SCRAM-SHA-256", "r=clientnonce12345678,s=!!,i=4096", 0, TERN_SASL_ESYNTAX },
  { "SCRAM-SHA-256", "r=clientnonce12345678,s=c2FsdHNhbHQ=", 0, TERN_SASL_ESYNTAX },
  { "SCRAM-SHA-256", "", 0, TERN_SASL_ESYNTAX },
  { "SCRAM-SHA-256", "r=clientnonce12345678,s=c2FsdHNhbHQ=,i=4096,x=ext", 0, TERN_SASL_NEXT },
  { "SCRAM-SHA-256", "r=clientnonce12345678,s=c2FsdHNhbHQ=,i=4096", "e=invalid-proof", TERN_SASL_EAUTH },
  { "SCRAM-SHA-256", "r=clientnonce12345678,s=c2FsdHNhbHQ=,i=4096", "v=" P32, TERN_SASL_EAUTH },
  { "SCRAM-SHA-256", "r=clientnonce12345678,s=c2FsdHNhbHQ=,i=4096", "v=abc", TERN_SASL_ESYNTAX },
  { "SCRAM-SHA-256", "r=clientnonce12345678,s=c2FsdHNhbHQ=,i=4096", "", TERN_SASL_ESYNTAX },
  { "CRAM-MD5", "<.x@y>", 0, TERN_SASL_ESYNTAX },
  { "CRAM-MD5", "<1.@y>", 0, TERN_SASL_ESYNTAX },
  { "CRAM-MD5", "<1.2@>", 0, TERN_SASL_ESYNTAX },
  { "CRAM-MD5", "1.2@h", 0, TERN_SASL_ESYNTAX },
  { "CRAM-MD5", "<12@h>", 0, TERN_SASL_ESYNTAX },
  { "CRAM-MD5", "<1.2@h>", 0, TERN_SASL_NEXT },
  { "CRAM-MD5", "<1.2@h>", "<1.2@h>", TERN_SASL_ESYNTAX },
} ;

static struct { char const *offered ; char const *const *prefs ; char const *want ; } const ch[] =
{
  { "PLAIN LOGIN CRAM-MD5 scram-sha-1 SCRAM-SHA-256", 0, "SCRAM-SHA-256" },
  { "PLAIN CRAM-MD5 SCRAM-SHA-1", 0, "SCRAM-SHA-1" },
  { "PLAIN CRAM-MD5", 0, "CRAM-MD5" },
  { "PLAIN LOGIN", 0, 0 },
  { "", 0, 0 },
  { "SCRAM-SHA-256-PLUS", 0, 0 },
  { "plain", (char const *const []){ "PLAIN", 0 }, "PLAIN" },
  { "SCRAM-SHA-256 CRAM-MD5 PLAIN", (char const *const []){ "CRAM-MD5", "SCRAM-SHA-256", "PLAIN", 0 }, "CRAM-MD5" },
  { "SCRAM-SHA-256 PLAIN", (char const *const []){ "SCRAM-SHA-1", "CRAM-MD5", "PLAIN", 0 }, "PLAIN" },
} ;

int main (void)
{
  stralloc f = STRALLOC_ZERO ;
  T(tern_cred_make("bob-secret", 10, &f) && tern_cred_parse(f.s, f.len, &cbob), "bob's credentials") ;
  for (size_t i = 0 ; i < sizeof sv / sizeof *sv ; i++)
  {
    tern_sasl_server s = TERN_SASL_SERVER_ZERO ;
    int r ;
    s.get = &getcred ; s.testnonce = "SERVERNONCE" ;
    r = tern_sasl_server_start(&s, sv[i].mech, sv[i].ir, sv[i].irlen, !!sv[i].ir) ;
    if (r == TERN_SASL_NEXT && sv[i].m1) r = tern_sasl_server_step(&s, sv[i].m1, sv[i].m1len) ;
    if (r == TERN_SASL_NEXT && sv[i].m2) r = tern_sasl_server_step(&s, sv[i].m2, sv[i].m2len) ;
    if (r != sv[i].want) fprintf(stderr, "server case %zu: got %d\n", i, r) ;
    T(r == sv[i].want, sv[i].ir ? sv[i].ir : sv[i].m1) ;
    tern_sasl_server_free(&s) ;
  }
  for (size_t i = 0 ; i < sizeof cl / sizeof *cl ; i++)
  {
    tern_sasl_client c = TERN_SASL_CLIENT_ZERO ;
    int r ;
    c.testnonce = "clientnonce" ;
    r = tern_sasl_client_start(&c, cl[i].mech, "bob", "bob-secret") ;
    if (r == TERN_SASL_NEXT) r = tern_sasl_client_step(&c, cl[i].m1, strlen(cl[i].m1)) ;
    if (r == TERN_SASL_NEXT && cl[i].m2) r = tern_sasl_client_step(&c, cl[i].m2, strlen(cl[i].m2)) ;
    T(r == cl[i].want && (r == TERN_SASL_NEXT || c.err), cl[i].m2 ? cl[i].m2 : cl[i].m1) ;
    if (cl[i].m2 && !strcmp(cl[i].m2, "e=invalid-proof"))
      T(c.out.len == 13 && !memcmp(c.out.s, "invalid-proof", 13), "the server's error is kept") ;
    tern_sasl_client_free(&c) ;
  }
  {
    /* oversized messages on both sides */
    tern_sasl_server s = TERN_SASL_SERVER_ZERO ;
    tern_sasl_client c = TERN_SASL_CLIENT_ZERO ;
    static char big[TERN_SASL_MAX + 1] ;
    memset(big, 'a', sizeof big) ;
    s.get = &getcred ;
    T(tern_sasl_server_start(&s, "PLAIN", big, sizeof big, 1) == TERN_SASL_ESYNTAX, "huge initial response") ;
    T(tern_sasl_server_start(&s, "LOGIN", 0, 0, 0) == TERN_SASL_NEXT && tern_sasl_server_step(&s, big, sizeof big) == TERN_SASL_ESYNTAX, "huge LOGIN user") ;
    T(tern_sasl_server_step(&s, "bob", 3) == TERN_SASL_ESYNTAX, "no step after failure") ;
    T(tern_sasl_server_start(&s, "PLAIN", "\0bob\0bob-secret", 15, 1) == TERN_SASL_DONE, "PLAIN") ;
    T(tern_sasl_server_step(&s, "", 0) == TERN_SASL_ESYNTAX, "no step after success") ;
    T(tern_sasl_client_start(&c, "SCRAM-SHA-1", "bob", "x") == TERN_SASL_NEXT && tern_sasl_client_step(&c, big, sizeof big) == TERN_SASL_ESYNTAX, "huge server-first") ;
    T(tern_sasl_client_start(&c, "DIGEST-MD5", "bob", "x") == TERN_SASL_ENOMECH, "client: unknown mechanism") ;
    tern_sasl_server_free(&s) ;
    tern_sasl_client_free(&c) ;
  }
  for (size_t i = 0 ; i < sizeof ch / sizeof *ch ; i++)
  {
    char const *r = tern_sasl_client_choose(ch[i].offered, strlen(ch[i].offered), ch[i].prefs) ;
    T(ch[i].want ? r && !strcmp(r, ch[i].want) : !r, ch[i].offered) ;
  }
  stralloc_free(&f) ;
  return tdone() ;
}
