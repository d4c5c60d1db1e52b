/* fuzz-spf: tern_spf_check over a hostile zone: the input, after 2 control
   bytes, is answers split at NUL bytes; a name's answer (TXT, MX or
   addresses) is the one its hash picks.  Also the term parser and the
   macro expander on the raw input.  Property: a known result, bounded
   lookups, a NUL-terminated why. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "tern.h"
#include "tern_spf.h"

static struct { char const *s ; size_t n ; } ans[64] ;
static unsigned int nans ;
static uint8_t ctl ;

static unsigned int hash (char const *cmd, char const *s)
{
  unsigned int h = (unsigned char)cmd[0] ;
  while (*s) h = h * 33 + (unsigned char)*s++ ;
  return h ;
}

static int dns (void *ctx, char const *cmd, char const *name, stralloc *out)
{
  unsigned int h = hash(cmd, name) ;
  (void)ctx ;
  out->len = 0 ;
  if ((h & 15) == (ctl & 15)) return TERN_TEMP ;
  if (!nans || (h & 7) == 7) return TERN_PERM ;
  if (!strcmp(cmd, "ip") && (h & 1)) return stralloc_cats(out, "ip 192.0.2.1\nip 2001:db8::1\n") ? TERN_OK : TERN_TEMP ;
  return stralloc_catb(out, ans[h % nans].s, ans[h % nans].n) ? TERN_OK : TERN_TEMP ;
}

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  tern_spf s = TERN_SPF_ZERO ;
  tern_spf_term t ;
  stralloc sa = STRALLOC_ZERO ;
  char const *p ;
  int r ;
  if (size < 2) return 0 ;
  ctl = data[0] ;
  p = (char const *)data + 2 ;
  size -= 2 ;
  tern_spf_term_parse(p, size, &t) ;
  tern_spf_expand(&s, "d.test", p, size, &sa) ;
  stralloc_free(&sa) ;
  nans = 0 ;
  for (size_t i = 0 ; i <= size && nans < 64 ;)
  {
    char const *z = memchr(p + i, 0, size - i) ;
    size_t n = z ? (size_t)(z - p - i) : size - i ;
    ans[nans].s = p + i ; ans[nans++].n = n ;
    i += n + 1 ;
  }
  s.dns = &dns ; s.sender = "postmaster@d.test" ; s.helo = "d.test" ;
  s.is6 = data[1] & 1 ;
  memcpy(s.ip, s.is6 ? "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\1" : "\xc0\0\2\1", s.is6 ? 16 : 4) ;
  r = tern_spf_check(&s, "d.test") ;
  if (r < TERN_SPF_NONE || r > TERN_SPF_PERMERROR || s.lookups > TERN_SPF_MAXLOOKUPS + 1 || !memchr(s.why, 0, sizeof s.why)) abort() ;
  return 0 ;
}
