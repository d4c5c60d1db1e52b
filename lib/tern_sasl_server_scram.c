/* tern_sasl_server_scram: SCRAM-SHA-1 and SCRAM-SHA-256 server side
   (RFC 5802, RFC 7677) against stored StoredKey/ServerKey; no channel
   binding ("n" and "y" accepted, "p" not possible). */
#include <string.h>
#include <skalibs/types.h>
#include "tern_crypto.h"
#include "tern_sasl_priv.h"

/* gs2 header: "n," or "y,", then "" or "a=NAME", then ",".  Returns its
   length, or 0 if bad (-1 cast: not possible). */
static size_t gs2 (tern_sasl_server *s, char const *in, size_t len, int *r)
{
  size_t i = 2, alen ;
  *r = TERN_SASL_ESYNTAX ;
  if (len >= 1 && in[0] == 'p') { *r = TERN_SASL_ENOTPOSS ; return 0 ; }
  if (len < 3 || (in[0] != 'n' && in[0] != 'y') || in[1] != ',') return 0 ;
  alen = tern_sasl_scram_vlen(in + 2, len - 2) ;
  if (alen == len - 2) return 0 ;
  if (alen)
  {
    if (alen < 3 || memcmp(in + 2, "a=", 2)) return 0 ;
    if (!tern_sasl_scram_dec(&s->authz, in + 4, alen - 2)) return 0 ;
  }
  if (!stralloc_0(&s->authz)) { *r = TERN_SASL_ETEMP ; return 0 ; }
  i += alen + 1 ;
  *r = TERN_SASL_NEXT ;
  return i ;
}

static int serverfirst (tern_sasl_server *s, char const *cn, size_t cnlen, tern_cred_scram const *k)
{
  char fmt[ULONG_FMT] ;
  s->out.len = 0 ;
  if (!stralloc_catb(&s->out, "r=", 2) || !stralloc_catb(&s->out, cn, cnlen)) return 0 ;
  if (s->testnonce) { if (!stralloc_cats(&s->out, s->testnonce)) return 0 ; }
  else
  {
    unsigned char rnd[12] ;
    tern_random(rnd, sizeof rnd) ;
    if (!tern_b64_cat(&s->out, rnd, sizeof rnd)) return 0 ;
  }
  /* client-final must start with c=B64(gs2 header),r=NONCE */
  if (!stralloc_catb(&s->expect, ",r=", 3) || !stralloc_catb(&s->expect, s->out.s + 2, s->out.len - 2)) return 0 ;
  return stralloc_catb(&s->out, ",s=", 3) && tern_b64_cat(&s->out, k->salt, k->saltlen)
    && stralloc_catb(&s->out, ",i=", 3) && stralloc_catb(&s->out, fmt, ulong_fmt(fmt, k->iter))
    && stralloc_catb(&s->msg, s->out.s, s->out.len) && stralloc_catb(&s->msg, ",", 1) ;
}

