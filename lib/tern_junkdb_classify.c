/* tern_junkdb_classify: a message's spam probability from its words'
   counts (tern-junk(5) CLASSIFICATION: the reference's top words, or
   Robinson's chi-square as bogofilter); hash lookups only.  Stats. */
#include <errno.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include "tern.h"
#include "tern_junkdb_int.h"

#define ROBS 0.0178
#define ROBX 0.52
#define KEEPMAX 64
#define NAHEAD 8   /* words looked up ahead (prefetch) */

typedef struct top_s top ;
struct top_s
{
  tern_junkword w[KEEPMAX] ;
  size_t len[KEEPMAX] ;
  unsigned int n, k ;
  int spammy ;
} ;

/* a before b: further from 0.5, then the longer word; else first seen */
static int before (top const *t, double pa, size_t la, double pb, size_t lb)
{
  if (pa != pb) return t->spammy ? pa > pb : pa < pb ;
  return la > lb ;
}

static void keep (top *t, tern_junkword const *x, size_t len)
{
  unsigned int j = t->n ;
  if (!t->k) return ;
  if (j == t->k && !before(t, x->p, len, t->w[j - 1].p, t->len[j - 1])) return ;
  if (j == t->k) j-- ; else t->n++ ;
  for (; j && before(t, x->p, len, t->w[j - 1].p, t->len[j - 1]) ; j--)
  {
    t->w[j] = t->w[j - 1] ;
    t->len[j] = t->len[j - 1] ;
  }
  t->w[j] = *x ;
  t->len[j] = len ;
}

/* Q(x2, v): the chi-square survival function, v even, scaled so that
   neither a long sum nor a large x2 underflows */
static double chi2q (double x2, unsigned int v)
{
  double m = x2 / 2, term = 1, sum = 1, scale = 0 ;
  if (m <= 0) return 1 ;
  for (unsigned int i = 1 ; i < v / 2 ; i++)
  {
    term *= m / i ;
    sum += term ;
    if (sum > 1e300) { sum *= 1e-300 ; term *= 1e-300 ; scale += 300 * M_LN10 ; }
    if (i > m && term < sum * 1e-17) break ;
  }
  sum = exp(log(sum) + scale - m) ;
  return sum > 1 ? 1 : sum ;
}

static double ref (tern_junkopt const *o, uint32_t ham, uint32_t spam, double r)
{
  double mp = o->maxpower ;
  uint32_t n = ham + spam ;
  if (r < mp) r = mp ;
  else if (r >= 1 - mp) r = 1 - mp ;
  if (ham + (uint64_t)spam <= o->rarewords) r += (1 + o->rarewords - n) * (0.5 - r) / 10 ;
  return r ;
}

static void result (tern_junkresult *r, top const *t)
{
  for (unsigned int i = 0 ; i < t->n ; i++) r->used[r->nused++] = t->w[i] ;
}

/* the first slot of hash h (as tern_jdb_probe), read soon: the table is
   far bigger than the caches, so each lookup would otherwise wait on
   memory.  Written out in the loop: gcc 12 dropped it from a helper
   function and with the index masked in 64 bits (objdump showed none). */
#ifdef __GNUC__
#define AHEAD(slots, mask, h) __builtin_prefetch((slots) + (size_t)((uint32_t)(h) & (mask)) * TERN_JDB_SLOT)
#else
#define AHEAD(slots, mask, h) ((void)0)
#endif

