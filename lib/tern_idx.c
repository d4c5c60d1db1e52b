/* tern_idx: strings to uint32_t values, see tern_idx.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "tern_crypto.h"
#include "tern_idx.h"

/* a seeded mix of the bytes, eight at a time, then a 64-bit finalizer */
static uint64_t hash (uint64_t seed, char const *s, size_t len)
{
  uint64_t h = seed ^ ((uint64_t)len * 0x9e3779b97f4a7c15ULL), w ;
  for (; len >= 8 ; s += 8, len -= 8)
  {
    memcpy(&w, s, 8) ;
    h = (h ^ w) * 0xff51afd7ed558ccdULL ;
    h ^= h >> 29 ;
  }
  w = 0 ;
  memcpy(&w, s, len) ;
  h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL ;
  h ^= h >> 33 ; h *= 0xff51afd7ed558ccdULL ; h ^= h >> 33 ;
  return h ;
}

static size_t home (tern_idx const *x, uint32_t v)
{
  char const *k = (*x->key)(v, x->aux) ;
  return (size_t)hash(x->seed, k, strlen(k)) & (x->cap - 1) ;
}

static int same (tern_idx const *x, uint32_t v, char const *s, size_t len)
{
  char const *k = (*x->key)(v, x->aux) ;
  return !strncmp(k, s, len) && !k[len] ;
}

/* the slot of key s, or the empty slot where it would go */
static size_t probe (tern_idx const *x, char const *s, size_t len)
{
  size_t i = (size_t)hash(x->seed, s, len) & (x->cap - 1) ;
  while (x->slot[i] != TERN_IDX_EMPTY && !same(x, x->slot[i], s, len)) i = (i + 1) & (x->cap - 1) ;
  return i ;
}

int tern_idx_find (tern_idx const *x, char const *s, size_t len, uint32_t *v)
{
  size_t i ;
  if (!x->n) return 0 ;
  i = probe(x, s, len) ;
  if (x->slot[i] == TERN_IDX_EMPTY) return 0 ;
  *v = x->slot[i] ;
  return 1 ;
}

static void put (tern_idx *x, uint32_t v)
{
  size_t i = home(x, v) ;
  while (x->slot[i] != TERN_IDX_EMPTY) i = (i + 1) & (x->cap - 1) ;
  x->slot[i] = v ;
}

int tern_idx_add (tern_idx *x, uint32_t v)
{
  if (2 * (x->n + 1) > x->cap)
  {
    size_t cap = x->cap ? 2 * x->cap : 16, oldcap = x->cap ;
    uint32_t *old = x->slot, *s ;
    if (cap > SIZE_MAX / sizeof(uint32_t) / 2) return (errno = ENOMEM, 0) ;
    s = malloc(cap * sizeof(uint32_t)) ;
    if (!s) return 0 ;
    memset(s, 0xff, cap * sizeof(uint32_t)) ;  /* TERN_IDX_EMPTY everywhere */
    if (!oldcap) tern_random(&x->seed, sizeof x->seed) ;
    x->slot = s ; x->cap = cap ;
    for (size_t i = 0 ; i < oldcap ; i++) if (old[i] != TERN_IDX_EMPTY) put(x, old[i]) ;
    free(old) ;
  }
  put(x, v) ;
  x->n++ ;
  return 1 ;
}

int tern_idx_del (tern_idx *x, char const *s, size_t len)
{
  size_t i, j, mask = x->cap - 1 ;
  if (!x->n) return 0 ;
  i = probe(x, s, len) ;
  if (x->slot[i] == TERN_IDX_EMPTY) return 0 ;
  /* close the gap: a later entry of the run moves back into it unless its
     home lies cyclically in (i, j] */
  for (j = (i + 1) & mask ; x->slot[j] != TERN_IDX_EMPTY ; j = (j + 1) & mask)
  {
    size_t h = home(x, x->slot[j]) ;
    if (((j - h) & mask) >= ((j - i) & mask)) { x->slot[i] = x->slot[j] ; i = j ; }
  }
  x->slot[i] = TERN_IDX_EMPTY ;
  x->n-- ;
  return 1 ;
}

void tern_idx_free (tern_idx *x)
{
  free(x->slot) ;
  x->slot = 0 ; x->cap = 0 ; x->n = 0 ;
}
