/* tern-imap-sort: SORT and UID SORT (RFC 5256) with DISPLAYFROM and
   DISPLAYTO (RFC 5957) and the ESEARCH forms of ESORT (RFC 5267: RETURN
   (MIN MAX COUNT ALL)).  Keys come from tern-imap-sortkey.c; ties go by
   sequence number. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <skalibs/strerr.h>
#include "tern.h"
#include "tern-imap.h"

#define K_ARRIVAL 1
#define K_CC 2
#define K_DATE 3
#define K_FROM 4
#define K_SIZE 5
#define K_SUBJECT 6
#define K_TO 7
#define K_DFROM 8
#define K_DTO 9
#define CRITMAX 16

static struct { unsigned int key ; int rev ; } crit[CRITMAX] ;
static unsigned int ncrit ;
static skey const *K ;

static genalloc ranks[SF_NSTR] ;   /* uint32_t per message: its string's place */
static uint32_t rankgen[SF_NSTR] ;
static unsigned int rk ;

/* pairs: a number that orders as the key does, first, and the message */
typedef struct pair_s pair ;
struct pair_s { uint64_t v ; uint32_t i ; } ;

static size_t KN ;

/* strings by their first 8 bytes (big-endian in v), then the rest: the
   order of strcmp */
static int bystr (void const *x, void const *y)
{
  pair const *a = x, *b = y ;
  if (a->v != b->v) return a->v < b->v ? -1 : 1 ;
  if (!(a->v & 0xff)) return 0 ;   /* both ended in the first 8 bytes */
  return strcmp(sort_str(K[a->i].s[rk]) + 8, sort_str(K[b->i].s[rk]) + 8) ;
}

static int cmpmsg (uint32_t a, uint32_t b)
{
  return strcmp(sort_str(K[a].s[rk]), sort_str(K[b].s[rk])) ;
}

static void radix (pair *p, pair *t, size_t n) ;

/* x[0..no) are the keys with the file's ranks (sorted by them), x[no..n)
   the others (sorted by string): merged into t, each of the others where
   a binary search among the former puts it */
static void merge (pair const *x, size_t no, size_t n, pair *t)
{
  size_t a = 0, o = 0 ;
  for (size_t b = no ; b < n ; b++)
  {
    size_t lo = a, hi = no ;
    while (lo < hi)
    {
      size_t mid = lo + (hi - lo) / 2 ;
      if (cmpmsg(x[mid].i, x[b].i) < 0) lo = mid + 1 ; else hi = mid ;
    }
    while (a < lo) t[o++] = x[a++] ;
    t[o++] = x[b] ;
  }
  while (a < no) t[o++] = x[a++] ;
}

/* the place of each message's string key s among all of them (equal
   strings, equal places), once per key and set of keys: later sorts
   compare numbers.  The sort-key file's ranks are taken as they are;
   the keys not from it are sorted and merged in. */
