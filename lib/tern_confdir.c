/* tern_confdir: where the configuration lives; never compiled into a path. */
#include <stdlib.h>
#include "tern.h"

char const *tern_confdir (char const *opt)
{
  char const *x = opt ? opt : getenv("TERN_CONF") ;
  return x && *x ? x : "/etc/tern" ;
}
