/* tern_sasl_client_choose: the first preferred mechanism the server offers
   (REFERENCE 2.3, without the v0.0.5 last-match bug).  PLAIN is never a
   default: the caller configures it, and only over TLS. */
#include <string.h>
#include <strings.h>
#include "tern_sasl.h"

static char const *const defaults[] = { "SCRAM-SHA-256", "SCRAM-SHA-1", "CRAM-MD5", 0 } ;

static int offers (char const *s, size_t len, char const *name)
{
  size_t n = strlen(name), i = 0 ;
  while (i < len)
  {
    size_t j = i ;
    while (j < len && s[j] != ' ') j++ ;
    if (j - i == n && !strncasecmp(s + i, name, n)) return 1 ;
    i = j + 1 ;
  }
  return 0 ;
}

char const *tern_sasl_client_choose (char const *offered, size_t len, char const *const *prefs)
{
  if (!prefs) prefs = defaults ;
  for (; *prefs ; prefs++)
    if (offers(offered, len, *prefs)) return *prefs ;
  return 0 ;
}
