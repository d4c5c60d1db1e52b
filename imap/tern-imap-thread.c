/* tern-imap-thread: THREAD and UID THREAD (RFC 5256 3): ORDEREDSUBJECT
   and REFERENCES, from tern-imap-sortkey.c's keys.  Containers in one
   array, linked by index (0 is the root); every walk is iterative, so a
   100,000-message thread needs no deep stack. */
#include <stdlib.h>
#include <string.h>
#include <skalibs/strerr.h>
#include "tern-imap.h"

typedef struct cnode_s cnode ;
struct cnode_s
{
  int32_t msg ;        /* sequence number - 1, or -1 for a dummy */
  int32_t parent, child, next, prev ;
  char const *id ;     /* its message id, or 0 */
  size_t idlen ;
} ;

static genalloc cn = GENALLOC_ZERO ;   /* cnode */
static genalloc tab = GENALLOC_ZERO ;  /* int32_t: id hash table */
static genalloc ord = GENALLOC_ZERO ;  /* int32_t: scratch */
static skey const *K ;
static int uidout ;
#define C(i) (genalloc_s(cnode, &cn)[i])

static void die (void)
{
  strerr_diefu1sys(111, "thread") ;
}

static int32_t newnode (int32_t msg, char const *id, size_t idlen)
{
  cnode c = { .msg = msg, .parent = -1, .child = -1, .next = -1, .prev = -1, .id = id, .idlen = idlen } ;
  if (!genalloc_catb(cnode, &cn, &c, 1)) die() ;
  return (int32_t)genalloc_len(cnode, &cn) - 1 ;
}

static void unlink_ (int32_t c)
{
  int32_t p = C(c).parent ;
  if (p < 0) return ;
  if (C(c).prev >= 0) C(C(c).prev).next = C(c).next ; else C(p).child = C(c).next ;
  if (C(c).next >= 0) C(C(c).next).prev = C(c).prev ;
  C(c).parent = C(c).next = C(c).prev = -1 ;
}

static void link_ (int32_t c, int32_t p)
{
  unlink_(c) ;
  C(c).parent = p ;
  C(c).next = C(p).child ;
  if (C(p).child >= 0) C(C(p).child).prev = c ;
  C(p).child = c ;
}

/* 1 if a is b or lies under b (nothing lies under a childless b) */
static int under (int32_t a, int32_t b)
{
  if (C(b).child < 0) return a == b ;
  for (; a > 0 ; a = C(a).parent) if (a == b) return 1 ;
  return 0 ;
}

static uint32_t hash (char const *s, size_t len)
{
  uint32_t h = 2166136261u ;
  for (size_t i = 0 ; i < len ; i++) h = (h ^ (unsigned char)s[i]) * 16777619u ;
  return h ;
}

/* the container of id, made if new */
static int32_t byid (char const *id, size_t len)
{
  int32_t *t = genalloc_s(int32_t, &tab) ;
  size_t mask = genalloc_len(int32_t, &tab) - 1, h = hash(id, len) & mask ;
  for (; t[h] >= 0 ; h = (h + 1) & mask)
    if (C(t[h]).idlen == len && !memcmp(C(t[h]).id, id, len)) return t[h] ;
  return t[h] = newnode(-1, id, len) ;
}

/* RFC 5256 3 (A) to (C): containers and their links for the messages h */
static void build (uint32_t const *h, size_t n)
{
  size_t sz = 16, ids = n ;
  for (size_t k = 0 ; k < n ; k++)
    for (char const *r = sort_str(K[h[k]-1].s[SK_REFS]) ; *r ; r++) ids += *r == ' ' || r[1] == 0 ;
  while (sz < 2 * ids + 16) sz <<= 1 ;   /* at most half full: probes end */
  genalloc_setlen(cnode, &cn, 0) ;
  /* a container for each message and id at most, and the dummies of
     (5): made at once, not grown and copied node by node */
  if (!genalloc_ready(cnode, &cn, ids + n / 4 + 16) || !genalloc_ready(int32_t, &tab, sz)) die() ;
  memset(genalloc_s(int32_t, &tab), 0xff, sz * sizeof(int32_t)) ;
  genalloc_setlen(int32_t, &tab, sz) ;
  newnode(-1, 0, 0) ;
  for (size_t k = 0 ; k < n ; k++)
  {
    skey const *key = K + h[k] - 1 ;
    char const *id = sort_str(key->s[SK_MSGID]), *r = sort_str(key->s[SK_REFS]) ;
    int32_t m = *id ? byid(id, strlen(id)) : -1, prev = -1 ;
    if (m < 0 || C(m).msg >= 0) m = newnode(-1, 0, 0) ;   /* none, or a duplicate: unique */
    C(m).msg = (int32_t)h[k] - 1 ;
    while (*r)
    {
      size_t l = strcspn(r, " ") ;
      int32_t c = byid(r, l) ;
      if (prev >= 0 && C(c).parent < 0 && !under(prev, c)) link_(c, prev) ;
      prev = c ;
      r += l ; r += *r == ' ' ;
    }
    if (prev >= 0 && under(prev, m)) prev = -1 ;
    unlink_(m) ;
    if (prev >= 0) link_(m, prev) ;
  }
  for (int32_t c = 1 ; c < (int32_t)genalloc_len(cnode, &cn) ; c++)
    if (C(c).parent < 0) link_(c, 0) ;
}

