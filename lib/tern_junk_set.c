/* tern_junkw_reset, tern_junkw_add, tern_junkwords_key: the set of a
   message's words, each counted once: open addressing on the word's
   SipHash-2-4 under w->key, kept in w->hash for the database's lookups
   (tern_jdb_hash: one hash per word).  A slot is the word's index + 1. */
#include <stdint.h>
#include <string.h>
#include <skalibs/genalloc.h>
#include "tern_crypto.h"
#include "tern_siphash.h"
#include "tern_junk_words_int.h"

#define SLOTS0 1024

void tern_junkw_reset (tern_junkwords *w)
{
  w->s.len = 0 ;
  genalloc_setlen(size_t, &w->off, 0) ;
  genalloc_setlen(uint64_t, &w->hash, 0) ;
  genalloc_setlen(uint32_t, &w->set, 0) ;
  w->n = 0 ;
  w->cut = 0 ;
  w->badctype = 0 ;
  if (!w->keyed) { tern_random(w->key, sizeof w->key) ; w->keyed = 1 ; }
}

void tern_junkwords_key (tern_junkwords *w, uint64_t const key[2])
{
  if (!(key[0] | key[1])) return ;
  w->key[0] = key[0] ; w->key[1] = key[1] ;
  w->keyed = 1 ;
}

/* a table of n slots (a power of two) holding the words of w */
static int grow (tern_junkwords *w, size_t n)
{
  uint64_t const *hash = genalloc_s(uint64_t, &w->hash) ;
  uint32_t *t ;
  genalloc_setlen(uint32_t, &w->set, 0) ;
  if (!genalloc_ready(uint32_t, &w->set, n)) return 0 ;
  t = genalloc_s(uint32_t, &w->set) ;
  memset(t, 0, n * sizeof *t) ;
  genalloc_setlen(uint32_t, &w->set, n) ;
  for (unsigned int i = 0 ; i < w->n ; i++)
  {
    size_t k = hash[i] & (n - 1) ;
    while (t[k]) k = (k + 1) & (n - 1) ;
    t[k] = i + 1 ;
  }
  return 1 ;
}

int tern_junkw_add (tern_junkw *j, char const *s, size_t len)
{
  tern_junkwords *w = j->w ;
  size_t n = genalloc_len(uint32_t, &w->set), k ;
  uint32_t *t ;
  uint64_t const *hash ;
  size_t const *off ;
  uint64_t h ;
  if (2 * ((size_t)w->n + 1) > n && !grow(w, n ? 2 * n : SLOTS0)) return 0 ;
  n = genalloc_len(uint32_t, &w->set) ;
  t = genalloc_s(uint32_t, &w->set) ;
  hash = genalloc_s(uint64_t, &w->hash) ;
  off = genalloc_s(size_t, &w->off) ;
  h = tern_siphash(w->key, s, len) ;
  if (!h) h = 1 ;   /* as tern_jdb_hash: 0 marks a free slot there */
  for (k = h & (n - 1) ; t[k] ; k = (k + 1) & (n - 1))
  {
    unsigned int i = t[k] - 1 ;
    size_t end = i + 1 < w->n ? off[i+1] : w->s.len ;
    if (hash[i] == h && end - off[i] == len + 1 && !memcmp(w->s.s + off[i], s, len)) return 1 ;
  }
  if (w->n >= TERN_JUNK_WORDSMAX) { j->full = 1 ; w->cut = 1 ; return 1 ; }
  /* room first (rarely an allocation), then plain stores */
  if ((w->off.len + sizeof(size_t) > w->off.a && !genalloc_readyplus(size_t, &w->off, 256))
   || (w->hash.len + sizeof(uint64_t) > w->hash.a && !genalloc_readyplus(uint64_t, &w->hash, 256))
   || (w->s.len + len + 1 > w->s.a && !stralloc_readyplus(&w->s, len + 4096))) return 0 ;
  genalloc_s(size_t, &w->off)[w->n] = w->s.len ;
  genalloc_s(uint64_t, &w->hash)[w->n] = h ;
  w->off.len += sizeof(size_t) ;
  w->hash.len += sizeof(uint64_t) ;
  memcpy(w->s.s + w->s.len, s, len) ;
  w->s.s[w->s.len + len] = 0 ;
  w->s.len += len + 1 ;
  t[k] = w->n + 1 ;
  w->n++ ;
  return 1 ;
}
