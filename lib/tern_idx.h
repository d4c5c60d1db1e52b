/* tern_idx.h: an index from strings to uint32_t values, for finding a
   record by its name in memory (the queue runner's messages by id, its
   waiting recipients by domain).  The caller keeps the strings: key(v, aux)
   gives value v's NUL-terminated string.  Open addressing with linear
   probing, at most half full, removal by backward shift (no tombstones):
   a lookup costs the same however many values are in it.  The hash is
   seeded at random, so keys chosen by a client cannot be aimed at one
   chain.  (skalibs' avltree is not used: the one in Debian 12, 2.13.1,
   has insertion and deletion bugs fixed only in 2.14.5.) */
#ifndef TERN_IDX_H
#define TERN_IDX_H

#include <stddef.h>
#include <stdint.h>

typedef char const *tern_idx_key_func (uint32_t, void *) ;

typedef struct tern_idx_s tern_idx ;
struct tern_idx_s
{
  uint32_t *slot ;  /* cap entries: TERN_IDX_EMPTY or a value */
  size_t cap ;      /* 0, or a power of two */
  size_t n ;        /* values in it */
  uint64_t seed ;
  tern_idx_key_func *key ;
  void *aux ;
} ;

#define TERN_IDX_EMPTY UINT32_MAX
#define TERN_IDX_INIT(k, a) { .slot = 0, .cap = 0, .n = 0, .seed = 0, .key = (k), .aux = (a) }

/* 1 and *v if s (len bytes, no NUL in them) is a key, else 0 */
extern int tern_idx_find (tern_idx const *x, char const *s, size_t len, uint32_t *v) ;
/* adds v (not TERN_IDX_EMPTY), whose key must not be in x: 0 on ENOMEM */
extern int tern_idx_add (tern_idx *x, uint32_t v) ;
/* removes the value of key s: 1, or 0 if s was not there */
extern int tern_idx_del (tern_idx *x, char const *s, size_t len) ;
extern void tern_idx_free (tern_idx *x) ;

#endif
