/* tern-tls-pem.c: key and certificate chain from PEM text in memory, for
   tern-tls.  Bounded: everything lands in the fixed buffers of a tlspair.
   Parsers return 0 on success, else a reason fit for "unable to read". */
#include <string.h>
#include <skalibs/bytestr.h>
#include "tern-tls.h"

typedef struct walk_s walk ;
struct walk_s
{
  unsigned char *s ;  /* where the current object's bytes go */
  size_t len, max ;
  int over ;
  int (*want) (char const *) ;
  char const *(*done) (walk *) ;
  tlspair *p ;
} ;

static void put (void *ctx, void const *src, size_t n)
{
  walk *w = ctx ;
  if (w->over || n > w->max - w->len) { w->over = 1 ; return ; }
  memcpy(w->s + w->len, src, n) ;
  w->len += n ;
}

static int ends (char const *s, char const *suffix)
{
  size_t n = strlen(s), m = strlen(suffix) ;
  return n >= m && !strcmp(s + n - m, suffix) ;
}

/* Feeds s to the PEM decoder; objects that w->want get their bytes
   collected, then w->done is called. */
static char const *pem_walk (walk *w, unsigned char const *s, size_t len)
{
  br_pem_decoder_context pc ;
  int inobj = 0, final = 0 ;
  br_pem_decoder_init(&pc) ;
  for (;;)
  {
    char const *r ;
    size_t n ;
    if (!len)
    {
      /* the decoder needs an end of line after the last END line */
      if (final++) break ;
      s = (unsigned char const *)"\n" ; len = 1 ;
    }
    n = br_pem_decoder_push(&pc, s, len) ;
    s += n ; len -= n ;
    switch (br_pem_decoder_event(&pc))
    {
      case BR_PEM_BEGIN_OBJ :
        inobj = w->want(br_pem_decoder_name(&pc)) ;
        if (inobj < 0) return "encrypted keys are not supported" ;
        w->len = 0 ; w->over = 0 ;
        br_pem_decoder_setdest(&pc, inobj ? &put : 0, w) ;
        break ;
      case BR_PEM_END_OBJ :
        if (!inobj) break ;
        inobj = 0 ;
        if (w->over) return "object too large" ;
        r = w->done(w) ;
        if (r) return r ;
        break ;
      case BR_PEM_ERROR : return "invalid PEM" ;
      default : break ;
    }
  }
  return inobj ? "truncated PEM" : 0 ;
}

static int want_key (char const *name)
{
  if (ends(name, "ENCRYPTED PRIVATE KEY")) return -1 ;
  return ends(name, "PRIVATE KEY") ;
}

static char const *copy_key (tlspair *p, br_skey_decoder_context const *dc)
{
  unsigned char *k = p->kbuf ;
  br_rsa_private_key const *rk = br_skey_decoder_get_rsa(dc) ;
  br_ec_private_key const *ek = br_skey_decoder_get_ec(dc) ;
  if (rk)
  {
    size_t total = rk->plen + rk->qlen + rk->dplen + rk->dqlen + rk->iqlen ;
    if (rk->n_bitlen < 2048 || rk->n_bitlen > 4096 || total > sizeof p->kbuf) return "unsupported RSA key size" ;
    p->rsa = *rk ;
    memcpy(k, rk->p, rk->plen) ; p->rsa.p = k ; k += rk->plen ;
    memcpy(k, rk->q, rk->qlen) ; p->rsa.q = k ; k += rk->qlen ;
    memcpy(k, rk->dp, rk->dplen) ; p->rsa.dp = k ; k += rk->dplen ;
    memcpy(k, rk->dq, rk->dqlen) ; p->rsa.dq = k ; k += rk->dqlen ;
    memcpy(k, rk->iq, rk->iqlen) ; p->rsa.iq = k ;
    p->type = BR_KEYTYPE_RSA ;
    return 0 ;
  }
  if (!ek) return "invalid private key" ;
  if ((ek->curve != BR_EC_secp256r1 && ek->curve != BR_EC_secp384r1
    && ek->curve != BR_EC_secp521r1) || ek->xlen > sizeof p->kbuf)
    return "unsupported EC curve" ;
  p->ec = *ek ;
  memcpy(k, ek->x, ek->xlen) ;
  p->ec.x = k ;
  p->type = BR_KEYTYPE_EC ;
  return 0 ;
}

