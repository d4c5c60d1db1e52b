/* test-idx: tern_idx against a plain model: 300,000 random adds, finds
   and removals over 6,000 keys of 0 to 40 bytes (many sharing prefixes),
   every key looked up after each phase; lookups by a prefix or an
   extension of a key miss; freeing and reuse. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tern_idx.h"
#include "t.h"

#define NK 6000
static char keys[NK][48] ;
static int in[NK] ;

static char const *key (uint32_t v, void *aux)
{
  (void)aux ;
  return keys[v] ;
}

static unsigned long rnd = 12345 ;
static unsigned int next (void)
{
  rnd = rnd * 6364136223846793005UL + 1442695040888963407UL ;
  return (unsigned int)(rnd >> 33) ;
}

/* every key: found exactly when the model has it, with its own value */
static int agree (tern_idx const *x)
{
  size_t n = 0 ;
  for (uint32_t k = 0 ; k < NK ; k++)
  {
    uint32_t v = TERN_IDX_EMPTY ;
    int f = tern_idx_find(x, keys[k], strlen(keys[k]), &v) ;
    if (f != in[k] || (f && v != k)) { fprintf(stderr, "key %u (%s): found %d value %u, model %d\n", k, keys[k], f, v, in[k]) ; return 0 ; }
    n += in[k] ;
  }
  return n == x->n ;
}

int main (void)
{
  tern_idx x = TERN_IDX_INIT(&key, 0) ;
  uint32_t v ;
  int bad = 0 ;
  for (unsigned int k = 0 ; k < NK ; k++)
  {
    unsigned int kind = k % 4 ;
    if (kind == 0) snprintf(keys[k], sizeof keys[k], "%08x.%x", 0x6b000000u + k / 7, 0x2f000u + k) ;  /* queue ids */
    else if (kind == 1) snprintf(keys[k], sizeof keys[k], "d%u.example", k) ;
    else if (kind == 2) { memset(keys[k], 'a', k % 41) ; keys[k][k % 41] = 0 ; if (k % 41) keys[k][0] = 'A' + k % 26 ; keys[k][k % 41 ? k % 41 - 1 : 0] = k % 41 ? 'a' + k % 23 : 0 ; }
    else snprintf(keys[k], sizeof keys[k], "sub%u.same-long-prefix-for-all-of-them.test", k) ;
  }
  /* kind 2 may repeat a key: keep the first of each */
  for (unsigned int k = 2 ; k < NK ; k += 4)
    for (unsigned int j = 2 ; j < k ; j += 4)
      if (!strcmp(keys[j], keys[k])) { snprintf(keys[k], sizeof keys[k], "uniq%u", k) ; break ; }

  T(!tern_idx_find(&x, "x", 1, &v) && !tern_idx_del(&x, "x", 1), "an empty index finds and removes nothing") ;
  for (unsigned int round = 0 ; round < 3 ; round++)
  {
    for (unsigned int op = 0 ; op < 100000 ; op++)
    {
      unsigned int k = next() % (op < 60000 ? NK : NK / 8) ;
      if (!in[k]) { if (!tern_idx_add(&x, k)) bad++ ; in[k] = 1 ; }
      else if (next() % 3)
      {
        if (!tern_idx_find(&x, keys[k], strlen(keys[k]), &v) || v != k) bad++ ;
      }
      else { if (tern_idx_del(&x, keys[k], strlen(keys[k])) != 1) bad++ ; in[k] = 0 ; }
    }
    T(!bad, "each add, find and removal as the model says") ;
    T(agree(&x), "every key found exactly when it is in, with its value") ;
    T(x.n * 2 <= x.cap, "at most half full") ;
    bad = 0 ;
  }
  {
    uint32_t k = 1 ;  /* "d1.example" */
    if (!in[k]) { tern_idx_add(&x, k) ; in[k] = 1 ; }
    T(!tern_idx_find(&x, "d1.exampl", 9, &v) && !tern_idx_find(&x, "d1.examplex", 11, &v)
      && tern_idx_find(&x, "d1.examplex", 10, &v) && v == 1, "a prefix or an extension of a key misses; the key, given by length, hits") ;
    T(!tern_idx_del(&x, "d1.exampl", 9) && tern_idx_find(&x, "d1.example", 10, &v), "removing a prefix removes nothing") ;
  }
  for (uint32_t k = 0 ; k < NK ; k++) if (in[k]) { if (tern_idx_del(&x, keys[k], strlen(keys[k])) != 1) bad++ ; in[k] = 0 ; }
  T(!bad && !x.n && agree(&x), "removing every key empties it") ;
  tern_idx_free(&x) ;
  T(!x.cap && !tern_idx_find(&x, keys[0], strlen(keys[0]), &v), "freed: empty") ;
  T(tern_idx_add(&x, 0) && tern_idx_find(&x, keys[0], strlen(keys[0]), &v) && !v, "reused after free") ;
  tern_idx_free(&x) ;
  return tdone() ;
}
