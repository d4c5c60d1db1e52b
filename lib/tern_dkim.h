/* tern_dkim.h: DKIM signing (RFC 6376): relaxed/relaxed canonicalisation
   (the body streamed, in bounded memory), rsa-sha256 with BearSSL and
   ed25519-sha256 (RFC 8463) with libsodium, the RFC5322.From domain, PEM
   private keys (RSA PKCS#1 or PKCS#8, Ed25519 PKCS#8). */
#ifndef TERN_DKIM_H
#define TERN_DKIM_H

#include <stddef.h>
#include <stdint.h>
#include <bearssl.h>
#include <skalibs/stralloc.h>

#define TERN_DKIM_HDRMAX 1048576  /* a header section longer is not signed */

/* The relaxed body canonicaliser (3.4.4) feeding SHA-256: put any
   number of pieces, then end.  A bare LF ends a line as CRLF does (as
   the receiving MTA will read it); a bare CR is an ordinary byte. */
typedef struct tern_dkim_body_s tern_dkim_body ;
struct tern_dkim_body_s
{
  br_sha256_context h ;
  uint64_t nl ;      /* line ends not yet hashed (empty lines may be last) */
  int wsp ;          /* whitespace seen and not yet hashed */
  int cr ;           /* the last byte was CR */
  int any ;          /* some content was hashed */
  size_t n ;
  unsigned char buf[4096] ;
} ;
extern void tern_dkim_body_init (tern_dkim_body *b) ;
extern void tern_dkim_body_put (tern_dkim_body *b, char const *s, size_t len) ;
extern void tern_dkim_body_end (tern_dkim_body *b, unsigned char out[32]) ;

/* The relaxed form (3.4.2) of the header field s (its name, colon,
   value and folds; line end optional), "name:value\r\n", appended to sa
   (crlf 0: without the final CRLF).  1, or 0 ENOMEM. */
extern int tern_dkim_canonhdr (stralloc *sa, char const *s, size_t len, int crlf) ;

/* The header fields of hdr (the header section, the blank line not
   included): calls f for each field (start, length, with its line end;
   its name and name length).  A line that starts no field and
   continues none is skipped. */
typedef void tern_dkim_field_f (char const *s, size_t len, char const *name, size_t nlen, void *aux) ;
extern void tern_dkim_fields (char const *hdr, size_t len, tern_dkim_field_f *f, void *aux) ;

/* The length of the header section at the start of msg (up to the empty
   line, excluded), and in *body where the body starts; len and *body =
   len when msg has no empty line (no body). */
extern size_t tern_dkim_hdrlen (char const *msg, size_t len, size_t *body) ;

/* The domain of the one From: field of hdr, lower-case, NUL-terminated,
   appended to sa: 1; 0 none, several From: fields or no domain; -1 ENOMEM. */
extern int tern_dkim_fromdomain (stralloc *sa, char const *hdr, size_t len) ;

/* The header section of the message at offset off of fd (the blank line
   not included) into hdr, and where its body starts to *body: TERN_OK;
   TERN_PERM over TERN_DKIM_HDRMAX; TERN_TEMP errno. */
extern int tern_dkim_header (int fd, uint64_t off, stralloc *hdr, uint64_t *body) ;

/* The message at offset off of fd, to its end: its header section (the
   blank line not included) into hdr, its body's relaxed hash into bh.
   TERN_OK; TERN_PERM the header section is over TERN_DKIM_HDRMAX;
   TERN_TEMP errno. */
extern int tern_dkim_read (int fd, uint64_t off, stralloc *hdr, unsigned char bh[32]) ;

/* A private key: RSA (the decoder holds it) or Ed25519. */
#define TERN_DKIM_RSA 1
#define TERN_DKIM_ED25519 2
typedef struct tern_dkim_key_s tern_dkim_key ;
struct tern_dkim_key_s
{
  int alg ;                 /* TERN_DKIM_* */
  br_skey_decoder_context dc ;
  unsigned char ed[64] ;    /* libsodium's secret key: the seed, then the public key */
} ;
/* the DER of the first unencrypted "... PRIVATE KEY" PEM object of pem,
   in der: 1, 0 none */
extern int tern_dkim_unpem (char const *pem, size_t len, stralloc *der) ;
/* the key in the PEM file path: 0, or why not ("unreadable" with errno set) */
extern char const *tern_dkim_key_read (tern_dkim_key *k, char const *path) ;
extern void tern_dkim_key_wipe (tern_dkim_key *k) ;

/* The DKIM-Signature field of the message whose header section is hdr
   and whose body hash is bh, for domain d (A-label), selector s, time t:
   appended to sa, folded, CRLF-ended.  h= is the signed fields present
   (bottom-up), and From once more (oversigned); a= from the key.  1; 0
   ENOMEM or the key failed (errno EINVAL). */
extern int tern_dkim_sign (stralloc *sa, char const *hdr, size_t len, unsigned char const bh[32],
  char const *d, char const *s, uint64_t t, tern_dkim_key const *k) ;

#endif
