/* tern_sasl_priv.h: what the SASL files share between themselves. */
#ifndef TERN_SASL_PRIV_H
#define TERN_SASL_PRIV_H

#include "tern_sasl.h"

/* Server states */
#define SV_PLAIN 1
#define SV_LOGINUSER 2
#define SV_LOGINPASS 3
#define SV_CRAM 4
#define SV_SCRAMFIRST 5
#define SV_SCRAMFINAL 6
#define SV_SCRAMOK 7
#define SV_SCRAMBAD 8
#define SV_END 9

extern int tern_sasl_server_cram_start (tern_sasl_server *s) ;
extern int tern_sasl_server_cram_step (tern_sasl_server *s, char const *in, size_t len) ;
extern int tern_sasl_server_scram_first (tern_sasl_server *s, char const *in, size_t len) ;
extern int tern_sasl_server_scram_final (tern_sasl_server *s, char const *in, size_t len) ;
/* Looks up s->user into s->cred; an unknown user gets fake credentials
   that fail, at the same cost.  TERN_SASL_NEXT (0) or TERN_SASL_ETEMP. */
extern int tern_sasl_server_getcred (tern_sasl_server *s) ;
/* Fills c with credentials no password matches, stable for one user within
   this process (so repeated SCRAM attempts see the same salt). */
extern void tern_sasl_fakecred (tern_cred *c, char const *user, size_t len) ;

/* SCRAM: the hash of a mechanism. */
#define tern_sasl_scram_hash(mech) ((mech) == TERN_SASL_SCRAMSHA1 ? &br_sha1_vtable : &br_sha256_vtable)
/* Appends saslname (RFC 5802: "," as "=2C", "=" as "=3D").  1, or 0 ENOMEM. */
extern int tern_sasl_scram_enc (stralloc *sa, char const *s, size_t len) ;
/* Appends the decoded saslname.  1, 0 with errno EINVAL (bad) or ENOMEM. */
extern int tern_sasl_scram_dec (stralloc *sa, char const *s, size_t len) ;
/* The length of the attribute value at s (up to a "," or the end). */
extern size_t tern_sasl_scram_vlen (char const *s, size_t len) ;
/* 1 if s is a valid nonce: printable ASCII but ",". */
extern int tern_sasl_scram_nonceok (char const *s, size_t len) ;

#endif
