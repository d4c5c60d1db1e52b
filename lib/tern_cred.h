/* tern_cred.h: an account's stored credentials, ACCOUNTDIR/credentials.
   Never the password: per mechanism only what verifies it (RFC 5802/7677
   SCRAM keys, the CRAM-MD5 HMAC intermediate states).  Text, one line per
   mechanism after a version line:
     tern-credentials 1
     scram-sha-256 ITER B64SALT B64STOREDKEY B64SERVERKEY
     scram-sha-1 ITER B64SALT B64STOREDKEY B64SERVERKEY
     cram-md5 HEXIPADSTATE HEXOPADSTATE
   Lines with another first word are ignored (later versions may add some);
   a known mechanism twice is an error.  PLAIN and LOGIN are checked against
   the scram-sha-256 line. */
#ifndef TERN_CRED_H
#define TERN_CRED_H

#include <stddef.h>
#include <bearssl.h>
#include <skalibs/stralloc.h>

#define TERN_CRED_ITER 4096        /* default PBKDF2 iterations */
#define TERN_CRED_ITERMAX 1000000  /* a file asking for more is bad */
#define TERN_CRED_SALTLEN 16       /* salt bytes we make */
#define TERN_CRED_SALTMAX 64       /* salt bytes we accept */
#define TERN_CRED_FILEMAX 4096     /* a credentials file is never larger */

#define TERN_CRED_S256 0x01
#define TERN_CRED_S1   0x02
#define TERN_CRED_CRAM 0x04

typedef struct tern_cred_scram_s tern_cred_scram ;
struct tern_cred_scram_s
{
  unsigned long iter ;
  size_t saltlen ;
  unsigned char salt[TERN_CRED_SALTMAX] ;
  unsigned char stored[32] ;  /* StoredKey = H(HMAC(SaltedPassword, "Client Key")) */
  unsigned char server[32] ;  /* ServerKey = HMAC(SaltedPassword, "Server Key") */
} ;

typedef struct tern_cred_s tern_cred, *tern_cred_ref ;
struct tern_cred_s
{
  unsigned int has ;          /* TERN_CRED_* bits: which parts are present */
  tern_cred_scram s256 ;
  tern_cred_scram s1 ;
  unsigned char cram_i[16] ;  /* MD5 state after (key ^ ipad) */
  unsigned char cram_o[16] ;  /* MD5 state after (key ^ opad) */
} ;
#define TERN_CRED_ZERO { .has = 0 }

/* Appends a credentials file for password pw to sa, with random salts.
   1, or 0 ENOMEM. */
extern int tern_cred_make (char const *pw, size_t len, stralloc *sa) ;
/* The same with given salts (for tests): salt256/salt1 of saltlen bytes. */
extern int tern_cred_make_salted (char const *pw, size_t len, unsigned char const *salt256, unsigned char const *salt1, size_t saltlen, unsigned long iter, stralloc *sa) ;
/* Fills k's stored and server keys from the password and k's salt/iter; h is
   &br_sha256_vtable or &br_sha1_vtable. */
extern void tern_cred_scram_keys (tern_cred_scram *k, br_hash_class const *h, char const *pw, size_t len) ;
/* Fills c's CRAM-MD5 states from the password. */
extern void tern_cred_cram_states (tern_cred *c, char const *pw, size_t len) ;
/* Parses a file's contents into c.  1, or 0 with errno EPROTO. */
extern int tern_cred_parse (char const *s, size_t len, tern_cred *c) ;
/* 1 if pw is the password c was made from (constant time), 0 if not or if
   c has no scram-sha-256 line. */
extern int tern_cred_check_plain (tern_cred const *c, char const *pw, size_t len) ;
/* Atomically replaces path (mode 0600) with credentials for pw.  1, or 0 errno. */
extern int tern_cred_write (char const *path, char const *pw, size_t len) ;
/* Reads and parses path.  1, or 0 with errno (ENOENT: none; EPROTO: bad file). */
extern int tern_cred_read (char const *path, tern_cred *c) ;

#endif
