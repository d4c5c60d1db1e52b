/* tern-tlsc.h: the parts of tern-tlsc (TLS client helper, see tern-tlsc.8)
   shared between its files: trust anchors and the no-check X.509 engine. */
#ifndef TERN_TLSC_H
#define TERN_TLSC_H

#include <stddef.h>
#include <bearssl.h>

#define TLSC_CA_MAX 4096          /* trust anchors per file */
#define TLSC_CAFILE_MAX 8388608   /* bytes per trust anchor file */

/* tern-tlsc-ca.c: trust anchors from PEM text.  Returns the number of
   anchors (0 if none) and sets *tas, or -1 with errno (ENOMEM, or
   EINVAL for broken PEM or too many certificates). */
extern int tlsc_ca_parse (char const *, size_t, br_x509_trust_anchor **) ;
/* frees what n anchors point to (not the array itself) */
extern void tlsc_ca_free (br_x509_trust_anchor *, size_t) ;

/* tern-tlsc-x509.c: an X.509 engine that checks nothing and hands the
   server's key (from the first certificate) to the TLS engine. */
typedef struct tlsc_nocheck_s tlsc_nocheck ;
struct tlsc_nocheck_s
{
  br_x509_class const *vtable ;
  br_x509_decoder_context dc ;
  unsigned int ncert ;
  int ok ;
  br_x509_pkey pkey ;
  unsigned char kbuf[1040] ;
} ;
extern void tlsc_nocheck_init (tlsc_nocheck *) ;

/* tern-tlsc-err.c: name of a BearSSL error, X.509 included (40 bytes) */
extern char const *tlsc_err_name (int, char *) ;

#endif
