/* fuzz-addr: tern_path_parse with every opts combination, then the
   SMTP, key and log forms.  Property: a parsed address, printed in SMTP
   form (A-labels or U-labels), parses back to the same key. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "tern.h"
#include "tern_addr.h"
#include "tern_log.h"

static tern_addr a = TERN_ADDR_ZERO, b = TERN_ADDR_ZERO ;
static stralloc s1 = STRALLOC_ZERO, s2 = STRALLOC_ZERO, k1 = STRALLOC_ZERO, k2 = STRALLOC_ZERO ;

static void same_key (int ascii, unsigned int opts)
{
  s1.len = k1.len = k2.len = 0 ;
  if (!tern_addr_fmt(&s1, &a, ascii) || !tern_addr_key(&k1, &a)) abort() ;
  if (tern_addr_parse(&b, s1.s, s1.len, opts) != TERN_OK) abort() ;
  if (!tern_addr_key(&k2, &b)) abort() ;
  if (k1.len != k2.len || memcmp(k1.s, k2.s, k1.len)) abort() ;
}

static void one (uint8_t const *data, size_t size, unsigned int opts)
{
  char const *s = (char const *)data ;
  size_t used = 0 ;
  if (tern_path_parse(&a, s, size, opts, &used) != TERN_OK) return ;
  if (used > size || used > 256 || s[used-1] != '>') abort() ;
  s2.len = 0 ;
  if (!tern_addr_logfmt(&s2, &a) || !tern_addr_fmt(&s2, &a, 0)) abort() ;
  if (a.flags & TERN_ADDRF_NULL)
  {
    if (!(opts & TERN_ADDR_NULLOK) || a.local.len || a.domain.len) abort() ;
    return ;
  }
  if (!a.local.len || (!a.domain.len && !(opts & TERN_ADDR_NODOM))) abort() ;
  if ((a.flags & TERN_ADDRF_UTF8) && !(opts & TERN_ADDR_UTF8)) abort() ;
  same_key(1, opts) ;
  same_key(0, opts | TERN_ADDR_UTF8) ;
}

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  unsigned int opts ;
  stralloc x = STRALLOC_ZERO, u = STRALLOC_ZERO ;
  for (opts = 0 ; opts < 8 ; opts++) one(data, size, opts) ;
  tern_addr_parse(&a, (char const *)data, size, TERN_ADDR_UTF8 | TERN_ADDR_NODOM) ;
  if (tern_domain_parse(&x, &u, (char const *)data, size) == TERN_OK)
  {
    if (!stralloc_0(&x) || !stralloc_0(&u)) abort() ;
    s2.len = 0 ;
    if (!tern_domain_logfmt(&s2, x.s, u.s)) abort() ;
  }
  s2.len = 0 ;
  if (!tern_log_catvalue(&s2, (char const *)data, size)) abort() ;
  stralloc_free(&x) ; stralloc_free(&u) ;
  return 0 ;
}
