/* tern-tls.h: the parts of tern-tls (TLS helper, see tern-tls.8) shared
   between its files: key pairs, the server setup, the relay loop, the child. */
#ifndef TERN_TLS_H
#define TERN_TLS_H

#include <stddef.h>
#include <sys/types.h>
#include <bearssl.h>

#define TLS_CHAIN_MAX 8         /* certificates per chain */
#define TLS_DER_MAX 49152       /* DER bytes per chain */
#define TLS_FILE_MAX 131072     /* bytes per PEM file */
#define TLS_INFO_MAX 512        /* the session facts block */
#define TLS_ERR_TIMEOUT 1001    /* beyond BearSSL's error codes */
#define TLS_ERR_EOF 1002

/* One key and its certificate chain; type is BR_KEYTYPE_RSA or _EC. */
typedef struct tlspair_s tlspair ;
struct tlspair_s
{
  int type ;
  br_rsa_private_key rsa ;
  br_ec_private_key ec ;
  unsigned char kbuf[BR_RSA_KBUF_PRIV_SIZE(4096)] ;
  br_x509_certificate chain[TLS_CHAIN_MAX] ;
  size_t nchain ;
  unsigned char der[TLS_DER_MAX] ;
  size_t derlen ;
} ;

/* tern-tls-pem.c: parsers return 0, or a reason for "unable to read". */
extern char const *tls_pem_key (tlspair *, unsigned char const *, size_t) ;
extern char const *tls_pem_chain (tlspair *, unsigned char const *, size_t) ;
extern int tls_pair_match (tlspair const *) ;
extern void tls_pair_wipe (tlspair *) ;

/* tern-tls-server.c */
extern void tls_server_init (br_ssl_server_context *, tlspair const *, unsigned int) ;
extern size_t tls_info (br_ssl_engine_context const *, char *, size_t) ;
extern char const *tls_err_name (int, char *) ;  /* buffer of 40 bytes */
extern void tls_failed (int) ;  /* logs "handshake failed ip=... err=..." */

/* tern-tls-run.c: the relay.  Returns 1 if the handshake completed, else
   0 with *err set.  At handshake end, writes the facts to note if
   sendinfo, then closes note (if >= 0). */
typedef struct tlsio_s tlsio ;
struct tlsio_s
{
  int nr, nw, ar, aw, note, sendinfo ;
  unsigned int timeout ;
} ;
extern int tls_run (br_ssl_engine_context *, tlsio *, int *) ;

/* tern-tls-load.c: dies 111 on a bad key or certificate file. */
extern void tls_load (tlspair *, char const *, char const *) ;

/* tern-tls-child.c: forks prog (ids, variables, fds), fills the helper's
   side of tlsio; waits for it. */
extern pid_t tls_spawn (char const *const *, int, tlsio *, tlspair *) ;
extern int tls_reap (pid_t) ;
extern char const *tls_ids (char const *, char const *, int) ;  /* 0 or what failed */

/* tern-tls-zygote.c (-L -Z): prog started once, sessions handed to it. */
extern int tls_zfd ;
extern void tls_zygote_start (char const *const *, tlspair *) ;
extern int tls_zhand (int, char const *, size_t) ;  /* control fd, or -1 */
extern int tls_ztake (int, int *) ;  /* -1 nothing yet, 0 over, else the request */

#endif
