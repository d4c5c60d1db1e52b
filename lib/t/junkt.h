/* junkt.h: helpers of the junk filter's unit tests: a word set from a
   space-separated list, and equality of probabilities. */
#ifndef TERN_JUNKT_H
#define TERN_JUNKT_H
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "tern_junk.h"

static inline void mk (tern_junkwords *w, char const *list)
{
  w->s.len = 0 ;
  genalloc_setlen(size_t, &w->off, 0) ;
  genalloc_setlen(uint64_t, &w->hash, 0) ;   /* no hashes: looked up by hashing */
  w->n = 0 ;
  w->badctype = 0 ;
  while (*list)
  {
    size_t n = strcspn(list, " "), at = w->s.len ;
    if (n)
    {
      if (!genalloc_append(size_t, &w->off, &at) || !stralloc_catb(&w->s, list, n) || !stralloc_0(&w->s)) exit(111) ;
      w->n++ ;
    }
    list += n + !!list[n] ;
  }
}

static inline int near (double a, double b)
{
  return fabs(a - b) < 1e-9 ;
}
#endif