static uint32_t const *rank (unsigned int s)
{
  static genalloc idx = GENALLOC_ZERO, tmp = GENALLOC_ZERO ;
  size_t n = KN, no = 0, w ;
  uint32_t *r, place = 0 ;
  pair *x, *t ;
  if (rankgen[s] == sort_generation() && genalloc_len(uint32_t, &ranks[s]) == n) return genalloc_s(uint32_t, &ranks[s]) ;
  if (!genalloc_ready(uint32_t, &ranks[s], n) || !genalloc_ready(pair, &idx, n) || !genalloc_ready(pair, &tmp, n)) strerr_diefu1sys(111, "sort") ;
  r = genalloc_s(uint32_t, &ranks[s]) ; x = genalloc_s(pair, &idx) ; t = genalloc_s(pair, &tmp) ;
  for (uint32_t i = 0 ; i < n ; i++) if (K[i].ranked) no++ ;
  w = no ; no = 0 ;
  for (uint32_t i = 0 ; i < n ; i++)
  {
    unsigned char const *c = (unsigned char const *)sort_str(K[i].s[s]) ;
    uint64_t v = 0 ;
    unsigned int k = 0 ;
    if (K[i].ranked) { x[no].v = K[i].fr[s] ; x[no++].i = i ; continue ; }
    for (; k < 8 && c[k] ; k++) v = v << 8 | c[k] ;
    x[w].v = k ? v << 8 * (8 - k) : 0 ;   /* no shift by 64 */
    x[w++].i = i ;
  }
  rk = s ;
  if (no == n) { for (size_t i = 0 ; i < n ; i++) r[x[i].i] = (uint32_t)x[i].v ; goto done ; }
  radix(x, t, no) ;
  qsort(x + no, n - no, sizeof *x, &bystr) ;
  merge(x, no, n, t) ;
  for (size_t i = 0 ; i < n ; i++)
  {
    if (i && (K[t[i-1].i].ranked && K[t[i].i].ranked ? K[t[i-1].i].fr[s] != K[t[i].i].fr[s] : !!cmpmsg(t[i-1].i, t[i].i))) place++ ;
    r[t[i].i] = place ;
  }
 done:
  genalloc_setlen(uint32_t, &ranks[s], n) ;
  rankgen[s] = sort_generation() ;
  return r ;
}

uint32_t const *sort_rank (skey const *k, size_t n, unsigned int s)
{
  K = k ; KN = n ;
  return rank(s) ;
}

static uint32_t const *R[SF_NSTR] ;
static unsigned char const STR[] = { 0, 0, SK_CC, 0, SK_FROM, 0, SK_SUBJ, SK_TO, SK_DFROM, SK_DTO } ;
#define STRKEY(k) (STR[k] || (k) == K_SUBJECT)

static int64_t const *D ;   /* the sent dates, from the file (direct), or 0: K's */

/* the ranks of string j (j < SK_NSORT; j == SK_NSORT: the sent dates) of
   the list's messages, read in place from the sort-key file f (its UIDs,
   and that column once checked), when it has every message: 1, or 0 */
static int filecolumn (sfile *f, unsigned int j, genalloc *out)
{
  imsg const *m = sel_msgs() ;
  size_t n = sel_count(), p = 0, w = j < SK_NSORT ? sizeof(uint32_t) : sizeof(int64_t) ;
  char *r ;
  if (!sortfile_section(f, j < SK_NSORT ? 2 + j : 1) || !stralloc_ready(out, n * w)) return 0 ;
  r = out->s ;
  tern_prefault(r, n * w) ;
  for (size_t i = 0 ; i < n ; i++)
  {
    while (p < f->n && sortfile_uid(f, p) < m[i].uid) p++ ;
    if (p == f->n || sortfile_uid(f, p) != m[i].uid) return 0 ;
    if (j < SK_NSORT) ((uint32_t *)r)[i] = sortfile_rank(f, j, p) ;
    else ((int64_t *)r)[i] = sortfile_date(f, p) ;
  }
  out->len = n * w ;
  return 1 ;
}

/* R (and D) from the sort-key file alone when the session has no keys
   of its messages yet and the file has every message: the first SORT of
   a session then makes no keys and ranks nothing (issue 18).  1, or 0 */
static int direct (void)
{
  static stralloc col[SK_NSORT + 1] ;   /* uint32_t ranks, then int64_t dates */
  sfile f ;
  int ok = 1 ;
  D = 0 ;
  if (sort_current() || !sortfile_open(&f, 0)) return 0 ;   /* the keys made and ranked: faster */
  for (unsigned int c = 0 ; c < ncrit && ok ; c++)
  {
    unsigned int j = crit[c].key == K_DATE ? SK_NSORT : STR[crit[c].key] ;
    if (!STRKEY(crit[c].key) && crit[c].key != K_DATE) continue ;
    ok = filecolumn(&f, j, &col[j]) ;
    if (j < SK_NSORT) R[j] = (uint32_t const *)col[j].s ;
    else D = (int64_t const *)col[j].s ;
  }
  sortfile_close(&f) ;
  if (!ok) D = 0 ;
  return ok ;
}

