/* tern_crypto.h: small crypto helpers on BearSSL's hashes: base64, hex,
   HMAC, PBKDF2, constant-time compare, random bytes.  A hash is named by
   its BearSSL class: &br_md5_vtable, &br_sha1_vtable, &br_sha256_vtable. */
#ifndef TERN_CRYPTO_H
#define TERN_CRYPTO_H

#include <stddef.h>
#include <bearssl.h>
#include <skalibs/stralloc.h>

#define TERN_HASH_MAX 64  /* largest digest we handle, in bytes */

/* Appends standard base64 (with padding) of s to sa.  1, or 0 ENOMEM. */
extern int tern_b64_cat (stralloc *sa, void const *s, size_t len) ;
/* Appends the decoding of s to sa.  Strict: length a multiple of 4, only
   the alphabet, "=" only as final padding, unused bits zero.
   1, or 0 with errno EINVAL (bad input) or ENOMEM. */
extern int tern_b64_decat (stralloc *sa, char const *s, size_t len) ;
/* The same into out (at most max bytes, else EOVERFLOW); *outlen gets the length. */
extern int tern_b64_decode (unsigned char *out, size_t max, size_t *outlen, char const *s, size_t len) ;
/* Writes 2*len lowercase hex digits (no NUL) to out. */
extern void tern_hex_fmt (char *out, void const *s, size_t len) ;
/* Decodes exactly 2*outlen hex digits (either case) from s.  1, or 0 if bad. */
extern int tern_hex_scan (void *out, size_t outlen, char const *s) ;
/* out gets HMAC-H(key, msg); returns the digest length. */
extern size_t tern_hmac (br_hash_class const *h, void const *key, size_t klen, void const *msg, size_t mlen, unsigned char *out) ;
/* PBKDF2-HMAC-H (RFC 8018) with iter >= 1 iterations, outlen bytes. */
extern void tern_pbkdf2 (br_hash_class const *h, void const *pw, size_t pwlen, void const *salt, size_t saltlen, unsigned long iter, unsigned char *out, size_t outlen) ;
/* SCRAM SaltedPassword: PBKDF2 of the NFC form of pw; out gets the hash length. */
extern void tern_scram_salted (br_hash_class const *h, char const *pw, size_t len, unsigned char const *salt, size_t saltlen, unsigned long iter, unsigned char *out) ;
/* 1 if the n bytes at a and b are equal; time depends on n only. */
extern int tern_ctcmp (void const *a, void const *b, size_t n) ;
/* Fills s with n unpredictable bytes (skalibs random_buf). */
extern void tern_random (void *s, size_t n) ;
/* The digest length of h. */
#define tern_hash_len(h) ((size_t)(((h)->desc >> BR_HASHDESC_OUT_OFF) & BR_HASHDESC_OUT_MASK))

#endif
