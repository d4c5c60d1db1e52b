/* fuzz-tlspem: tern-tls's PEM parsers (private key, certificate chain) and
   the key/certificate match on hostile input.  Includes the program part
   directly, as it is not in libtern. */
#include <stdint.h>
#include <stddef.h>
#include "../smtp-in/tern-tls-pem.c"

static tlspair pair ;

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  char const *rk = tls_pem_key(&pair, data, size) ;
  char const *rc = tls_pem_chain(&pair, data, size) ;
  if (!rk && !rc) (void)tls_pair_match(&pair) ;
  for (size_t i = 0 ; i < pair.nchain ; i++)
  {
    br_x509_decoder_context xc ;
    br_x509_decoder_init(&xc, 0, 0) ;
    br_x509_decoder_push(&xc, pair.chain[i].data, pair.chain[i].data_len) ;
  }
  tls_pair_wipe(&pair) ;
  return 0 ;
}
