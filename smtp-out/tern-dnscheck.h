/* tern-dnscheck.h: the parts of tern-dnscheck (see tern-dnscheck.8). */
#ifndef TERN_DNSCHECK_H
#define TERN_DNSCHECK_H

#include <skalibs/stralloc.h>
#include "tern_conf.h"

#define DC_SOCKS 32

typedef struct dcsocks_s dcsocks ;
struct dcsocks_s
{
  char const *name, *ips, *host ;  /* ips: "IP,IP" */
} ;

typedef struct dc_s dc ;
struct dc_s
{
  char const *domain, *hostname ;
  tern_conf conf ;
  dcsocks socks[DC_SOCKS] ;
  unsigned int nsocks, nproblems ;
  int temp ;
} ;

/* tern-dnscheck.c: */
/* tern-dns CMD NAME into out: TERN_OK, TERN_PERM (its 100) or TERN_TEMP
   (and a warning; d->temp set). */
extern int dc_dns (dc *d, char const *cmd, char const *name, stralloc *out) ;
/* "check: a b c d" then "  record" when record is not 0; counted. */
extern void dc_problem (dc *d, char const *check, char const *a, char const *b, char const *c, char const *record) ;
/* the n-th line of sa (no NL) in *s and *len; 0 past the end */
extern int dc_line (stralloc const *sa, unsigned int n, char const **s, size_t *len) ;

/* tern-dnscheck-spf.c: mx and spf */
extern void dc_mx (dc *d) ;
extern void dc_spf (dc *d) ;
/* tern-dnscheck-rec.c: dkim, dmarc, iprev */
extern void dc_dkim (dc *d) ;
extern void dc_dmarc (dc *d) ;
extern void dc_iprev (dc *d) ;
/* tern-dnscheck-key.c: the p= of the DKIM record of the private key in
   PEM file path appended to b64 (RSA: base64 SubjectPublicKeyInfo,
   Ed25519: the raw key), what a record's p= must hold to n (the modulus,
   the raw key), *kind its k= ("rsa", "ed25519").  0 or a reason it could
   not be read. */
extern char const *dc_key (char const *path, stralloc *b64, stralloc *n, char const **kind) ;

#endif