static char const *done_key (walk *w)
{
  br_skey_decoder_context dc ;
  char const *r ;
  if (w->p->type) return "more than one private key" ;
  br_skey_decoder_init(&dc) ;
  br_skey_decoder_push(&dc, w->s, w->len) ;
  r = br_skey_decoder_last_error(&dc) ? "invalid private key" : copy_key(w->p, &dc) ;
  byte_zzero((char *)&dc, sizeof dc) ;
  byte_zzero((char *)w->s, w->len) ;
  return r ;
}

char const *tls_pem_key (tlspair *p, unsigned char const *s, size_t len)
{
  static unsigned char der[8192] ;
  walk w = { .s = der, .max = sizeof der, .want = &want_key, .done = &done_key, .p = p } ;
  char const *r ;
  p->type = 0 ;
  r = pem_walk(&w, s, len) ;
  byte_zzero((char *)der, sizeof der) ;
  if (!r && !p->type) r = "no private key found" ;
  if (r) tls_pair_wipe(p) ;
  return r ;
}

static int want_cert (char const *name)
{
  return !strcmp(name, "CERTIFICATE") || !strcmp(name, "X509 CERTIFICATE") ;
}

static char const *done_cert (walk *w)
{
  tlspair *p = w->p ;
  if (p->nchain >= TLS_CHAIN_MAX) return "too many certificates" ;
  if (!w->len) return "empty certificate" ;
  p->chain[p->nchain].data = w->s ;
  p->chain[p->nchain++].data_len = w->len ;
  p->derlen += w->len ;
  w->s += w->len ;
  w->max -= w->len ;
  return 0 ;
}

char const *tls_pem_chain (tlspair *p, unsigned char const *s, size_t len)
{
  walk w = { .s = p->der, .max = sizeof p->der, .want = &want_cert, .done = &done_cert, .p = p } ;
  char const *r ;
  p->nchain = 0 ; p->derlen = 0 ;
  r = pem_walk(&w, s, len) ;
  if (!r && !p->nchain) r = "no certificate found" ;
  if (r) p->nchain = 0 ;
  return r ;
}

static int same (unsigned char const *a, size_t alen, unsigned char const *b, size_t blen)
{
  while (alen && !*a) { a++ ; alen-- ; }
  while (blen && !*b) { b++ ; blen-- ; }
  return alen == blen && !memcmp(a, b, alen) ;
}

/* 1 if the leaf certificate carries the public half of the key. */
int tls_pair_match (tlspair const *p)
{
  br_x509_decoder_context xc ;
  br_x509_pkey const *pk ;
  unsigned char buf[BR_EC_KBUF_PUB_MAX_SIZE > 512 ? BR_EC_KBUF_PUB_MAX_SIZE : 512] ;
  if (!p->nchain || !p->type) return 0 ;
  br_x509_decoder_init(&xc, 0, 0) ;
  br_x509_decoder_push(&xc, p->chain[0].data, p->chain[0].data_len) ;
  pk = br_x509_decoder_get_pkey(&xc) ;
  if (!pk || pk->key_type != p->type) return 0 ;
  if (p->type == BR_KEYTYPE_RSA)
  {
    size_t n = br_rsa_compute_modulus_get_default()(0, &p->rsa) ;
    if (!n || n > sizeof buf) return 0 ;
    br_rsa_compute_modulus_get_default()(buf, &p->rsa) ;
    return same(buf, n, pk->key.rsa.n, pk->key.rsa.nlen) ;
  }
  else
  {
    br_ec_public_key pub ;
    if (!br_ec_compute_pub(br_ec_get_default(), &pub, buf, &p->ec)) return 0 ;
    return pub.curve == pk->key.ec.curve && pub.qlen == pk->key.ec.qlen
      && !memcmp(pub.q, pk->key.ec.q, pub.qlen) ;
  }
}

void tls_pair_wipe (tlspair *p)
{
  byte_zzero((char *)p->kbuf, sizeof p->kbuf) ;
  byte_zzero((char *)&p->rsa, sizeof p->rsa) ;
  byte_zzero((char *)&p->ec, sizeof p->ec) ;
  p->type = 0 ;
}
