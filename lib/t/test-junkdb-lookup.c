/* test-junkdb-lookup: how the junk filter's classification reads a
   message's words: each hashed once under the database's key
   (tern_junkwords_key), and the words that decide kept in order. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "tern.h"
#include "tern_junkdb_int.h"
#include "t.h"
#include "junkt.h"

/* words hashed once under the database's key (tern_junkwords_key): the
   same hashes, counts and results as words hashed at lookup */
static void tkeyed (void)
{
  static char const msg[] = "Subject: cheap offer\n\ncheap viagra hello cheap\n" ;
  tern_junkdb d = TERN_JUNKDB_ZERO ;
  tern_junkwords w = TERN_JUNKWORDS_ZERO, u = TERN_JUNKWORDS_ZERO ;
  tern_junkopt o ;
  tern_junkresult r, s ;
  uint32_t ham, spam ;
  unsigned int bad = 0 ;
  tern_junkopt_default(&o) ;
  T(!tern_junkdb_open(&d, "k", TERN_JUNKDB_WRITE), "open") ;
  tern_junkwords_key(&w, d.key) ;
  T(tern_junkwords_message(&w, msg, sizeof msg - 1, &o) && w.n >= 4 && genalloc_len(uint64_t, &w.hash) == w.n, "keyed words") ;
  for (unsigned int i = 0 ; i < w.n ; i++)
    bad += genalloc_s(uint64_t, &w.hash)[i] != tern_jdb_hash(d.key, tern_junkwords_word(&w, i), strlen(tern_junkwords_word(&w, i)))
      || tern_junkwords_len(&w, i) != strlen(tern_junkwords_word(&w, i)) ;
  T(!bad, "each word's hash is the database's") ;
  T(tern_jdb_wordhashes(&d, &w) && !tern_jdb_wordhashes(&d, &u), "hashes used only under the same key") ;
  T(!tern_junkdb_train(&d, &w, 1, 1) && !tern_junkdb_commit(&d), "train keyed words") ;
  T(tern_junkdb_word(&d, "viagra", 6, &ham, &spam) && !ham && spam == 1, "trained under the right hash") ;
  T(tern_junkdb_word(&d, "Subject:cheap", 13, &ham, &spam) && !ham && spam == 1, "header word too") ;
  T(tern_junkwords_message(&u, msg, sizeof msg - 1, &o), "unkeyed words") ;
  T(!tern_junkdb_classify(&d, &w, &o, &r) && !tern_junkdb_classify(&d, &u, &o, &s) && r.nknown == w.n
    && s.nknown == r.nknown && r.prob == s.prob, "keyed and unkeyed classify alike") ;
  mk(&w, "viagra hello") ;   /* words without hashes: looked up by hashing them */
  T(!tern_jdb_wordhashes(&d, &w) && !tern_junkdb_classify(&d, &w, &o, &r) && r.nknown == 2, "words without hashes") ;
  tern_junkdb_close(&d) ;
  tern_junkwords_free(&w) ;
  tern_junkwords_free(&u) ;
}

/* the words that decide: words vI, vvI and tI at spam I of 40, ham
   40 - I (p = I/40: ties on p, on p and length), vI or vvI and tI in a
   scrambled order; with all kept
   each side is in order (further from 0.5, longer, first seen), and with
   top-words 5 the first 5 of it */
static void tkeep (void)
{
  tern_junkdb d = TERN_JUNKDB_ZERO ;
  tern_junkwords w = TERN_JUNKWORDS_ZERO ;
  tern_junkopt o ;
  tern_junkresult all, top ;
  char buf[41 * 20] ;
  unsigned int bad = 0, nh = 0 ;
  T(!tern_junkdb_open(&d, "t", TERN_JUNKDB_WRITE), "open") ;
  for (unsigned int m = 0 ; m < 80 ; m++)
  {
    size_t n = 0 ;
    for (unsigned int i = 0 ; i <= 40 ; i++)
      if (m < 40 ? i > m : i <= m - 40) n += (size_t)sprintf(buf + n, "v%u vv%u t%u ", i, i, i) ;
    mk(&w, buf) ;
    if (tern_junkdb_train(&d, &w, m < 40, 1)) bad++ ;
  }
  T(!bad && !tern_junkdb_commit(&d), "trained") ;
  for (unsigned int k = 0, n = 0 ; k <= 40 ; k++) n += (size_t)sprintf(buf + n, "%s%u t%u ", k & 1 ? "v" : "vv", (k * 17) % 41, (k * 17) % 41) ;
  mk(&w, buf) ;
  tern_junkopt_default(&o) ;
  o.combine = TERN_JUNK_COMBINE_REF ; o.ignorewords = 0 ; o.topwords = 64 ;
  T(!tern_junkdb_classify(&d, &w, &o, &all) && all.nused == 82 - 2, "all kept") ;
  for (unsigned int i = 0 ; i + 1 < all.nused ; i++)
  {
    tern_junkword const *a = &all.used[i], *b = &all.used[i + 1] ;
    size_t la = strlen(tern_junkwords_word(&w, a->i)), lb = strlen(tern_junkwords_word(&w, b->i)) ;
    if ((a->p < 0.5) != (b->p < 0.5)) { nh = i + 1 ; continue ; }
    if (fabs(a->p - 0.5) < fabs(b->p - 0.5) || (a->p == b->p && (la < lb || (la == lb && a->i > b->i)))) bad++ ;
  }
  T(!bad && nh == 40, "each side in order") ;
  o.topwords = 5 ;
  T(!tern_junkdb_classify(&d, &w, &o, &top) && top.nused == 10, "top 5 of each side") ;
  for (unsigned int i = 0 ; i < 5 ; i++)
    bad += top.used[i].i != all.used[i].i || top.used[5 + i].i != all.used[nh + i].i ;
  T(!bad, "the first 5 of each side") ;
  tern_junkdb_close(&d) ;
  tern_junkwords_free(&w) ;
}

int main (void)
{
  tkeyed() ;
  tkeep() ;
  return tdone() ;
}
