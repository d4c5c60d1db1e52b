/* tern-tls-server.c: the BearSSL server context of tern-tls: TLS 1.2,
   ECDHE with AES-GCM or ChaCha20, one RSA and/or one EC key pair; the facts
   of a session as "VAR=value" strings; names for error codes, and the log
   line of a failed handshake. */
#include <stdlib.h>
#include <string.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include "tern-tls.h"

static uint16_t const suites[] =
{
  BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
  BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
  BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
  BR_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
  BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
  BR_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
} ;

static char const *const suitenames[] =
{
  "ECDHE-ECDSA-AES128-GCM-SHA256",
  "ECDHE-RSA-AES128-GCM-SHA256",
  "ECDHE-ECDSA-AES256-GCM-SHA384",
  "ECDHE-RSA-AES256-GCM-SHA384",
  "ECDHE-ECDSA-CHACHA20-POLY1305",
  "ECDHE-RSA-CHACHA20-POLY1305",
} ;

/* Two single-chain policies behind one: EC when the client takes an
   ECDSA suite, else RSA.  BearSSL's own single policies do the work. */
static struct
{
  br_ssl_server_policy_class const *vtable ;
  br_ssl_server_policy_class const **chosen ;
  br_ssl_server_policy_ec_context ec ;
  br_ssl_server_policy_rsa_context rsa ;
  int has_ec, has_rsa ;
} dual ;

static int dual_choose (br_ssl_server_policy_class const **pctx, br_ssl_server_context const *sc, br_ssl_server_choices *ch)
{
  (void)pctx ;
  if (dual.has_ec && dual.ec.vtable->choose(&dual.ec.vtable, sc, ch))
    dual.chosen = &dual.ec.vtable ;
  else if (dual.has_rsa && dual.rsa.vtable->choose(&dual.rsa.vtable, sc, ch))
    dual.chosen = &dual.rsa.vtable ;
  else return 0 ;
  return 1 ;
}

static uint32_t dual_keyx (br_ssl_server_policy_class const **pctx, unsigned char *data, size_t *len)
{
  (void)pctx ;
  return dual.chosen ? (*dual.chosen)->do_keyx(dual.chosen, data, len) : 0 ;
}

static size_t dual_sign (br_ssl_server_policy_class const **pctx, unsigned int algo, unsigned char *data, size_t hvlen, size_t len)
{
  (void)pctx ;
  return dual.chosen ? (*dual.chosen)->do_sign(dual.chosen, algo, data, hvlen, len) : 0 ;
}

static br_ssl_server_policy_class const dual_vtable =
{
  .context_size = sizeof dual,
  .choose = &dual_choose,
  .do_keyx = &dual_keyx,
  .do_sign = &dual_sign
} ;

static void set_pairs (br_ssl_server_context *sc, tlspair const *p, unsigned int n)
{
  for (unsigned int i = 0 ; i < n ; i++)
  {
    if (p[i].type == BR_KEYTYPE_EC)
    {
      /* ECDHE only, so the issuer's key type does not matter */
      br_ssl_server_set_single_ec(sc, p[i].chain, p[i].nchain, &p[i].ec,
        BR_KEYTYPE_SIGN, BR_KEYTYPE_EC, br_ec_get_default(), br_ecdsa_sign_asn1_get_default()) ;
      dual.ec = sc->chain_handler.single_ec ;
      dual.has_ec = 1 ;
    }
    else
    {
      br_ssl_server_set_single_rsa(sc, p[i].chain, p[i].nchain, &p[i].rsa,
        BR_KEYTYPE_SIGN, br_rsa_private_get_default(), br_rsa_pkcs1_sign_get_default()) ;
      dual.rsa = sc->chain_handler.single_rsa ;
      dual.has_rsa = 1 ;
    }
  }
  dual.vtable = &dual_vtable ;
  br_ssl_server_set_policy(sc, &dual.vtable) ;
}

void tls_server_init (br_ssl_server_context *sc, tlspair const *p, unsigned int n)
{
  br_ssl_engine_context *e = &sc->eng ;
  br_ssl_server_zero(sc) ;
  br_ssl_engine_set_versions(e, BR_TLS12, BR_TLS12) ;
  br_ssl_engine_set_suites(e, suites, sizeof suites / sizeof *suites) ;
  br_ssl_engine_add_flags(e, BR_OPT_ENFORCE_SERVER_PREFERENCES | BR_OPT_NO_RENEGOTIATION) ;
  br_ssl_engine_set_default_ec(e) ;
  br_ssl_engine_set_hash(e, br_sha1_ID, &br_sha1_vtable) ;
  br_ssl_engine_set_hash(e, br_sha224_ID, &br_sha224_vtable) ;
  br_ssl_engine_set_hash(e, br_sha256_ID, &br_sha256_vtable) ;
  br_ssl_engine_set_hash(e, br_sha384_ID, &br_sha384_vtable) ;
  br_ssl_engine_set_hash(e, br_sha512_ID, &br_sha512_vtable) ;
  br_ssl_engine_set_prf_sha256(e, &br_tls12_sha256_prf) ;
  br_ssl_engine_set_prf_sha384(e, &br_tls12_sha384_prf) ;
  br_ssl_engine_set_default_aes_gcm(e) ;
  br_ssl_engine_set_default_chapol(e) ;
  set_pairs(sc, p, n) ;
}

