/* tern_cred_make_salted: a credentials file for a password, given salts
   and an iteration count (tern_cred_make picks random salts). */
#include <string.h>
#include <skalibs/types.h>
#include "tern_crypto.h"
#include "tern_cred.h"

static int scram (stralloc *sa, char const *name, tern_cred_scram *k, br_hash_class const *h, char const *pw, size_t len)
{
  char fmt[ULONG_FMT] ;
  size_t hlen = tern_hash_len(h) ;
  tern_cred_scram_keys(k, h, pw, len) ;
  return stralloc_cats(sa, name) && stralloc_catb(sa, " ", 1)
    && stralloc_catb(sa, fmt, ulong_fmt(fmt, k->iter)) && stralloc_catb(sa, " ", 1)
    && tern_b64_cat(sa, k->salt, k->saltlen) && stralloc_catb(sa, " ", 1)
    && tern_b64_cat(sa, k->stored, hlen) && stralloc_catb(sa, " ", 1)
    && tern_b64_cat(sa, k->server, hlen) && stralloc_catb(sa, "\n", 1) ;
}

int tern_cred_make_salted (char const *pw, size_t len, unsigned char const *salt256, unsigned char const *salt1, size_t saltlen, unsigned long iter, stralloc *sa)
{
  tern_cred c = TERN_CRED_ZERO ;
  char hex[33] ;
  int ok ;
  if (saltlen > TERN_CRED_SALTMAX) saltlen = TERN_CRED_SALTMAX ;
  c.s256.iter = c.s1.iter = iter ;
  c.s256.saltlen = c.s1.saltlen = saltlen ;
  memcpy(c.s256.salt, salt256, saltlen) ;
  memcpy(c.s1.salt, salt1, saltlen) ;
  tern_cred_cram_states(&c, pw, len) ;
  ok = stralloc_cats(sa, "tern-credentials 1\n")
    && scram(sa, "scram-sha-256", &c.s256, &br_sha256_vtable, pw, len)
    && scram(sa, "scram-sha-1", &c.s1, &br_sha1_vtable, pw, len)
    && stralloc_cats(sa, "cram-md5 ") ;
  if (ok)
  {
    tern_hex_fmt(hex, c.cram_i, 16) ; hex[32] = ' ' ;
    ok = stralloc_catb(sa, hex, 33) ;
    tern_hex_fmt(hex, c.cram_o, 16) ; hex[32] = '\n' ;
    ok = ok && stralloc_catb(sa, hex, 33) ;
  }
  memset(&c, 0, sizeof c) ;
  return ok ;
}