/* the values of criterion c for the messages p[0..n).i as numbers that
   order as they must (REVERSE included) */
static void values (unsigned int c, pair *p, size_t n)
{
  imsg const *m = sel_msgs() ;
  uint64_t x = crit[c].rev ? ~(uint64_t)0 : 0, top = 1ull << 63 ;
  uint32_t const *r = STRKEY(crit[c].key) ? R[STR[crit[c].key]] : 0 ;
  switch (crit[c].key)
  {
    case K_ARRIVAL : for (size_t k = 0 ; k < n ; k++) p[k].v = ((uint64_t)m[p[k].i].date ^ top) ^ x ; break ;
    case K_DATE :
      if (D) for (size_t k = 0 ; k < n ; k++) p[k].v = ((uint64_t)D[p[k].i] ^ top) ^ x ;
      else for (size_t k = 0 ; k < n ; k++) p[k].v = ((uint64_t)K[p[k].i].date ^ top) ^ x ;
      break ;
    case K_SIZE : for (size_t k = 0 ; k < n ; k++) p[k].v = m[p[k].i].size ^ x ; break ;
    default : for (size_t k = 0 ; k < n ; k++) p[k].v = r[p[k].i] ^ x ; break ;
  }
}

/* hits h[0..n) (sequence numbers) stably by the ranks r (indexed by
   sequence number - 1), highest first if rev: a counting sort, one pass
   over the hits.  1, or 0 (h untouched) when a rank is too large for a
   table of counts of the mailbox's size */
static int byrank (uint32_t *h, size_t n, uint32_t const *r, int rev)
{
  static genalloc pos = GENALLOC_ZERO, out = GENALLOC_ZERO ;
  uint32_t max = 0, sum = 0, *c, *o ;
  for (size_t k = 0 ; k < n ; k++) if (r[h[k] - 1] > max) max = r[h[k] - 1] ;
  if ((uint64_t)max > 4 * (uint64_t)sel_count() + 65536) return 0 ;
  if (!genalloc_ready(uint32_t, &pos, (size_t)max + 1) || !genalloc_ready(uint32_t, &out, n)) strerr_diefu1sys(111, "sort") ;
  c = genalloc_s(uint32_t, &pos) ; o = genalloc_s(uint32_t, &out) ;
  tern_prefault(o, n * sizeof *o) ;
  memset(c, 0, ((size_t)max + 1) * sizeof *c) ;
  for (size_t k = 0 ; k < n ; k++) c[rev ? max - r[h[k] - 1] : r[h[k] - 1]]++ ;
  for (size_t d = 0 ; d <= max ; d++) { uint32_t x = c[d] ; c[d] = sum ; sum += x ; }
  for (size_t k = 0 ; k < n ; k++) o[c[rev ? max - r[h[k] - 1] : r[h[k] - 1]]++] = h[k] ;
  memcpy(h, o, n * sizeof *h) ;
  return 1 ;
}

/* a stable LSD radix sort of p[0..n) by v, 11 bits a pass (the counts
   stay in the first-level cache), t as scratch; only the digits where
   some values differ get a pass: ranks below 2^22 take two */
static void radix (pair *p, pair *t, size_t n)
{
  static uint32_t pos[1 << 11] ;
  pair *from = p, *to = t ;
  uint64_t diff = 0 ;
  for (size_t k = 1 ; k < n ; k++) diff |= p[k].v ^ p[0].v ;
  for (unsigned int sh = 0 ; sh < 64 ; sh += 11)
  {
    uint32_t sum = 0 ;
    if (!(diff >> sh & 0x7ff)) continue ;
    memset(pos, 0, sizeof pos) ;
    for (size_t k = 0 ; k < n ; k++) pos[from[k].v >> sh & 0x7ff]++ ;
    for (size_t d = 0 ; d < 1 << 11 ; d++) { uint32_t c = pos[d] ; pos[d] = sum ; sum += c ; }
    for (size_t k = 0 ; k < n ; k++) to[pos[from[k].v >> sh & 0x7ff]++] = from[k] ;
    { pair *x = from ; from = to ; to = x ; }
  }
  if (from != p) memcpy(p, from, n * sizeof *p) ;
}

