/* test-sasl: SASL client and server: RFC 5802, RFC 7677 and RFC 2195
   examples, round trips for every mechanism, mechanism choice, hostile
   messages. */
#include <string.h>
#include "tern.h"
#include "tern_crypto.h"
#include "tern_sasl.h"
#include "t.h"

static tern_cred cuser, ctim, cbob ;

static int getcred (char const *user, size_t len, tern_cred *c, void *aux)
{
  (void)aux ;
  if (len != strlen(user)) return TERN_PERM ;
  if (!strcmp(user, "user")) { *c = cuser ; return TERN_OK ; }
  if (!strcmp(user, "tim")) { *c = ctim ; return TERN_OK ; }
  if (!strcmp(user, "bob") || !strcmp(user, "b,o=b")) { *c = cbob ; return TERN_OK ; }
  if (!strcmp(user, "temp")) return TERN_TEMP ;
  return TERN_PERM ;
}

static void scramcred (tern_cred_scram *k, br_hash_class const *h, char const *b64salt)
{
  size_t n ;
  tern_b64_decode(k->salt, sizeof k->salt, &n, b64salt, strlen(b64salt)) ;
  k->saltlen = n ; k->iter = 4096 ;
  tern_cred_scram_keys(k, h, "pencil", 6) ;
}

static int eq (stralloc const *sa, char const *s)
{
  return sa->len == strlen(s) && !memcmp(sa->s, s, sa->len) ;
}

/* One RFC example: client messages c1 c2, server messages s1 s2. */
static void rfc (char const *mech, char const *cn, char const *sn, char const *c1, char const *s1, char const *c2, char const *s2)
{
  tern_sasl_client c = TERN_SASL_CLIENT_ZERO ;
  tern_sasl_server s = TERN_SASL_SERVER_ZERO ;
  c.testnonce = cn ; s.testnonce = sn ; s.get = &getcred ;
  T(tern_sasl_client_start(&c, mech, "user", "pencil") == TERN_SASL_NEXT && c.hasout && eq(&c.out, c1), c1) ;
  T(tern_sasl_client_step(&c, s1, strlen(s1)) == TERN_SASL_NEXT && !c.last && eq(&c.out, c2), c2) ;
  T(tern_sasl_client_step(&c, s2, strlen(s2)) == TERN_SASL_NEXT && c.last && !c.out.len, "client accepts the server signature") ;
  T(tern_sasl_client_step(&c, "", 0) == TERN_SASL_ESYNTAX, "nothing after the last message") ;
  T(tern_sasl_server_start(&s, mech, c1, strlen(c1), 1) == TERN_SASL_NEXT && eq(&s.out, s1), s1) ;
  T(tern_sasl_server_step(&s, c2, strlen(c2)) == TERN_SASL_NEXT && eq(&s.out, s2), s2) ;
  T(tern_sasl_server_step(&s, "", 0) == TERN_SASL_DONE && !strcmp(s.user.s, "user") && !s.authz.s[0], "server done") ;
  tern_sasl_client_free(&c) ;
  tern_sasl_server_free(&s) ;
}

/* Runs client against server; returns the server's final result. */
static int trip (char const *mech, char const *user, char const *pass, int ir)
{
  tern_sasl_client c = TERN_SASL_CLIENT_ZERO ;
  tern_sasl_server s = TERN_SASL_SERVER_ZERO ;
  int r = tern_sasl_client_start(&c, mech, user, pass), rc = TERN_SASL_NEXT, n = 0 ;
  s.get = &getcred ; s.hostname = "mx.example" ;
  if (r != TERN_SASL_NEXT) return -1 ;
  r = tern_sasl_server_start(&s, mech, c.out.s, c.out.len, c.hasout && ir) ;
  if (c.hasout && !ir)
  {
    /* no initial response: the server sends an empty challenge first */
    if (r != TERN_SASL_NEXT || s.out.len) return -2 ;
    r = tern_sasl_server_step(&s, c.out.s, c.out.len) ;
  }
  while (r == TERN_SASL_NEXT && n++ < 10)
  {
    rc = tern_sasl_client_step(&c, s.out.s, s.out.len) ;
    if (rc != TERN_SASL_NEXT) { rc = tern_sasl_server_step(&s, "*", 1) ; r = rc == TERN_SASL_EAUTH ? TERN_SASL_EAUTH : -3 ; break ; }
    r = tern_sasl_server_step(&s, c.out.s, c.out.len) ;
  }
  if (r == TERN_SASL_DONE && (!c.last || strcmp(s.user.s, user))) r = -4 ;
  tern_sasl_client_free(&c) ;
  tern_sasl_server_free(&s) ;
  return r ;
}