int tern_junkdb_classify (tern_junkdb const *d, tern_junkwords const *w, tern_junkopt const *o, tern_junkresult *r)
{
  top hammy = { .n = 0, .spammy = 0 }, spammy = { .n = 0, .spammy = 1 } ;
  double eta = 0, lnf = 0, ln1f = 0 ;
  unsigned int k = 0, chi = o->combine == TERN_JUNK_COMBINE_CHI ;
  uint64_t const *hash = tern_jdb_wordhashes(d, w) ;
  char const *slots = hash && d->map ? d->map + TERN_JDB_HDR : 0 ;
  uint32_t mask = (uint32_t)((d->maplen - TERN_JDB_HDR) / TERN_JDB_SLOT) - 1 ;
  hammy.k = spammy.k = chi || o->topwords > KEEPMAX ? KEEPMAX : o->topwords ;
  memset(r, 0, sizeof *r) ;
  for (unsigned int i = 0 ; slots && i < NAHEAD && i < w->n ; i++) AHEAD(slots, mask, hash[i]) ;
  for (unsigned int i = 0 ; i < w->n ; i++)
  {
    size_t len = tern_junkwords_len(w, i) ;
    tern_junkword x = { .i = i } ;
    double ps, ph ;
    if (slots && i + NAHEAD < w->n) AHEAD(slots, mask, hash[i + NAHEAD]) ;
    if (!tern_jdb_counts(d, hash ? hash[i] : tern_jdb_hash(d->key, tern_junkwords_word(w, i), len), &x.ham, &x.spam)
     || !(x.ham | x.spam)) continue ;
    r->nknown++ ;
    ps = d->nspam ? (double)x.spam / d->nspam : 0 ;
    ph = d->nham ? (double)x.ham / d->nham : 0 ;
    if (ps + ph == 0) continue ;
    x.p = ps / (ps + ph) ;
    if (chi) x.p = (ROBS * ROBX + (x.ham + (double)x.spam) * x.p) / (ROBS + x.ham + (double)x.spam) ;
    else x.p = ref(o, x.ham, x.spam, x.p) ;
    if (fabs(0.5 - x.p) < o->ignorewords || x.p == 0.5) continue ;
    if (chi) { lnf += log(x.p) ; ln1f += log1p(-x.p) ; k++ ; }
    keep(x.p < 0.5 ? &hammy : &spammy, &x, len) ;
  }
  if (chi) r->prob = k ? (1 + chi2q(-2 * lnf, 2 * k) - chi2q(-2 * ln1f, 2 * k)) / 2 : 0.5 ;
  else
  {
    for (unsigned int i = 0 ; i < hammy.n ; i++) eta += log(1 - hammy.w[i].p) - log(hammy.w[i].p) ;
    for (unsigned int i = 0 ; i < spammy.n ; i++) eta += log(1 - spammy.w[i].p) - log(spammy.w[i].p) ;
    r->prob = 1 / (1 + exp(eta)) ;
  }
  if (w->badctype) r->prob = 1 ;
  result(r, &hammy) ;
  result(r, &spammy) ;
  r->significant = d->nham >= o->minham && d->nspam >= o->minspam ;
  r->junk = r->significant && r->prob > o->threshold ;
  return TERN_OK ;
}

int tern_junkdb_stats (tern_junkdb const *d, tern_junkstats *s)
{
  stralloc p = STRALLOC_ZERO ;
  struct stat st ;
  memset(s, 0, sizeof *s) ;
  s->nham = d->nham ; s->nspam = d->nspam ;
  if (d->map)
  {
    s->slots = (d->maplen - TERN_JDB_HDR) / TERN_JDB_SLOT ;
    s->bytes = d->maplen ;
    for (uint64_t i = 0 ; i < s->slots ; i++)
    {
      uint64_t h ;
      uint32_t ham, spam ;
      tern_jdb_slot(d->map + TERN_JDB_HDR, (uint32_t)i, &h, &ham, &spam) ;
      s->words += h && (ham | spam) ;
    }
  }
  if (d->fd == TERN_JDB_REBUILDFD)   /* the words are all pending */
    for (size_t i = 0 ; i < genalloc_len(tern_jdb_pend, &d->pend) ; i++)
      s->words += !!(genalloc_s(tern_jdb_pend, &d->pend)[i].ham | genalloc_s(tern_jdb_pend, &d->pend)[i].spam) ;
  if (!tern_jdb_path(d, "journal", &p)) return TERN_TEMP ;
  if (!stat(p.s, &st)) s->bytes += (uint64_t)st.st_size ;
  stralloc_free(&p) ;
  return TERN_OK ;
}
