/* tern_addr_free: release an address's memory; it is zero afterwards. */
#include "tern_addr.h"

void tern_addr_free (tern_addr *a)
{
  stralloc_free(&a->local) ;
  stralloc_free(&a->domain) ;
  stralloc_free(&a->udomain) ;
  a->flags = 0 ;
}
