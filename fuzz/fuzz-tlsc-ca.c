/* fuzz-tlsc-ca.c: tern-tlsc's trust anchor parser (PEM, X.509) on
   arbitrary bytes.  Includes smtp-out/tern-tlsc-ca.c. */
#include <stdint.h>
#include <stdlib.h>
#include "../smtp-out/tern-tlsc-ca.c"

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  br_x509_trust_anchor *tas ;
  int n = tlsc_ca_parse((char const *)data, size, &tas) ;
  if (n > 0)
  {
    tlsc_ca_free(tas, n) ;
    free(tas) ;
  }
  return 0 ;
}