/* hits (sequence numbers, ascending) in sort order: stable sorts by each
   criterion from the last to the first, so ties keep the order of the
   criteria after them, then of the sequence numbers */
static void sortit (uint32_t *h, size_t n)
{
  static genalloc pairs = GENALLOC_ZERO, tmp = GENALLOC_ZERO ;
  pair *p ;
  if (ncrit == 1 && STRKEY(crit[0].key) && byrank(h, n, R[STR[crit[0].key]], crit[0].rev)) return ;
  if (!genalloc_ready(pair, &pairs, n) || !genalloc_ready(pair, &tmp, n)) strerr_diefu1sys(111, "sort") ;
  p = genalloc_s(pair, &pairs) ;
  tern_prefault(p, n * sizeof(pair)) ;
  tern_prefault(genalloc_s(pair, &tmp), n * sizeof(pair)) ;
  for (size_t k = 0 ; k < n ; k++) p[k].i = h[k] - 1 ;
  for (unsigned int c = ncrit ; c-- ;)
  {
    values(c, p, n) ;
    radix(p, genalloc_s(pair, &tmp), n) ;
  }
  for (size_t k = 0 ; k < n ; k++) h[k] = p[k].i + 1 ;
}

/* the criteria list at a->a[p]: 1, or 0 if bad */
static int criteria (iargs *a, unsigned int p)
{
  static char const *const names[] = { "", "ARRIVAL", "CC", "DATE", "FROM", "SIZE", "SUBJECT", "TO", "DISPLAYFROM", "DISPLAYTO", 0 } ;
  unsigned int end = REND(a, p), k ;
  int rev = 0 ;
  ncrit = 0 ;
  if (a->a[p].type != N_LIST || end == p + 1) return 0 ;
  for (p++ ; p < end ; p++)
  {
    if (imap_isatom(&a->a[p], "REVERSE")) { if (rev) return 0 ; rev = 1 ; continue ; }
    for (k = 1 ; names[k] ; k++) if (imap_isatom(&a->a[p], names[k])) break ;
    if (!names[k] || ncrit >= CRITMAX) return 0 ;
    crit[ncrit].key = k ; crit[ncrit++].rev = rev ;
    rev = 0 ;
  }
  return !rev ;
}

/* "RETURN (...)" at a->a[*p]: *ret (1 MIN, 2 MAX, 4 COUNT, 8 ALL), *es; 0 if bad */
int sort_return (iargs *a, unsigned int *p, unsigned int *ret, int *es)
{
  *ret = 0 ; *es = 0 ;
  if (*p + 1 >= a->n || !imap_isatom(&a->a[*p], "RETURN")) return 1 ;
  if (a->a[*p+1].type != N_LIST) return 0 ;
  *es = 1 ;
  for (unsigned int k = *p + 2 ; k < REND(a, *p + 1) ; k++)
  {
    if (imap_isatom(&a->a[k], "MIN")) *ret |= 1 ; else if (imap_isatom(&a->a[k], "MAX")) *ret |= 2 ;
    else if (imap_isatom(&a->a[k], "COUNT")) *ret |= 4 ; else if (imap_isatom(&a->a[k], "ALL")) *ret |= 8 ;
    else return 0 ;
  }
  if (!*ret) *ret = 8 ;
  *p = REND(a, *p + 1) ;
  return 1 ;
}