static int sni_ok (char const *s)
{
  size_t n = 0 ;
  for (; s[n] ; n++)
  {
    char c = s[n] ;
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
      || c == '.' || c == '-' || c == '_')) return 0 ;
  }
  return n > 0 && n <= 255 ;
}

static size_t add (char *buf, size_t w, size_t max, char const *a, char const *b)
{
  size_t n = strlen(a), m = b ? strlen(b) + 1 : 0 ;
  if (w + n + m + 2 > max) return w ;
  memcpy(buf + w, a, n) ; w += n ;
  if (b) { buf[w++] = '=' ; memcpy(buf + w, b, m - 1) ; w += m - 1 ; }
  buf[w++] = 0 ;
  return w ;
}

/* "SSL_PROTOCOL=TLSv1.2\0SSL_CIPHER=...\0SSL_TLS_SNI_SERVERNAME[=name]\0\0" */
size_t tls_info (br_ssl_engine_context const *e, char *buf, size_t max)
{
  br_ssl_session_parameters sp ;
  char const *cipher = "unknown" ;
  char const *sni = br_ssl_engine_get_server_name(e) ;
  size_t w = 0 ;
  br_ssl_engine_get_session_parameters(e, &sp) ;
  for (size_t i = 0 ; i < sizeof suites / sizeof *suites ; i++)
    if (suites[i] == sp.cipher_suite) cipher = suitenames[i] ;
  memset(sp.master_secret, 0, sizeof sp.master_secret) ;
  w = add(buf, w, max, "SSL_PROTOCOL", br_ssl_engine_get_version(e) == BR_TLS12 ? "TLSv1.2" : "unknown") ;
  w = add(buf, w, max, "SSL_CIPHER", cipher) ;
  w = add(buf, w, max, "SSL_TLS_SNI_SERVERNAME", sni && sni_ok(sni) ? sni : 0) ;
  buf[w++] = 0 ;
  return w ;
}

static char const *const errnames[] =
{
  "OK", "BAD_PARAM", "BAD_STATE", "UNSUPPORTED_VERSION", "BAD_VERSION",
  "BAD_LENGTH", "TOO_LARGE", "BAD_MAC", "NO_RANDOM", "UNKNOWN_TYPE",
  "UNEXPECTED", "11", "BAD_CCS", "BAD_ALERT", "BAD_HANDSHAKE",
  "OVERSIZED_ID", "BAD_CIPHER_SUITE", "BAD_COMPRESSION", "BAD_FRAGLEN",
  "BAD_SECRENEG", "EXTRA_EXTENSION", "BAD_SNI", "BAD_HELLO_DONE",
  "LIMIT_EXCEEDED", "BAD_FINISHED", "RESUME_MISMATCH", "INVALID_ALGORITHM",
  "BAD_SIGNATURE", "WRONG_KEY_USAGE", "NO_CLIENT_AUTH", "30", "IO",
} ;

/* Writes the name of err into buf (40 bytes) and returns buf. */
char const *tls_err_name (int err, char *buf)
{
  char const *base = "UNKNOWN" ;
  int off = -1 ;
  size_t n ;
  if (err == TLS_ERR_TIMEOUT) return strcpy(buf, "timeout") ;
  if (err == TLS_ERR_EOF) return strcpy(buf, "eof") ;
  if (err >= 0 && (size_t)err < sizeof errnames / sizeof *errnames) base = errnames[err] ;
  else if (err >= BR_ERR_SEND_FATAL_ALERT && err < BR_ERR_SEND_FATAL_ALERT + 256)
  { base = "SEND_FATAL_ALERT" ; off = err - BR_ERR_SEND_FATAL_ALERT ; }
  else if (err >= BR_ERR_RECV_FATAL_ALERT && err < BR_ERR_RECV_FATAL_ALERT + 256)
  { base = "RECV_FATAL_ALERT" ; off = err - BR_ERR_RECV_FATAL_ALERT ; }
  memcpy(buf, "BR_ERR_", 7) ;
  n = 7 + strlen(base) ;
  memcpy(buf + 7, base, n - 6) ;
  if (off >= 0) { buf[n++] = '+' ; buf[n + uint_fmt(buf + n, off)] = 0 ; }
  return buf ;
}

/* the log line of a failed handshake */
void tls_failed (int err)
{
  char const *ip = getenv("TCPREMOTEIP") ;
  char fmt[INT_FMT] ;
  char name[40] ;
  fmt[int_fmt(fmt, err)] = 0 ;
  strerr_warni("handshake-failed ip=", ip ? ip : "unknown", " err=", fmt, " reason=", tls_err_name(err, name)) ;
}
