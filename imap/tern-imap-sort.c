/* tern-imap-sort: SORT and UID SORT (RFC 5256) with DISPLAYFROM and
   DISPLAYTO (RFC 5957) and the ESEARCH forms of ESORT (RFC 5267: RETURN
   (MIN MAX COUNT ALL)).  Keys come from tern-imap-sortkey.c; ties go by
   sequence number. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <skalibs/strerr.h>
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

static int cmp64 (int64_t a, int64_t b)
{
  return a < b ? -1 : a > b ;
}

static genalloc ranks[SF_NSTR] ;   /* uint32_t per message: its string's place */
static uint32_t rankgen[SF_NSTR] ;
static unsigned int rk ;

static int bystr (void const *x, void const *y)
{
  return strcmp(sort_str(K[*(uint32_t const *)x].s[rk]), sort_str(K[*(uint32_t const *)y].s[rk])) ;
}

/* the place of each message's string key s among all of them (equal
   strings, equal places), once per key and set of keys: later sorts
   compare numbers */
static uint32_t const *rank (unsigned int s)
{
  static genalloc idx = GENALLOC_ZERO ;
  size_t n = sel_count() ;
  uint32_t *r, *x, place = 0 ;
  if (rankgen[s] == sort_generation() && genalloc_len(uint32_t, &ranks[s]) == n) return genalloc_s(uint32_t, &ranks[s]) ;
  if (!genalloc_ready(uint32_t, &ranks[s], n) || !genalloc_ready(uint32_t, &idx, n)) strerr_diefu1sys(111, "sort") ;
  r = genalloc_s(uint32_t, &ranks[s]) ; x = genalloc_s(uint32_t, &idx) ;
  for (uint32_t i = 0 ; i < n ; i++) x[i] = i ;
  rk = s ;
  qsort(x, n, sizeof *x, &bystr) ;
  for (size_t i = 0 ; i < n ; i++)
  {
    if (i && strcmp(sort_str(K[x[i]].s[s]), sort_str(K[x[i-1]].s[s]))) place++ ;
    r[x[i]] = place ;
  }
  genalloc_setlen(uint32_t, &ranks[s], n) ;
  rankgen[s] = sort_generation() ;
  return r ;
}

static uint32_t const *R[SF_NSTR] ;

static int cmpstr (uint32_t i, uint32_t j, unsigned int s)
{
  return R[s][i] < R[s][j] ? -1 : R[s][i] > R[s][j] ;
}

/* message indexes x and y (seq - 1) by the criteria, then by index */
static int cmp (void const *x, void const *y)
{
  uint32_t i = *(uint32_t const *)x - 1, j = *(uint32_t const *)y - 1 ;
  imsg const *m = sel_msgs() ;
  for (unsigned int c = 0 ; c < ncrit ; c++)
  {
    int r = 0 ;
    switch (crit[c].key)
    {
      case K_ARRIVAL : r = cmp64(m[i].date, m[j].date) ; break ;
      case K_DATE : r = cmp64(K[i].date, K[j].date) ; break ;
      case K_SIZE : r = m[i].size < m[j].size ? -1 : m[i].size > m[j].size ; break ;
      case K_CC : r = cmpstr(i, j, SK_CC) ; break ;
      case K_FROM : r = cmpstr(i, j, SK_FROM) ; break ;
      case K_TO : r = cmpstr(i, j, SK_TO) ; break ;
      case K_SUBJECT : r = cmpstr(i, j, SK_SUBJ) ; break ;
      case K_DFROM : r = cmpstr(i, j, SK_DFROM) ; break ;
      case K_DTO : r = cmpstr(i, j, SK_DTO) ; break ;
    }
    if (r) return crit[c].rev ? -r : r ;
  }
  return i < j ? -1 : i > j ;
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
  if (!search_match(a, p + 1, 0, &hits)) { out_tagged("BAD", "bad SEARCH key") ; goto end ; }
  K = sort_keys() ;
  for (unsigned int c = 0 ; c < ncrit ; c++)
  {
    static unsigned char const str[] = { 0, 0, SK_CC, 0, SK_FROM, 0, SK_SUBJ, SK_TO, SK_DFROM, SK_DTO } ;
    if (str[crit[c].key] || crit[c].key == K_SUBJECT) R[str[crit[c].key]] = rank(str[crit[c].key]) ;
  }
  qsort(genalloc_s(uint32_t, &hits), genalloc_len(uint32_t, &hits), sizeof(uint32_t), &cmp) ;
  results(genalloc_s(uint32_t, &hits), genalloc_len(uint32_t, &hits), a->uid, es, ret) ;
  imap_ok(a->uid ? "UID SORT completed" : "SORT completed") ;
 end:
  genalloc_free(uint32_t, &hits) ;
}
