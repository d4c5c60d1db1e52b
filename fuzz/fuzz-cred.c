/* fuzz-cred: the credentials file parser; what parses must check a
   password without trouble. */
#include <stdint.h>
#include <string.h>
#include "tern_cred.h"

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  tern_cred c ;
  if (!tern_cred_parse((char const *)data, size, &c)) return 0 ;
  if (c.has & TERN_CRED_S256 && c.s256.iter <= 100) tern_cred_check_plain(&c, "password", 8) ;
  return 0 ;
}
