/* tern_dkim_sign: one DKIM-Signature field (RFC 6376 3.5, 3.7): the
   signed header fields bottom-up, From oversigned, relaxed/relaxed,
   rsa-sha256 with BearSSL or ed25519-sha256 (RFC 8463: the SHA-256 of the
   data signed by PureEdDSA) with libsodium, folded at about 72 columns. */
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <sodium.h>
#include <skalibs/types.h>
#include <skalibs/genalloc.h>
#include <skalibs/bytestr.h>
#include "tern_crypto.h"
#include "tern_dkim.h"

static char const *const names[] =
{
  "from", "to", "cc", "subject", "date", "message-id", "reply-to", "in-reply-to",
  "references", "mime-version", "content-type", "content-transfer-encoding", 0
} ;

typedef struct pos_s pos ;
struct pos_s { char const *s ; size_t len ; } ;

typedef struct fields_s fields ;
struct fields_s { char const *name ; genalloc found ; int nomem ; } ;  /* pos */

static void one (char const *s, size_t len, char const *name, size_t nlen, void *aux)
{
  fields *f = aux ;
  pos p = { .s = s, .len = len } ;
  if (strlen(f->name) != nlen || strncasecmp(f->name, name, nlen)) return ;
  if (!genalloc_append(pos, &f->found, &p)) f->nomem = 1 ;
}

/* "name" (after ":" unless first) into sa, folded: col is the column */
static int hname (stralloc *sa, char const *name, int first, size_t *col)
{
  size_t n = strlen(name) ;
  if (!first && *col + n + 1 > 74)
  {
    if (!stralloc_catb(sa, "\r\n\t", 3)) return 0 ;
    *col = 1 ;
  }
  if (!first && !stralloc_catb(sa, ":", 1)) return 0 ;
  *col += n + !first ;
  return stralloc_catb(sa, name, n) ;
}

/* h= into sa and the canonical signed fields into data */
static int signed_fields (stralloc *sa, stralloc *data, char const *hdr, size_t len)
{
  size_t col = 3 ;
  int first = 1, ok = 1 ;
  if (!stralloc_cats(sa, "\th=")) return 0 ;
  for (unsigned int i = 0 ; names[i] && ok ; i++)
  {
    fields f = { .name = names[i], .found = GENALLOC_ZERO, .nomem = 0 } ;
    size_t n ;
    tern_dkim_fields(hdr, len, &one, &f) ;
    n = genalloc_len(pos, &f.found) ;
    ok = !f.nomem ;
    for (size_t j = n ; ok && j-- ;)
    {
      pos const *p = genalloc_s(pos, &f.found) + j ;
      ok = hname(sa, names[i], first, &col) && tern_dkim_canonhdr(data, p->s, p->len, 1) ;
      first = 0 ;
    }
    if (ok && !i) { ok = hname(sa, names[i], first, &col) ; first = 0 ; }  /* oversigned */
    genalloc_free(pos, &f.found) ;
  }
  return ok && stralloc_catb(sa, ";\r\n", 3) ;
}

/* b64 into sa, lines of 72 after a tab */
static int folded (stralloc *sa, char const *b64, size_t len, size_t col)
{
  for (size_t i = 0 ; i < len ;)
  {
    size_t n = len - i < 72 - col ? len - i : 72 - col ;
    if (!stralloc_catb(sa, b64 + i, n)) return 0 ;
    i += n ;
    if (i < len && !stralloc_catb(sa, "\r\n\t", 3)) return 0 ;
    col = 1 ;
  }
  return stralloc_catb(sa, "\r\n", 2) ;
}

static int sigb (stralloc *sa, stralloc const *data, size_t start, tern_dkim_key const *k)
{
  br_rsa_private_key const *sk = k->alg == TERN_DKIM_RSA ? br_skey_decoder_get_rsa(&k->dc) : 0 ;
  br_sha256_context h ;
  unsigned char hash[32], sig[1024] ;
  size_t n = sk ? (sk->n_bitlen + 7) / 8 : crypto_sign_ed25519_BYTES ;
  stralloc b64 = STRALLOC_ZERO ;
  int ok ;
  if ((k->alg == TERN_DKIM_RSA && !sk) || n > sizeof sig) return (errno = EINVAL, 0) ;
  br_sha256_init(&h) ;
  br_sha256_update(&h, data->s, data->len) ;
  br_sha256_out(&h, hash) ;
  if (sk ? !br_rsa_i31_pkcs1_sign(BR_HASH_OID_SHA256, hash, sizeof hash, sk, sig)
    : crypto_sign_ed25519_detached(sig, 0, hash, sizeof hash, k->ed) < 0) return (errno = EINVAL, 0) ;
  ok = tern_b64_cat(&b64, sig, n) && folded(sa, b64.s, b64.len, sa->len - start) ;
  stralloc_free(&b64) ;
  return ok ;
}

int tern_dkim_sign (stralloc *sa, char const *hdr, size_t len, unsigned char const bh[32],
  char const *d, char const *s, uint64_t t, tern_dkim_key const *k)
{
  stralloc data = STRALLOC_ZERO ;
  size_t start = sa->len, bstart ;
  char fmt[UINT64_FMT] ;
  int ok ;
  fmt[uint64_fmt(fmt, t)] = 0 ;
  if (k->alg != TERN_DKIM_RSA && k->alg != TERN_DKIM_ED25519) return (errno = EINVAL, 0) ;
  ok = stralloc_cats(sa, "DKIM-Signature: v=1; a=") && stralloc_cats(sa, k->alg == TERN_DKIM_RSA ? "rsa" : "ed25519")
    && stralloc_cats(sa, "-sha256; c=relaxed/relaxed; d=") && stralloc_cats(sa, d)
    && stralloc_cats(sa, "; s=") && stralloc_cats(sa, s) && stralloc_cats(sa, ";\r\n\tt=") && stralloc_cats(sa, fmt)
    && stralloc_cats(sa, ";\r\n") && signed_fields(sa, &data, hdr, len)
    && stralloc_cats(sa, "\tbh=") && tern_b64_cat(sa, bh, 32) && stralloc_cats(sa, ";\r\n\tb=") ;
  if (ok)
  {
    bstart = sa->len ;
    while (bstart > start && sa->s[bstart - 1] != '\n') bstart-- ;
    ok = tern_dkim_canonhdr(&data, sa->s + start, sa->len - start, 0) && sigb(sa, &data, bstart, k) ;
  }
  if (!ok) { int e = errno ; sa->len = start ; errno = e ; }
  stralloc_free(&data) ;
  return ok ;
}
