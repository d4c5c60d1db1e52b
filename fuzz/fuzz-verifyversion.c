/* fuzz-verifyversion: tern-verify's parser of a backup's version file on
   hostile input (at most 4095 bytes, as tern-verify reads it).  Includes
   the program part directly, as it is not in libtern. */
#include <stdint.h>
#include <stddef.h>
#include <string.h>
#include "../verify/tern-verify-version.c"

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  char s[4096] ;
  if (size > sizeof s - 1) size = sizeof s - 1 ;
  memcpy(s, data, size) ;
  (void)verify_version(s, size) ;
  return 0 ;
}
