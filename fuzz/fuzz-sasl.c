/* fuzz-sasl: the SASL server fed arbitrary client messages, and the client
   fed arbitrary server messages, for every mechanism.  Input: one byte
   (mechanism 0-4, bit 3: client side), then messages, each as a 2-byte
   big-endian length and that many bytes. */
#include <stdint.h>
#include <string.h>
#include "tern.h"
#include "tern_sasl.h"

static tern_cred cbob ;
static int ready = 0 ;

static int getcred (char const *user, size_t len, tern_cred *c, void *aux)
{
  (void)aux ;
  if (len == 4 && !strcmp(user, "temp")) return TERN_TEMP ;
  if (len != 3 || strcmp(user, "bob")) return TERN_PERM ;
  *c = cbob ;
  return TERN_OK ;
}

/* a hostile server may ask for up to 10 million iterations: too slow here */
static int slow (uint8_t const *m, size_t len)
{
  for (size_t i = 0 ; i + 3 < len ; i++)
    if (!memcmp(m + i, ",i=", 3))
    {
      size_t d = 0 ;
      while (i + 3 + d < len && m[i + 3 + d] >= '0' && m[i + 3 + d] <= '9') d++ ;
      if (d > 4) return 1 ;
    }
  return 0 ;
}

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  static char const *const mechs[] = { "PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256" } ;
  tern_sasl_server s = TERN_SASL_SERVER_ZERO ;
  tern_sasl_client c = TERN_SASL_CLIENT_ZERO ;
  int client, r ;
  size_t i = 1 ;
  if (!ready)
  {
    static unsigned char const salt[16] = "0123456789abcdef" ;
    stralloc f = STRALLOC_ZERO ;
    if (!tern_cred_make_salted("bob-secret", 10, salt, salt, 16, 2, &f) || !tern_cred_parse(f.s, f.len, &cbob)) return 0 ;
    stralloc_free(&f) ;
    ready = 1 ;
  }
  if (!size) return 0 ;
  client = data[0] & 8 ;
  s.get = &getcred ; s.testnonce = (data[0] & 7) == 2 ? "<1.2@h>" : "SERVERNONCE" ;
  c.testnonce = "clientnonce" ;
  r = client ? tern_sasl_client_start(&c, mechs[(data[0] & 7) % 5], "b,o=b", "bob-secret")
    : tern_sasl_server_start(&s, mechs[(data[0] & 7) % 5], 0, 0, 0) ;
  while (r == TERN_SASL_NEXT && i + 2 <= size)
  {
    size_t n = (size_t)data[i] << 8 | data[i + 1] ;
    i += 2 ;
    if (n > size - i) n = size - i ;
    if (client && slow(data + i, n)) break ;
    r = client ? tern_sasl_client_step(&c, (char const *)data + i, n)
      : tern_sasl_server_step(&s, (char const *)data + i, n) ;
    i += n ;
  }
  tern_sasl_server_free(&s) ;
  tern_sasl_client_free(&c) ;
  return 0 ;
}
