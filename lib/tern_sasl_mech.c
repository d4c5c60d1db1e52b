/* tern_sasl_mech, tern_sasl_mechname: SASL mechanism names and numbers. */
#include <string.h>
#include <strings.h>
#include "tern_sasl.h"

static char const *const names[] = { 0, "PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256" } ;

int tern_sasl_mech (char const *name, size_t len)
{
  for (int i = 1 ; i < (int)(sizeof names / sizeof *names) ; i++)
    if (len == strlen(names[i]) && !strncasecmp(name, names[i], len)) return i ;
  return 0 ;
}

char const *tern_sasl_mechname (int mech)
{
  return mech > 0 && mech < (int)(sizeof names / sizeof *names) ? names[mech] : 0 ;
}
