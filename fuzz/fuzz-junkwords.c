/* fuzz-junkwords: the junk filter's words of an arbitrary message, with
   the n-gram options and maxbytes taken from its first byte: every word
   valid UTF-8, 1..TERN_JUNK_WORDMAX bytes, no word twice, at most
   TERN_JUNK_WORDSMAX of them, and the same set on a second run (keyed
   as for a database: each word's hash its SipHash-2-4 under the key). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "tern_junk.h"
#include "tern_utf8.h"
#include "tern_siphash.h"

static int cmp (void const *a, void const *b)
{
  return strcmp(*(char const *const *)a, *(char const *const *)b) ;
}

static void check (tern_junkwords const *w)
{
  char const **v ;
  if (w->n > TERN_JUNK_WORDSMAX || genalloc_len(uint64_t, &w->hash) != w->n) abort() ;
  v = malloc((w->n + 1) * sizeof *v) ;
  if (!v) abort() ;
  for (unsigned int i = 0 ; i < w->n ; i++)
  {
    char const *s = tern_junkwords_word(w, i) ;
    size_t len = strlen(s) ;
    uint32_t c ;
    if (!len || len > TERN_JUNK_WORDMAX) abort() ;
    uint64_t h = tern_siphash(w->key, s, len) ;
    for (size_t k = 0, n ; k < len ; k += n) if (!(n = tern_utf8_dec(s + k, len - k, &c))) abort() ;
    if (tern_junkwords_len(w, i) != len || genalloc_s(uint64_t, &w->hash)[i] != (h ? h : 1)) abort() ;
    v[i] = s ;
  }
  qsort(v, w->n, sizeof *v, cmp) ;
  for (unsigned int i = 1 ; i < w->n ; i++) if (!strcmp(v[i-1], v[i])) abort() ;
  free(v) ;
}

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  tern_junkwords w = TERN_JUNKWORDS_ZERO ;
  tern_junkopt o ;
  unsigned int n ;
  if (!size) return 0 ;
  memset(&o, 0, sizeof o) ;
  o.onegrams = data[0] & 1 ; o.twograms = !!(data[0] & 2) ; o.threegrams = !!(data[0] & 4) ;
  o.maxbytes = data[0] & 8 ? (size_t)data[0] * 16 : 0 ;
  if (!tern_junkwords_message(&w, (char const *)data + 1, size - 1, &o)) abort() ;
  check(&w) ;
  n = w.n ;
  {
    uint64_t const key[2] = { 0x0706050403020100ULL ^ data[0], 0x0f0e0d0c0b0a0908ULL } ;
    tern_junkwords_key(&w, key) ;
  }
  if (!tern_junkwords_message(&w, (char const *)data + 1, size - 1, &o) || w.n != n) abort() ;
  check(&w) ;
  tern_junkwords_free(&w) ;
  return 0 ;
}