int main (void)
{
  static char const *const mechs[] = { "PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-1", "scram-sha-256" } ;
  scramcred(&cuser.s1, &br_sha1_vtable, "QSXCR+Q6sek8bf92") ;
  scramcred(&cuser.s256, &br_sha256_vtable, "W22ZaJ0SNY7soEsUEjb6gQ==") ;
  cuser.has = TERN_CRED_S1 | TERN_CRED_S256 ;
  tern_cred_cram_states(&ctim, "tanstaaftanstaaf", 16) ;
  {
    stralloc f = STRALLOC_ZERO ;
    T(tern_cred_make("bob-secret", 10, &f) && tern_cred_parse(f.s, f.len, &cbob), "bob's credentials") ;
    stralloc_free(&f) ;
  }
  rfc("SCRAM-SHA-1", "fyko+d2lbbFgONRv9qkxdawL", "3rfcNHYJY1ZVvWVs7j",
    "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL",
    "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096",
    "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=",
    "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=") ;
  rfc("SCRAM-SHA-256", "rOprNGfwEbeRWgbNEkqO", "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0",
    "n,,n=user,r=rOprNGfwEbeRWgbNEkqO",
    "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
    "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
    "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=") ;
  {
    /* RFC 2195 section 2; the challenge is base64 PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+ */
    static char const ch[] = "<1896.697170952@postoffice.reston.mci.net>" ;
    static char const resp[] = "tim b913a602c7eda7a495b4e6e7334d3890" ;
    tern_sasl_client c = TERN_SASL_CLIENT_ZERO ;
    tern_sasl_server s = TERN_SASL_SERVER_ZERO ;
    T(tern_sasl_client_start(&c, "CRAM-MD5", "tim", "tanstaaftanstaaf") == TERN_SASL_NEXT && !c.hasout, "CRAM-MD5 has no initial response") ;
    T(tern_sasl_client_step(&c, ch, sizeof ch - 1) == TERN_SASL_NEXT && c.last && eq(&c.out, resp), "RFC 2195 response") ;
    s.get = &getcred ; s.testnonce = ch ;
    T(tern_sasl_server_start(&s, "cram-md5", 0, 0, 0) == TERN_SASL_NEXT && eq(&s.out, ch), "RFC 2195 challenge") ;
    T(tern_sasl_server_step(&s, resp, sizeof resp - 1) == TERN_SASL_DONE && !strcmp(s.user.s, "tim"), "RFC 2195 server accepts") ;
    T(tern_sasl_server_start(&s, "CRAM-MD5", 0, 0, 0) == TERN_SASL_NEXT, "again") ;
    T(tern_sasl_server_step(&s, "tim B913A602C7EDA7A495B4E6E7334D3890", 36) == TERN_SASL_ESYNTAX, "uppercase hex is bad syntax") ;
    T(tern_sasl_server_start(&s, "CRAM-MD5", "x", 1, 1) == TERN_SASL_ESYNTAX, "CRAM-MD5 initial response refused") ;
    s.testnonce = 0 ;
    T(tern_sasl_server_start(&s, "CRAM-MD5", 0, 0, 0) == TERN_SASL_NEXT && s.out.len > 14 && s.out.s[0] == '<'
      && !memcmp(s.out.s + s.out.len - 11, "@localhost>", 11), "random challenge names the host") ;
    tern_sasl_client_free(&c) ;
    tern_sasl_server_free(&s) ;
  }
  for (unsigned int i = 0 ; i < sizeof mechs / sizeof *mechs ; i++)
  {
    for (int ir = 0 ; ir < 2 ; ir++)
    {
      T(trip(mechs[i], "bob", "bob-secret", ir) == TERN_SASL_DONE, mechs[i]) ;
      T(trip(mechs[i], "bob", "bob-secreT", ir) == TERN_SASL_EAUTH, mechs[i]) ;
      T(trip(mechs[i], "nobody", "bob-secret", ir) == TERN_SASL_EAUTH, mechs[i]) ;
      T(trip(mechs[i], "temp", "x", ir) == TERN_SASL_ETEMP, mechs[i]) ;
    }
    T(trip(mechs[i], "b,o=b", "bob-secret", 1) == TERN_SASL_DONE, "user with , and =") ;
  }
  T(trip("CRAM-MD5", "user", "pencil", 1) == TERN_SASL_ENOTPOSS, "no stored CRAM-MD5 data") ;
  T(trip("PLAIN", "user", "pencil", 1) == TERN_SASL_DONE, "PLAIN checked against SCRAM-SHA-256 data") ;
  {
    tern_sasl_server s = TERN_SASL_SERVER_ZERO ;
    T(tern_sasl_server_start(&s, "GSSAPI", 0, 0, 0) == TERN_SASL_ENOMECH, "unknown mechanism") ;
    tern_sasl_server_free(&s) ;
  }
  return tdone() ;
}
