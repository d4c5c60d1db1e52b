/* fuzz-addrlist: tern_addrlist_parse on any bytes, then the search form
   of every entry.  Properties: parts lie inside the text, the text is no
   longer than the input, groups nest never and always close. */
#include <stdint.h>
#include <stdlib.h>
#include "tern_addrlist.h"

static tern_addrlist l = TERN_ADDRLIST_ZERO ;
static stralloc sa = STRALLOC_ZERO ;

static void inside (tern_alpart const *p)
{
  if (p->off > l.text.len || p->len > l.text.len - p->off) abort() ;
}

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  tern_addrent const *e ;
  size_t n ;
  int open = 0 ;
  if (!tern_addrlist_parse(&l, (char const *)data, size)) abort() ;
  if (l.text.len > size) abort() ;
  e = genalloc_s(tern_addrent const, &l.ents) ;
  n = genalloc_len(tern_addrent, &l.ents) ;
  for (size_t i = 0 ; i < n ; i++)
  {
    inside(&e[i].name) ; inside(&e[i].route) ; inside(&e[i].local) ; inside(&e[i].domain) ;
    if (e[i].kind == TERN_AL_GROUP) { if (open) abort() ; open = 1 ; }
    else if (e[i].kind == TERN_AL_END) { if (!open) abort() ; open = 0 ; }
    else if (e[i].kind != TERN_AL_MAILBOX) abort() ;
    sa.len = 0 ;
    if (!tern_addrlist_fmt(&sa, &l, e + i)) abort() ;
  }
  if (open) abort() ;
  return 0 ;
}
