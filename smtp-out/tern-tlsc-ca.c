/* tern-tlsc-ca.c: trust anchors for tern-tlsc from PEM text (a CA bundle
   or a single self-signed certificate).  Certificates BearSSL cannot
   decode (unknown key types) are skipped; broken PEM is an error. */
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <skalibs/stralloc.h>
#include <skalibs/genalloc.h>
#include "tern-tlsc.h"

typedef struct ca_s ca ;
struct ca_s
{
  stralloc der ;
  int over ;
} ;

static void put (void *ctx, void const *s, size_t n)
{
  ca *c = ctx ;
  if (c->over) return ;
  if (c->der.len + n > 65536 || !stralloc_catb(&c->der, s, n)) c->over = 1 ;
}

static void putdn (void *ctx, void const *s, size_t n)
{
  put(ctx, s, n) ;
}

static unsigned char *dup (void const *s, size_t n)
{
  unsigned char *d = malloc(n ? n : 1) ;
  if (d) memcpy(d, s, n) ;
  return d ;
}

/* One anchor from one DER certificate: 1 made, 0 skipped, -1 no memory. */
static int anchor (unsigned char const *der, size_t len, br_x509_trust_anchor *ta)
{
  br_x509_decoder_context dc ;
  br_x509_pkey const *pk ;
  ca dn = { STRALLOC_ZERO, 0 } ;
  int r = 0 ;
  br_x509_decoder_init(&dc, &putdn, &dn) ;
  br_x509_decoder_push(&dc, der, len) ;
  pk = br_x509_decoder_get_pkey(&dc) ;
  if (!pk || br_x509_decoder_last_error(&dc) || dn.over) goto end ;
  memset(ta, 0, sizeof *ta) ;
  ta->flags = br_x509_decoder_isCA(&dc) ? BR_X509_TA_CA : 0 ;
  ta->pkey.key_type = pk->key_type ;
  r = -1 ;
  if (!(ta->dn.data = dup(dn.der.s, dn.der.len))) goto end ;
  ta->dn.len = dn.der.len ;
  if (pk->key_type == BR_KEYTYPE_RSA)
  {
    ta->pkey.key.rsa.nlen = pk->key.rsa.nlen ;
    ta->pkey.key.rsa.elen = pk->key.rsa.elen ;
    ta->pkey.key.rsa.n = dup(pk->key.rsa.n, pk->key.rsa.nlen) ;
    ta->pkey.key.rsa.e = dup(pk->key.rsa.e, pk->key.rsa.elen) ;
    if (!ta->pkey.key.rsa.n || !ta->pkey.key.rsa.e) goto end ;
  }
  else
  {
    ta->pkey.key.ec.curve = pk->key.ec.curve ;
    ta->pkey.key.ec.qlen = pk->key.ec.qlen ;
    if (!(ta->pkey.key.ec.q = dup(pk->key.ec.q, pk->key.ec.qlen))) goto end ;
  }
  r = 1 ;
 end:
  stralloc_free(&dn.der) ;
  return r ;
}

static int want (char const *name)
{
  return !strcmp(name, "CERTIFICATE") || !strcmp(name, "X509 CERTIFICATE") ;
}

/* Called at the end of an object: adds its anchor to tas. */
static int done (ca *c, genalloc *tas)
{
  br_x509_trust_anchor ta ;
  int r ;
  if (c->over) { errno = EINVAL ; return 0 ; }
  if (genalloc_len(br_x509_trust_anchor, tas) >= TLSC_CA_MAX) { errno = EINVAL ; return 0 ; }
  r = anchor((unsigned char *)c->der.s, c->der.len, &ta) ;
  if (r < 0) { tlsc_ca_free(&ta, 1) ; errno = ENOMEM ; return 0 ; }
  if (r && !genalloc_append(br_x509_trust_anchor, tas, &ta)) { tlsc_ca_free(&ta, 1) ; errno = ENOMEM ; return 0 ; }
  return 1 ;
}

static int walk (char const *s, size_t len, genalloc *tas)
{
  br_pem_decoder_context pc ;
  ca c = { STRALLOC_ZERO, 0 } ;
  int inobj = 0, final = 0, ok = 0 ;
  br_pem_decoder_init(&pc) ;
  for (;;)
  {
    size_t n ;
    if (!len)
    {
      if (final++) break ;
      s = "\n" ; len = 1 ;  /* the decoder wants a newline after END */
    }
    n = br_pem_decoder_push(&pc, s, len) ;
    s += n ; len -= n ;
    switch (br_pem_decoder_event(&pc))
    {
      case BR_PEM_BEGIN_OBJ :
        inobj = want(br_pem_decoder_name(&pc)) ;
        c.der.len = 0 ; c.over = 0 ;
        br_pem_decoder_setdest(&pc, inobj ? &put : 0, &c) ;
        break ;
      case BR_PEM_END_OBJ :
        if (inobj && !done(&c, tas)) goto end ;
        inobj = 0 ;
        break ;
      case BR_PEM_ERROR : errno = EINVAL ; goto end ;
      default : break ;
    }
  }
  if (inobj) { errno = EINVAL ; goto end ; }
  ok = 1 ;
 end:
  stralloc_free(&c.der) ;
  return ok ;
}

int tlsc_ca_parse (char const *s, size_t len, br_x509_trust_anchor **out)
{
  genalloc tas = GENALLOC_ZERO ;
  if (!walk(s, len, &tas))
  {
    tlsc_ca_free(genalloc_s(br_x509_trust_anchor, &tas), genalloc_len(br_x509_trust_anchor, &tas)) ;
    genalloc_free(br_x509_trust_anchor, &tas) ;
    return -1 ;
  }
  *out = genalloc_s(br_x509_trust_anchor, &tas) ;
  return genalloc_len(br_x509_trust_anchor, &tas) ;
}

void tlsc_ca_free (br_x509_trust_anchor *tas, size_t n)
{
  for (size_t i = 0 ; i < n ; i++)
  {
    free(tas[i].dn.data) ;
    if (tas[i].pkey.key_type == BR_KEYTYPE_RSA) { free(tas[i].pkey.key.rsa.n) ; free(tas[i].pkey.key.rsa.e) ; }
    else free(tas[i].pkey.key.ec.q) ;
  }
}
