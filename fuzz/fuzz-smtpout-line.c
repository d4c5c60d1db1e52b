/* fuzz-smtpout-line.c: tern-smtp-out's transport line parser on hostile
   words (the input split on spaces, as the caller splits tern-route's
   line).  Includes the program part directly, as it is not in libtern. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "../smtp-out/tern-smtp-out-line.c"

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  static sout o ;
  char *s = malloc(size + 1) ;
  char const *w[64] ;
  unsigned int n = 0 ;
  if (!s) return 0 ;
  memcpy(s, data, size) ;
  s[size] = 0 ;
  for (char *p = s, *q ; n < 64 && *p ; p = q)
  {
    q = p + strcspn(p, " ") ;
    if (*q) *q++ = 0 ;
    w[n++] = p ;
  }
  memset(&o, 0, sizeof o) ;
  so_line(&o, w, n) ;
  free(s) ;
  return 0 ;
}
