/* tern_junkw_reset, tern_junkw_add: the set of a message's words, each
   counted once: open addressing on a SipHash keyed per process, so that
   crafted words cannot collide on purpose.  A slot is the hash's top 32
   bits and the word's index + 1 (0: empty). */
#include <stdint.h>
#include <string.h>
#include <skalibs/genalloc.h>
#include "tern_crypto.h"
#include "tern_siphash.h"
#include "tern_junk_words_int.h"

#define SLOTS0 1024

static uint64_t key[2] ;
static int keyed = 0 ;

void tern_junkw_reset (tern_junkwords *w)
{
  w->s.len = 0 ;
  genalloc_setlen(size_t, &w->off, 0) ;
  genalloc_setlen(uint64_t, &w->set, 0) ;
  w->n = 0 ;
  w->cut = 0 ;
  w->badctype = 0 ;
}

/* a table of n slots (a power of two) holding the words of w */
static int grow (tern_junkwords *w, size_t n)
{
  uint64_t *t ;
  genalloc_setlen(uint64_t, &w->set, 0) ;
  if (!genalloc_ready(uint64_t, &w->set, n)) return 0 ;
  t = genalloc_s(uint64_t, &w->set) ;
  memset(t, 0, n * sizeof *t) ;
  genalloc_setlen(uint64_t, &w->set, n) ;
  for (unsigned int i = 0 ; i < w->n ; i++)
  {
    char const *s = tern_junkwords_word(w, i) ;
    uint32_t h = (uint32_t)(tern_siphash(key, s, strlen(s)) >> 32) ;
    size_t k = h & (n - 1) ;
    while (t[k]) k = (k + 1) & (n - 1) ;
    t[k] = (uint64_t)h << 32 | (i + 1) ;
  }
  return 1 ;
}

int tern_junkw_add (tern_junkw *j, char const *s, size_t len)
{
  tern_junkwords *w = j->w ;
  size_t n = genalloc_len(uint64_t, &w->set), k ;
  uint64_t *t ;
  uint32_t h ;
  if (!keyed) { tern_random(key, sizeof key) ; keyed = 1 ; }
  if (2 * ((size_t)w->n + 1) > n && !grow(w, n ? 2 * n : SLOTS0)) return 0 ;
  n = genalloc_len(uint64_t, &w->set) ;
  t = genalloc_s(uint64_t, &w->set) ;
  h = (uint32_t)(tern_siphash(key, s, len) >> 32) ;
  for (k = h & (n - 1) ; t[k] ; k = (k + 1) & (n - 1))
  {
    unsigned int i = (uint32_t)t[k] - 1 ;
    size_t *off = genalloc_s(size_t, &w->off) ;
    size_t end = i + 1 < w->n ? off[i+1] : w->s.len ;
    if ((uint32_t)(t[k] >> 32) == h && end - off[i] == len + 1 && !memcmp(w->s.s + off[i], s, len)) return 1 ;
  }
  if (w->n >= TERN_JUNK_WORDSMAX) { j->full = 1 ; w->cut = 1 ; return 1 ; }
  if (!genalloc_catb(size_t, &w->off, &w->s.len, 1)) return 0 ;
  if (!stralloc_catb(&w->s, s, len) || !stralloc_0(&w->s)) return 0 ;
  t[k] = (uint64_t)h << 32 | (w->n + 1) ;
  w->n++ ;
  return 1 ;
}