/* containers in reverse pre-order: every child before its parent */
static void order (void)
{
  int32_t *o ;
  size_t n = genalloc_len(cnode, &cn), top = 0 ;
  if (!genalloc_ready(int32_t, &ord, 2 * n)) die() ;
  o = genalloc_s(int32_t, &ord) ;
  o[n + top++] = 0 ;
  for (size_t k = 0 ; top ;)
  {
    int32_t c = o[n + --top] ;
    o[k++] = c ;
    for (int32_t x = C(c).child ; x >= 0 ; x = C(x).next) o[n + top++] = x ;
  }
  for (size_t a = 0, b = n - 1 ; a < b ; a++, b--) { int32_t t = o[a] ; o[a] = o[b] ; o[b] = t ; }
}

/* (3) dummies: without children, gone; else replaced by their children,
   unless at the root with more than one */
static void prune (void)
{
  int32_t const *o ;
  order() ;
  o = genalloc_s(int32_t, &ord) ;
  for (size_t k = 0 ; k + 1 < genalloc_len(cnode, &cn) ; k++)
  {
    int32_t c = o[k], p = C(c).parent ;
    if (!c || C(c).msg >= 0 || C(c).parent < 0) continue ;
    if (C(c).child >= 0 && !p && C(C(c).child).next >= 0) continue ;
    while (C(c).child >= 0) link_(C(c).child, p) ;
    unlink_(c) ;
  }
}

static int64_t *ndate ;   /* per container, for sibling order */
static int32_t *nseq ;

static int bydate (void const *x, void const *y)
{
  int32_t a = *(int32_t const *)x, b = *(int32_t const *)y ;
  if (ndate[a] != ndate[b]) return ndate[a] < ndate[b] ? -1 : 1 ;
  return nseq[a] < nseq[b] ? -1 : nseq[a] > nseq[b] ;
}

/* (4), (6): siblings by sent date (a dummy: its first child's), then by
   sequence number; the root's children too if root */
static void sortall (int root)
{
  static genalloc d = GENALLOC_ZERO, q = GENALLOC_ZERO, kids = GENALLOC_ZERO ;
  size_t n = genalloc_len(cnode, &cn) ;
  int32_t const *o ;
  order() ;
  o = genalloc_s(int32_t, &ord) ;
  if (!genalloc_ready(int64_t, &d, n) || !genalloc_ready(int32_t, &q, n)) die() ;
  ndate = genalloc_s(int64_t, &d) ; nseq = genalloc_s(int32_t, &q) ;
  for (size_t k = 0 ; k < n ; k++)
  {
    int32_t c = o[k], x ;
    size_t m = 0 ;
    if (C(c).parent < 0 && c) continue ;
    genalloc_setlen(int32_t, &kids, 0) ;
    for (x = C(c).child ; x >= 0 ; x = C(x).next, m++) if (!genalloc_catb(int32_t, &kids, &x, 1)) die() ;
    if (m > 1 && (c || root))
    {
      int32_t *a = genalloc_s(int32_t, &kids) ;
      qsort(a, m, sizeof *a, &bydate) ;
      while (m--) link_(a[m], c) ;   /* prepending, last first */
    }
    if (C(c).msg >= 0) { ndate[c] = K[C(c).msg].date ; nseq[c] = C(c).msg ; }
    else if (C(c).child >= 0) { ndate[c] = ndate[C(c).child] ; nseq[c] = nseq[C(c).child] ; }
    else { ndate[c] = 0 ; nseq[c] = 0 ; }
  }
}

