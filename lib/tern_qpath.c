/* tern_qpath: a path in the queue, QDIR SUB NAME. */
#include "tern.h"
#include "tern_queue.h"

int tern_qpath (stralloc *p, char const *qdir, char const *sub, char const *name, size_t n)
{
  p->len = 0 ;
  return stralloc_cats(p, qdir) && stralloc_cats(p, sub) && stralloc_catb(p, name, n) && stralloc_0(p) ;
}
