/* tern-tlsc-x509.c: the X.509 engine of tern-tlsc -k: no chain, name or
   date check at all (opportunistic TLS), only the server's public key,
   decoded from the first certificate, goes to the TLS engine. */
#include <string.h>
#include "tern-tlsc.h"

#define SELF(ctx) ((tlsc_nocheck *)(void *)(ctx))

static void start_chain (br_x509_class const **ctx, char const *name)
{
  (void)name ;
  SELF(ctx)->ncert = 0 ;
  SELF(ctx)->ok = 0 ;
}

static void start_cert (br_x509_class const **ctx, uint32_t len)
{
  (void)len ;
  if (!SELF(ctx)->ncert) br_x509_decoder_init(&SELF(ctx)->dc, 0, 0) ;
}

static void append (br_x509_class const **ctx, unsigned char const *s, size_t len)
{
  if (!SELF(ctx)->ncert) br_x509_decoder_push(&SELF(ctx)->dc, s, len) ;
}

/* Copies the key out of the decoder, which is reused for nothing else. */
static int keep (tlsc_nocheck *x, br_x509_pkey const *pk)
{
  x->pkey.key_type = pk->key_type ;
  if (pk->key_type == BR_KEYTYPE_RSA)
  {
    br_rsa_public_key const *r = &pk->key.rsa ;
    if (r->nlen + r->elen > sizeof x->kbuf) return 0 ;
    memcpy(x->kbuf, r->n, r->nlen) ;
    memcpy(x->kbuf + r->nlen, r->e, r->elen) ;
    x->pkey.key.rsa.n = x->kbuf ; x->pkey.key.rsa.nlen = r->nlen ;
    x->pkey.key.rsa.e = x->kbuf + r->nlen ; x->pkey.key.rsa.elen = r->elen ;
    return 1 ;
  }
  if (pk->key_type != BR_KEYTYPE_EC || pk->key.ec.qlen > sizeof x->kbuf) return 0 ;
  memcpy(x->kbuf, pk->key.ec.q, pk->key.ec.qlen) ;
  x->pkey.key.ec.curve = pk->key.ec.curve ;
  x->pkey.key.ec.q = x->kbuf ;
  x->pkey.key.ec.qlen = pk->key.ec.qlen ;
  return 1 ;
}

static void end_cert (br_x509_class const **ctx)
{
  tlsc_nocheck *x = SELF(ctx) ;
  if (!x->ncert++)
  {
    br_x509_pkey const *pk = br_x509_decoder_get_pkey(&x->dc) ;
    x->ok = pk && !br_x509_decoder_last_error(&x->dc) && keep(x, pk) ;
  }
}

static unsigned int end_chain (br_x509_class const **ctx)
{
  return SELF(ctx)->ok ? 0 : BR_ERR_X509_EMPTY_CHAIN ;
}

static br_x509_pkey const *get_pkey (br_x509_class const *const *ctx, unsigned int *usages)
{
  tlsc_nocheck *x = SELF(ctx) ;
  if (usages) *usages = BR_KEYTYPE_KEYX | BR_KEYTYPE_SIGN ;
  return x->ok ? &x->pkey : 0 ;
}

static br_x509_class const vtable =
{
  sizeof (tlsc_nocheck), &start_chain, &start_cert, &append, &end_cert, &end_chain, &get_pkey
} ;

void tlsc_nocheck_init (tlsc_nocheck *x)
{
  memset(x, 0, sizeof *x) ;
  x->vtable = &vtable ;
}