static skey const *first (int32_t c)
{
  int32_t m = C(c).msg >= 0 ? C(c).msg : C(c).child >= 0 ? C(C(c).child).msg : -1 ;
  return m >= 0 ? K + m : 0 ;
}

/* c takes t's place among its siblings, t goes under c */
static void replace (int32_t t, int32_t c)
{
  cnode *T = &C(t), *X = &C(c) ;
  X->parent = T->parent ; X->prev = T->prev ; X->next = T->next ;
  if (T->prev >= 0) C(T->prev).next = c ; else C(T->parent).child = c ;
  if (T->next >= 0) C(T->next).prev = c ;
  T->parent = T->next = T->prev = -1 ;
  link_(t, c) ;
}

/* the ranks of the base subjects when every message's keys came from
   the sort-key file (equal subjects, equal ranks, all below subjn), so
   that (5) compares numbers instead of hashing strings; else 0 */
static uint32_t const *subjrank ;
static size_t subjn ;

/* (5) root threads with the same base subject, together */
static void bysubject (void)
{
  static genalloc roots = GENALLOC_ZERO, rt = GENALLOC_ZERO ;
  int32_t *t = genalloc_s(int32_t, &tab), *r, *cell ;
  size_t mask = genalloc_len(int32_t, &tab) - 1, n = 0 ;
  if (subjrank && !genalloc_ready(int32_t, &rt, subjn)) die() ;
  if (subjrank) memset(genalloc_s(int32_t, &rt), 0xff, subjn * sizeof(int32_t)) ;
  else memset(t, 0xff, (mask + 1) * sizeof(int32_t)) ;
  genalloc_setlen(int32_t, &roots, 0) ;
  for (int32_t x = C(0).child ; x >= 0 ; x = C(x).next, n++) if (!genalloc_catb(int32_t, &roots, &x, 1)) die() ;
  r = genalloc_s(int32_t, &roots) ;
  for (int pass = 0 ; pass < 2 ; pass++)
    for (size_t k = 0 ; k < n ; k++)
    {
      int32_t c = r[k] ;
      skey const *f = first(c) ;
      char const *s = f ? sort_str(f->s[SK_SUBJ]) : "" ;
      if (!*s) continue ;
      if (subjrank) cell = genalloc_s(int32_t, &rt) + subjrank[f - K] ;
      else
      {
        size_t h ;
        t = genalloc_s(int32_t, &tab) ;
        for (h = hash(s, strlen(s)) & mask ; t[h] >= 0 && strcmp(sort_str(first(t[h])->s[SK_SUBJ]), s) ; h = (h + 1) & mask) ;
        cell = t + h ;
      }
      if (*cell < 0) { *cell = c ; continue ; }
      if (!pass)
      {
        if ((C(c).msg < 0 && C(*cell).msg >= 0) || (C(c).msg >= 0 && C(*cell).msg >= 0 && K[C(*cell).msg].reply && !f->reply)) *cell = c ;
        continue ;
      }
      if (*cell == c) continue ;
      if (C(*cell).msg < 0 && C(c).msg < 0) { while (C(c).child >= 0) link_(C(c).child, *cell) ; unlink_(c) ; }
      else if (C(*cell).msg < 0) link_(c, *cell) ;
      else if (!K[C(*cell).msg].reply && f->reply) link_(c, *cell) ;
      else
      {
        int32_t d = newnode(-1, 0, 0) ;
        replace(*cell, d) ;
        link_(c, d) ;
        *cell = d ;
      }
    }
}

/* subjrank for the messages h[0..n): their subject ranks from the file
   when all have them and they are small enough to index a table */
static void subjranks (uint32_t const *h, size_t n)
{
  static genalloc rk = GENALLOC_ZERO ;
  size_t all = sel_count() ;
  uint32_t max = 0, *x ;
  subjrank = 0 ;
  for (size_t k = 0 ; k < n ; k++)
  {
    if (!K[h[k]-1].ranked) return ;
    if (K[h[k]-1].fr[SK_SUBJ] > max) max = K[h[k]-1].fr[SK_SUBJ] ;
  }
  if ((uint64_t)max > 4 * (uint64_t)all + 65536 || !genalloc_ready(uint32_t, &rk, all)) return ;
  x = genalloc_s(uint32_t, &rk) ;
  for (size_t k = 0 ; k < n ; k++) x[h[k]-1] = K[h[k]-1].fr[SK_SUBJ] ;
  subjrank = x ;
  subjn = (size_t)max + 1 ;
}