int tern_sasl_server_scram_first (tern_sasl_server *s, char const *in, size_t len)
{
  int r ;
  size_t h = gs2(s, in, len, &r), ulen, nlen ;
  char const *bare = in + h ;
  size_t blen = len - h ;
  tern_cred_scram const *k ;
  s->state = SV_END ;
  if (!h) return r ;
  if (blen >= 2 && !memcmp(bare, "m=", 2)) return TERN_SASL_ENOTPOSS ;
  if (blen < 2 || memcmp(bare, "n=", 2)) return TERN_SASL_ESYNTAX ;
  ulen = tern_sasl_scram_vlen(bare + 2, blen - 2) ;
  if (!ulen || !tern_sasl_scram_dec(&s->user, bare + 2, ulen)) return TERN_SASL_ESYNTAX ;
  if (!stralloc_0(&s->user)) return TERN_SASL_ETEMP ;
  if (blen - 2 - ulen < 4 || memcmp(bare + 2 + ulen, ",r=", 3)) return TERN_SASL_ESYNTAX ;
  nlen = tern_sasl_scram_vlen(bare + 5 + ulen, blen - 5 - ulen) ;
  if (nlen < 8 || !tern_sasl_scram_nonceok(bare + 5 + ulen, nlen)) return TERN_SASL_ESYNTAX ;
  if (s->authz.len > 1 && strcmp(s->authz.s, s->user.s)) return TERN_SASL_EAUTH ;
  r = tern_sasl_server_getcred(s) ;
  if (r) return r ;
  if (!(s->cred.has & (s->mech == TERN_SASL_SCRAMSHA1 ? TERN_CRED_S1 : TERN_CRED_S256))) return TERN_SASL_ENOTPOSS ;
  k = s->mech == TERN_SASL_SCRAMSHA1 ? &s->cred.s1 : &s->cred.s256 ;
  s->expect.len = 0 ;
  if (!stralloc_catb(&s->msg, bare, blen) || !stralloc_catb(&s->msg, ",", 1)
   || !stralloc_catb(&s->expect, "c=", 2) || !tern_b64_cat(&s->expect, in, h)
   || !serverfirst(s, bare + 5 + ulen, nlen, k)) return TERN_SASL_ETEMP ;
  s->state = SV_SCRAMFINAL ;
  return TERN_SASL_NEXT ;
}

/* finds ",p=PROOF" at the end; returns the length before it, or 0 */
static size_t proofat (char const *in, size_t len)
{
  for (size_t i = len ; i-- > 0 ;)
    if (in[i] == ',') return len - i >= 3 && in[i + 1] == 'p' && in[i + 2] == '=' ? i : 0 ;
  return 0 ;
}

int tern_sasl_server_scram_final (tern_sasl_server *s, char const *in, size_t len)
{
  br_hash_class const *hc = tern_sasl_scram_hash(s->mech) ;
  tern_cred_scram const *k = s->mech == TERN_SASL_SCRAMSHA1 ? &s->cred.s1 : &s->cred.s256 ;
  size_t hlen = tern_hash_len(hc), wlen = proofat(in, len), plen ;
  unsigned char proof[TERN_HASH_MAX], sig[TERN_HASH_MAX], stored[TERN_HASH_MAX] ;
  br_hash_compat_context h ;
  s->state = SV_END ;
  if (!wlen || memchr(in, 0, len)) return TERN_SASL_ESYNTAX ;
  if (!tern_b64_decode(proof, sizeof proof, &plen, in + wlen + 3, len - wlen - 3) || plen != hlen) return TERN_SASL_ESYNTAX ;
  if (wlen < s->expect.len || memcmp(in, s->expect.s, s->expect.len)
   || (wlen > s->expect.len && in[s->expect.len] != ',')) return TERN_SASL_EAUTH ;
  if (!stralloc_catb(&s->msg, in, wlen)) return TERN_SASL_ETEMP ;
  /* ClientKey = proof XOR HMAC(StoredKey, AuthMessage); StoredKey =? H(ClientKey) */
  tern_hmac(hc, k->stored, hlen, s->msg.s, s->msg.len, sig) ;
  for (size_t i = 0 ; i < hlen ; i++) proof[i] ^= sig[i] ;
  hc->init(&h.vtable) ;
  hc->update(&h.vtable, proof, hlen) ;
  hc->out(&h.vtable, stored) ;
  s->out.len = 0 ;
  if (!tern_ctcmp(stored, k->stored, hlen))
  {
    s->state = SV_SCRAMBAD ;
    return stralloc_cats(&s->out, "e=invalid-proof") ? TERN_SASL_NEXT : TERN_SASL_ETEMP ;
  }
  tern_hmac(hc, k->server, hlen, s->msg.s, s->msg.len, sig) ;
  if (!stralloc_catb(&s->out, "v=", 2) || !tern_b64_cat(&s->out, sig, hlen)) return TERN_SASL_ETEMP ;
  s->state = SV_SCRAMOK ;
  return TERN_SASL_NEXT ;
}