/* a "CHARSET" argument: 1 if UTF-8 or US-ASCII, else a tagged NO/BAD and 0 */
int sort_charset (inode const *n)
{
  if (!imap_isastring(n)) { out_tagged("BAD", "charset expected") ; return 0 ; }
  if (strcasecmp(n->s, "UTF-8") && strcasecmp(n->s, "US-ASCII"))
  { out_tagged("NO", "[BADCHARSET (UTF-8 US-ASCII)] unsupported charset") ; return 0 ; }
  return 1 ;
}

static void outnum (uint32_t const *h, size_t k, int uid)
{
  out_u64(uid ? sel_msgs()[h[k] - 1].uid : h[k]) ;
}

/* * SORT, or * ESEARCH with MIN and MAX the first and last in sort order,
   ALL in sort order (ranges only where numbers ascend by one), COUNT last
   (as Dovecot writes them) */
static void results (uint32_t const *h, size_t n, int uid, int es, unsigned int ret)
{
  if (!es)
  {
    out_puts("* SORT") ;
    for (size_t k = 0 ; k < n ; k++) { out_puts(" ") ; outnum(h, k, uid) ; }
    out_puts("\r\n") ;
    return ;
  }
  out_puts("* ESEARCH (TAG \"") ; out_puts(S.tag) ; out_puts("\")") ;
  if (uid) out_puts(" UID") ;
  if ((ret & 1) && n) { out_puts(" MIN ") ; outnum(h, 0, uid) ; }
  if ((ret & 2) && n) { out_puts(" MAX ") ; outnum(h, n - 1, uid) ; }
  if ((ret & 8) && n)
  {
    out_puts(" ALL ") ;
    for (size_t k = 0 ; k < n ; k++)
    {
      size_t e = k ;
      uint32_t v = uid ? sel_msgs()[h[k] - 1].uid : h[k] ;
      while (e + 1 < n && (uid ? sel_msgs()[h[e+1] - 1].uid : h[e+1]) == v + (e + 1 - k)) e++ ;
      if (k) out_puts(",") ;
      outnum(h, k, uid) ;
      if (e > k) { out_puts(":") ; outnum(h, e, uid) ; }
      k = e ;
    }
  }
  if (ret & 4) { out_puts(" COUNT ") ; out_u64(n) ; }
  out_puts("\r\n") ;
}

void cmd_sort (iargs *a)
{
  genalloc hits = GENALLOC_ZERO ;
  unsigned int p = 0, ret ;
  int es ;
  if (!sort_return(a, &p, &ret, &es)) { out_tagged("BAD", "bad RETURN option") ; return ; }
  if (p + 2 >= a->n || !criteria(a, p)) { out_tagged("BAD", "bad sort criteria") ; return ; }
  p = REND(a, p) ;
  if (!sort_charset(&a->a[p])) return ;
  /* room for every message at once: SORT ... ALL is the common case */
  if (!genalloc_ready(uint32_t, &hits, sel_count())) strerr_diefu1sys(111, "sort") ;
  tern_prefault(genalloc_s(uint32_t, &hits), sel_count() * sizeof(uint32_t)) ;
  if (!search_match(a, p + 1, 0, &hits, 0)) { out_tagged("BAD", "bad SEARCH key") ; goto end ; }
  if (!direct())
  {
    K = sort_keys() ; KN = sel_count() ;
    for (unsigned int c = 0 ; c < ncrit ; c++) if (STRKEY(crit[c].key)) R[STR[crit[c].key]] = rank(STR[crit[c].key]) ;
  }
  sortit(genalloc_s(uint32_t, &hits), genalloc_len(uint32_t, &hits)) ;
  results(genalloc_s(uint32_t, &hits), genalloc_len(uint32_t, &hits), a->uid, es, ret) ;
  imap_ok(a->uid ? "UID SORT completed" : "SORT completed") ;
 end:
  genalloc_free(uint32_t, &hits) ;
}
