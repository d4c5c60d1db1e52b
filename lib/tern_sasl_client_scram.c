/* tern_sasl_client_scram: SCRAM-SHA-1 and SCRAM-SHA-256 client side
   (RFC 5802, RFC 7677), without channel binding, checking the server's
   signature.  REFERENCE 2.2. */
#include <string.h>
#include "tern_crypto.h"
#include "tern_sasl_priv.h"

#define ITERMIN 2048
#define ITERMAX 10000000UL

extern int tern_sasl_client_scram_start (tern_sasl_client *c) ;
extern int tern_sasl_client_scram_first (tern_sasl_client *c, char const *in, size_t len) ;
extern int tern_sasl_client_scram_final (tern_sasl_client *c, char const *in, size_t len) ;

int tern_sasl_client_scram_start (tern_sasl_client *c)
{
  /* msg gets client-first-bare; out the whole client-first */
  if (!stralloc_catb(&c->msg, "n=", 2) || !tern_sasl_scram_enc(&c->msg, c->user, strlen(c->user))
   || !stralloc_catb(&c->msg, ",r=", 3)) return TERN_SASL_ETEMP ;
  if (c->testnonce) { if (!stralloc_cats(&c->msg, c->testnonce)) return TERN_SASL_ETEMP ; }
  else
  {
    unsigned char rnd[12] ;
    tern_random(rnd, sizeof rnd) ;
    if (!tern_b64_cat(&c->msg, rnd, sizeof rnd)) return TERN_SASL_ETEMP ;
  }
  return stralloc_catb(&c->out, "n,,", 3) && stralloc_catb(&c->out, c->msg.s, c->msg.len) ? TERN_SASL_NEXT : TERN_SASL_ETEMP ;
}

static int number (char const *s, size_t len, unsigned long *u)
{
  unsigned long v = 0 ;
  if (!len || len > 8) return 0 ;
  for (size_t i = 0 ; i < len ; i++)
  {
    if (s[i] < '0' || s[i] > '9') return 0 ;
    v = v * 10 + (s[i] - '0') ;
  }
  *u = v ;
  return 1 ;
}

/* server-first "r=NONCE,s=SALT,i=ITER[,ext]": checks, fills nonce/salt/iter */
static int parse (tern_sasl_client *c, char const *in, size_t len, size_t *nlen, unsigned char *salt, size_t *slen, unsigned long *iter)
{
  /* client-first-bare is "n=USER,r=CNONCE" and USER has no "," */
  char const *cn = (char const *)memchr(c->msg.s, ',', c->msg.len) + 3 ;
  size_t cnlen = c->msg.len - (cn - c->msg.s), vl, i ;
  if (len >= 2 && !memcmp(in, "m=", 2)) return (c->err = "server asks for a mandatory extension", 0) ;
  if (len < 2 || memcmp(in, "r=", 2)) return (c->err = "bad server-first message", 0) ;
  *nlen = tern_sasl_scram_vlen(in + 2, len - 2) ;
  if (*nlen < cnlen + 8 || memcmp(in + 2, cn, cnlen) || !tern_sasl_scram_nonceok(in + 2, *nlen))
    return (c->err = "bad server nonce", 0) ;
  i = 2 + *nlen ;
  if (len - i < 3 || memcmp(in + i, ",s=", 3)) return (c->err = "bad server-first message", 0) ;
  vl = tern_sasl_scram_vlen(in + i + 3, len - i - 3) ;
  if (!tern_b64_decode(salt, TERN_HASH_MAX * 2, slen, in + i + 3, vl) || *slen < 8) return (c->err = "bad salt", 0) ;
  i += 3 + vl ;
  if (len - i < 3 || memcmp(in + i, ",i=", 3)) return (c->err = "bad server-first message", 0) ;
  vl = tern_sasl_scram_vlen(in + i + 3, len - i - 3) ;
  if (!number(in + i + 3, vl, iter) || *iter < ITERMIN || *iter > ITERMAX) return (c->err = "bad iteration count", 0) ;
  return 1 ;
}

int tern_sasl_client_scram_first (tern_sasl_client *c, char const *in, size_t len)
{
  br_hash_class const *hc = tern_sasl_scram_hash(c->mech) ;
  size_t hlen = tern_hash_len(hc), nlen, slen ;
  unsigned char salt[TERN_HASH_MAX * 2], sp[TERN_HASH_MAX], ck[TERN_HASH_MAX], sk[TERN_HASH_MAX], sig[TERN_HASH_MAX] ;
  unsigned long iter ;
  br_hash_compat_context h ;
  size_t fstart ;
  if (memchr(in, 0, len) || !parse(c, in, len, &nlen, salt, &slen, &iter)) return TERN_SASL_ESYNTAX ;
  tern_scram_salted(hc, c->pass, strlen(c->pass), salt, slen, iter, sp) ;
  tern_hmac(hc, sp, hlen, "Client Key", 10, ck) ;
  hc->init(&h.vtable) ;
  hc->update(&h.vtable, ck, hlen) ;
  hc->out(&h.vtable, sk) ;
  if (!stralloc_catb(&c->msg, ",", 1) || !stralloc_catb(&c->msg, in, len) || !stralloc_catb(&c->msg, ",", 1)) return TERN_SASL_ETEMP ;
  fstart = c->msg.len ;
  if (!stralloc_catb(&c->msg, "c=biws,r=", 9) || !stralloc_catb(&c->msg, in + 2, nlen)) return TERN_SASL_ETEMP ;
  /* ClientProof = ClientKey XOR HMAC(StoredKey, AuthMessage) */
  tern_hmac(hc, sk, hlen, c->msg.s, c->msg.len, sig) ;
  for (size_t i = 0 ; i < hlen ; i++) ck[i] ^= sig[i] ;
  tern_hmac(hc, sp, hlen, "Server Key", 10, sk) ;
  tern_hmac(hc, sk, hlen, c->msg.s, c->msg.len, c->ssig) ;
  memset(sp, 0, sizeof sp) ;
  if (!stralloc_catb(&c->out, c->msg.s + fstart, c->msg.len - fstart) || !stralloc_catb(&c->out, ",p=", 3)
   || !tern_b64_cat(&c->out, ck, hlen)) return TERN_SASL_ETEMP ;
  return TERN_SASL_NEXT ;
}

int tern_sasl_client_scram_final (tern_sasl_client *c, char const *in, size_t len)
{
  size_t hlen = tern_hash_len(tern_sasl_scram_hash(c->mech)), n ;
  unsigned char v[TERN_HASH_MAX] ;
  if (len >= 2 && !memcmp(in, "e=", 2))
  {
    c->err = "server reported an error" ;
    return stralloc_catb(&c->out, in + 2, len - 2) ? TERN_SASL_EAUTH : TERN_SASL_ETEMP ;
  }
  if (len < 2 || memcmp(in, "v=", 2)) return (c->err = "bad server-final message", TERN_SASL_ESYNTAX) ;
  n = tern_sasl_scram_vlen(in + 2, len - 2) ;
  if (!tern_b64_decode(v, sizeof v, &n, in + 2, n) || n != hlen) return (c->err = "bad server-final message", TERN_SASL_ESYNTAX) ;
  if (!tern_ctcmp(v, c->ssig, hlen)) return (c->err = "incorrect server signature", TERN_SASL_EAUTH) ;
  c->last = 1 ;
  return TERN_SASL_NEXT ;
}
