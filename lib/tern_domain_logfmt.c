/* tern_domain_logfmt: a domain as logged (REFERENCE.md 12): the A-label
   name, or "unicode/ascii" when it has a different U-label form. */
#include <string.h>
#include "tern_addr.h"

int tern_domain_logfmt (stralloc *sa, char const *ascii, char const *unicode)
{
  if (unicode && *unicode && strcmp(unicode, ascii))
    return stralloc_cats(sa, unicode) && stralloc_catb(sa, "/", 1) && stralloc_cats(sa, ascii) ;
  return stralloc_cats(sa, ascii) ;
}
