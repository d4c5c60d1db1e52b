/* tern_route_pick: the first matching route of the account's, the sender
   domain's and the global lists (tern-route.8). */
#include <skalibs/types.h>
#include "tern.h"
#include "tern_conf.h"
#include "tern_route.h"

/* Search one list, key; what names it in why ("global", "account bob"). */
static int search (tern_conf const *c, char const *key, size_t klen, char const *what, tern_routeq const *q, stralloc *tname, stralloc *why)
{
  cdb_find_state st = CDB_FIND_STATE_ZERO ;
  cdb_data d ;
  unsigned int i = 0 ;
  for (;;)
  {
    char fmt[UINT_FMT] ;
    size_t tlen ;
    int r = tern_conf_findnext(c, key, klen, &d, &st) ;
    if (r <= 0) return r ;
    i++ ;
    r = tern_route_match(d.s, d.len, q->from.s, q->from.len, q->to.s, q->to.len, q->attempts, &tlen) ;
    if (r < 0) return -1 ;
    if (!r) continue ;
    if (!stralloc_copyb(tname, d.s, tlen)
     || !stralloc_cats(why, what) || !stralloc_cats(why, " route ")
     || !stralloc_catb(why, fmt, uint_fmt(fmt, i)) || !stralloc_cats(why, ": ")
     || !stralloc_catb(why, d.s, d.len)) return -1 ;
    return 1 ;
  }
}

int tern_route_pick (tern_conf const *c, tern_routeq const *q, stralloc *tname, stralloc *why)
{
  stralloc key = STRALLOC_ZERO, what = STRALLOC_ZERO ;
  int r = 0 ;
  if (q->account)
  {
    if (!stralloc_cats(&key, "r:a:") || !stralloc_cats(&key, q->account)
     || !stralloc_cats(&what, "account ") || !stralloc_cats(&what, q->account) || !stralloc_0(&what)) r = -1 ;
    else r = search(c, key.s, key.len, what.s, q, tname, why) ;
  }
  if (!r && q->from.len)
  {
    key.len = what.len = 0 ;
    if (!stralloc_cats(&key, "r:d:") || !stralloc_catb(&key, q->from.s, q->from.len)
     || !stralloc_cats(&what, "domain ") || !stralloc_catb(&what, q->from.s, q->from.len) || !stralloc_0(&what)) r = -1 ;
    else r = search(c, key.s, key.len, what.s, q, tname, why) ;
  }
  if (!r) r = search(c, "r:g", 3, "global", q, tname, why) ;
  stralloc_free(&key) ;
  stralloc_free(&what) ;
  return r ;
}