static void num (int32_t msg, int *sp)
{
  if (*sp) out_puts(" ") ;
  out_u64(uidout ? sel_msgs()[msg].uid : (uint64_t)msg + 1) ;
  *sp = 1 ;
}

/* a thread in parentheses: a chain of single children, then each branch
   in its own; a stack of containers to open and -1 for ")" */
static void write_ (int32_t top)
{
  static genalloc st = GENALLOC_ZERO ;
  int32_t v = top, close = -1 ;
  genalloc_setlen(int32_t, &st, 0) ;
  for (;;)
  {
    int32_t c = v, x ;
    int sp = 0 ;
    if (v < 0) out_puts(")") ;
    else
    {
      out_puts("(") ;
      if (!genalloc_catb(int32_t, &st, &close, 1)) die() ;
      for (;; c = x)
      {
        if (C(c).msg >= 0) num(C(c).msg, &sp) ;
        x = C(c).child ;
        if (x < 0 || C(x).next >= 0) break ;
      }
      if (x >= 0 && sp) out_puts(" ") ;
      if (x >= 0) while (C(x).next >= 0) x = C(x).next ;
      for (; x >= 0 ; x = C(x).prev) if (!genalloc_catb(int32_t, &st, &x, 1)) die() ;
    }
    if (!genalloc_len(int32_t, &st)) return ;
    v = genalloc_s(int32_t, &st)[genalloc_len(int32_t, &st) - 1] ;
    genalloc_setlen(int32_t, &st, genalloc_len(int32_t, &st) - 1) ;
  }
}

static int bysubj (void const *x, void const *y)
{
  skey const *a = K + *(uint32_t const *)x - 1, *b = K + *(uint32_t const *)y - 1 ;
  int r = strcmp(sort_str(a->s[SK_SUBJ]), sort_str(b->s[SK_SUBJ])) ;
  if (r) return r ;
  if (a->date != b->date) return a->date < b->date ? -1 : 1 ;
  return *(uint32_t const *)x < *(uint32_t const *)y ? -1 : 1 ;
}

/* RFC 5256 3: the first of each base subject is the parent of the others */
static void orderedsubject (uint32_t *h, size_t n)
{
  int32_t p = -1 ;
  qsort(h, n, sizeof *h, &bysubj) ;
  genalloc_setlen(cnode, &cn, 0) ;
  newnode(-1, 0, 0) ;
  for (size_t k = 0 ; k < n ; k++)
  {
    int32_t c = newnode((int32_t)h[k] - 1, 0, 0) ;
    if (k && !strcmp(sort_str(K[h[k]-1].s[SK_SUBJ]), sort_str(K[h[k-1]-1].s[SK_SUBJ]))) link_(c, p) ;
    else { link_(c, 0) ; p = c ; }
  }
  sortall(1) ;
}

void cmd_thread (iargs *a)
{
  genalloc hits = GENALLOC_ZERO ;
  int refs ;
  if (a->n < 3 || a->a[0].type != N_ATOM) { out_tagged("BAD", "THREAD algorithm charset keys") ; return ; }
  refs = imap_isatom(&a->a[0], "REFERENCES") ;
  if (!refs && !imap_isatom(&a->a[0], "ORDEREDSUBJECT")) { out_tagged("BAD", "unknown THREAD algorithm") ; return ; }
  if (!sort_charset(&a->a[1])) return ;
  if (!search_match(a, 2, 0, &hits, 0)) { out_tagged("BAD", "bad SEARCH key") ; goto end ; }
  K = sort_keys() ;
  uidout = a->uid ;
  if (refs)
  {
    build(genalloc_s(uint32_t, &hits), genalloc_len(uint32_t, &hits)) ;
    prune() ;
    sortall(1) ;
    subjranks(genalloc_s(uint32_t, &hits), genalloc_len(uint32_t, &hits)) ;
    bysubject() ;
    sortall(0) ;
  }
  else orderedsubject(genalloc_s(uint32_t, &hits), genalloc_len(uint32_t, &hits)) ;
  out_puts("* THREAD ") ;
  for (int32_t x = C(0).child ; x >= 0 ; x = C(x).next) write_(x) ;
  out_puts("\r\n") ;
  genalloc_setlen(cnode, &cn, 0) ;
  imap_ok(a->uid ? "UID THREAD completed" : "THREAD completed") ;
 end:
  genalloc_free(uint32_t, &hits) ;
}
