/* tern_addr_logtext: the log form (tern_addr_logfmt, REFERENCE.md 12) of
   an address kept in SMTP form with an A-label domain (a queue envelope):
   "q@bücher.test/q@xn--bcher-kva.test", as tern-smtp-in logs it. */
#include <string.h>
#include "tern.h"
#include "tern_addr.h"

/* printable ASCII, nothing to escape, no literal, no A-label: its own log form */
static int plain (char const *s)
{
  for (char const *p = s ; *p ; p++)
    if ((unsigned char)*p < 0x21 || (unsigned char)*p > 0x7e || *p == '"' || *p == '\\' || *p == '[') return 0 ;
  for (char const *p = s ; (p = strchr(p, '-')) ; p++)
    if (p[1] == '-' && p - s >= 2 && (p[-1] == 'n' || p[-1] == 'N') && (p[-2] == 'x' || p[-2] == 'X')) return 0 ;
  return 1 ;
}

int tern_addr_logtext (stralloc *sa, char const *s, int utf8)
{
  tern_addr a = TERN_ADDR_ZERO ;
  int r, ok ;
  if (!*s || plain(s)) return stralloc_cats(sa, s) ;
  r = tern_addr_parse(&a, s, strlen(s), utf8 ? TERN_ADDR_UTF8 : 0) ;
  if (r == TERN_TEMP) return 0 ;
  /* not an address after all: as it is (the logger escapes it) */
  ok = r == TERN_OK ? tern_addr_logfmt(sa, &a) : stralloc_cats(sa, s) ;
  tern_addr_free(&a) ;
  return ok ;
}
