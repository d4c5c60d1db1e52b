/* tern-imap-search: SEARCH and UID SEARCH (every RFC 3501 key; MODSEQ; ESEARCH
   RETURN (MIN MAX COUNT ALL SAVE), "$").  Header keys use the header cache, only
   BODY and TEXT read a message file.  Header text matches as written or
   with its RFC 2047 encoded words decoded. */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <skalibs/strerr.h>
#include "tern.h"
#include "tern_mime.h"
#include "tern-imap.h"

#define SEARCHMAX 1024

typedef struct ctx_s ctx ;
struct ctx_s
{
  iargs *a ;
  size_t i ;          /* message index */
  imsg const *m ;     /* its record */
  int dry ;           /* checking the syntax only */
  char const *s ;     /* mapped message, or 0 */
  size_t len, bl ;    /* its length, its header's */
  int mapped ;
  char const *h ;     /* the header (cached or mapped), or 0 */
  size_t hl ;
  int hmapped ;
  genalloc set ;
  int modseq ;        /* a MODSEQ key was used */
} ;

#define ci imap_textmatch

/* header text t contains v, as written or with its encoded words decoded
   (RFC 2047: a search for "Größe" finds =?UTF-8?Q?Gr=C3=B6=C3=9Fe?=) */
static int hci (char const *t, size_t tl, inode const *v)
{
  static stralloc dec = STRALLOC_ZERO ;
  char const *q = t ;
  if (ci(t, tl, v->s, v->len)) return 1 ;
  while ((q = memchr(q, '=', tl - (size_t)(q - t))) && q + 1 < t + tl && q[1] != '?') q++ ;
  if (!q || q + 1 >= t + tl) return 0 ;
  dec.len = 0 ;
  if (!tern_rfc2047_cat(&dec, t, tl)) strerr_diefu1sys(111, "allocate") ;
  return ci(dec.s, dec.len, v->s, v->len) ;
}

static void map (ctx *c)
{
  imsg const *m = c->m ;
  struct stat st ;
  int fd ;
  if (c->mapped) return ;
  c->mapped = 1 ; c->s = 0 ; c->len = c->bl = 0 ;
  if (c->dry) return ;
  fd = sel_openmsg(m->uid) ;
  if (fd < 0) return ;
  if (!fstat(fd, &st) && st.st_size)
  {
    void *p = mmap(0, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0) ;
    if (p != MAP_FAILED) { c->s = p ; c->len = (size_t)st.st_size ; }
  }
  close(fd) ;
  c->bl = c->s ? mime_hdrlen(c->s, c->len) : 0 ;
}

/* the header block, from the cache when it holds it */
static void hmap (ctx *c)
{
  if (c->hmapped) return ;
  c->hmapped = 1 ;
  c->h = 0 ; c->hl = 0 ;
  if (c->dry) return ;
  if (cache_get(c->m, &c->h, &c->hl)) return ;
  map(c) ;
  c->h = c->s ; c->hl = c->bl ;
  if (c->s) cache_put(c->m, c->h, c->hl) ;
}

/* header field name contains v (name 0: anywhere in the header) */
static int hdr (ctx *c, char const *name, inode const *v)
{
  size_t i = 0, n = name ? strlen(name) : 0 ;
  char const *h ;
  hmap(c) ;
  h = c->h ;
  if (!h) return 0 ;
  if (!name) return hci(h, c->hl, v) ;
  while (i < c->hl)
  {
    char const *nl = memchr(h + i, '\n', c->hl - i) ;
    size_t e = nl ? (size_t)(nl - h) + 1 : c->hl ;
    while (e < c->hl && (h[e] == ' ' || h[e] == '\t')) { nl = memchr(h + e, '\n', c->hl - e) ; e = nl ? (size_t)(nl - h) + 1 : c->hl ; }
    if (e - i > n && h[i+n] == ':' && !strncasecmp(h + i, name, n) && hci(h + i + n + 1, e - i - n - 1, v)) return 1 ;
    i = e ;
  }
  return 0 ;
}

/* address field name contains v: its addresses as tern_addrlist reads
   them (comments out, RFC 2047 names decoded: "a@b.example", "Name <a@b>") */
static int addr (ctx *c, char const *name, inode const *v)
{
  static stralloc t = STRALLOC_ZERO ;
  hmap(c) ;
  if (!c->h) return 0 ;
  t.len = 0 ;
  if (!mime_addrtext(&t, c->h, c->hl, name)) strerr_diefu1sys(111, "allocate") ;
  return ci(t.s, t.len, v->s, v->len) ;
}

static int64_t day (inode const *n, int *ok)
{
  static char const mon[] = "janfebmaraprmayjunjulaugsepoctnovdec" ;
  unsigned int d, y, m ;
  char ms[4] = { 0 } ;
  struct tm tm ;
  *ok = 0 ;
  if (!imap_isastring(n) || sscanf(n->s, "%2u-%3c-%4u", &d, ms, &y) != 3) return 0 ;
  for (m = 0 ; m < 12 ; m++) if (!strncasecmp(ms, mon + 3 * m, 3)) break ;
  if (m == 12 || d < 1 || d > 31 || y < 1900) return 0 ;
  memset(&tm, 0, sizeof tm) ;
  tm.tm_mday = (int)d ; tm.tm_mon = (int)m ; tm.tm_year = (int)y - 1900 ;
  *ok = 1 ;
  return (int64_t)timegm(&tm) ;
}

static int eval (ctx *c, unsigned int *p, int *bad) ;

static int flagkey (inode const *k, imsg const *m, int *r)
{
  static struct { char const *name ; uint32_t f ; int neg ; } const t[] =
  {
    { "SEEN", TERN_F_SEEN, 0 }, { "UNSEEN", TERN_F_SEEN, 1 }, { "FLAGGED", TERN_F_FLAGGED, 0 }, { "UNFLAGGED", TERN_F_FLAGGED, 1 },
    { "DELETED", TERN_F_DELETED, 0 }, { "UNDELETED", TERN_F_DELETED, 1 }, { "ANSWERED", TERN_F_ANSWERED, 0 },
    { "UNANSWERED", TERN_F_ANSWERED, 1 }, { "DRAFT", TERN_F_DRAFT, 0 }, { "UNDRAFT", TERN_F_DRAFT, 1 }, { 0, 0, 0 }
  } ;
  for (unsigned int i = 0 ; t[i].name ; i++)
    if (imap_isatom(k, t[i].name)) { *r = (!(m->flags & t[i].f)) == t[i].neg ; return 1 ; }
  if (imap_isatom(k, "ALL")) { *r = 1 ; return 1 ; }
  if (imap_isatom(k, "OLD")) { *r = !m->recent ; return 1 ; }
  if (imap_isatom(k, "RECENT")) { *r = !!m->recent ; return 1 ; }
  if (imap_isatom(k, "NEW")) { *r = m->recent && !(m->flags & TERN_F_SEEN) ; return 1 ; }
  return 0 ;
}

#define NEED(cnt) do { if (*p + (cnt) > c->a->n) { *bad = 1 ; return 0 ; } } while (0)

/* MODSEQ ["/flags/NAME" priv|shared|all] n (RFC 7162 3.1.5): tern keeps
   one MODSEQ per message, which the per-flag forms compare too */
static int keymodseq (ctx *c, unsigned int *p, int *bad)
{
  inode const *v = c->a->a + *p ;
  uint64_t x ;
  if (*p < c->a->n && v->type == N_STRING)
  {
    if (*p + 3 > c->a->n || v->len < 8 || strncasecmp(v->s, "/flags/", 7)
     || (!imap_isatom(v + 1, "priv") && !imap_isatom(v + 1, "shared") && !imap_isatom(v + 1, "all"))) { *bad = 1 ; return 0 ; }
    *p += 2 ;
  }
  if (*p >= c->a->n || !imap_num(&c->a->a[(*p)++], &x)) { *bad = 1 ; return 0 ; }
  c->modseq = 1 ;
  return c->m->modseq >= x ;
}

/* keys on the index alone: sets, keywords, sizes, MODSEQ, dates.  -1 if k is none of them */
static int keyindex (ctx *c, inode const *k, unsigned int *p, int *bad)
{
  iargs *a = c->a ;
  imsg const *m = c->m ;
  uint64_t x ;
  int r, ok ;
  if (imap_isatom(k, "UID") || (k->s[0] >= '0' && k->s[0] <= '9') || k->s[0] == '*' || searchres_is(k))
  {
    int uid = imap_isatom(k, "UID") ;
    inode const *s = k ;
    if (uid) { NEED(1) ; s = &a->a[(*p)++] ; }
    if (searchres_is(s)) return searchres_has(m->uid) ;   /* "$" (RFC 5182) */
    if (s->type != N_ATOM || !imap_seqparse(s->s, s->len, &c->set)) { *bad = 1 ; return 0 ; }
    return imap_seqhas(&c->set, uid ? m->uid : (uint32_t)(c->i + 1), uid ? (sel_count() ? sel_msgs()[sel_count()-1].uid : 0) : (uint32_t)sel_count()) ;
  }
  if (imap_isatom(k, "KEYWORD") || imap_isatom(k, "UNKEYWORD"))
  {
    uint64_t bit ;
    NEED(1) ;
    r = sel_kwbit(a->a[*p].s, a->a[*p].len, &bit, 0) ;
    r = r == 1 ? !!(m->flags & bit) : r == 2 ? !!(m->kw & bit) : 0 ;
    for (unsigned int b = 0 ; b < S.mbox.nkw ; b++)
      if (!strcasecmp(tern_mbox_keywordname(&S.mbox, b), a->a[*p].s)) r = !!(m->kw & ((uint64_t)1 << b)) ;
    (*p)++ ;
    return imap_isatom(k, "KEYWORD") ? r : !r ;
  }
  if (imap_isatom(k, "MODSEQ")) return keymodseq(c, p, bad) ;
  if (imap_isatom(k, "LARGER") || imap_isatom(k, "SMALLER"))
  {
    NEED(1) ;
    if (!imap_num(&a->a[(*p)++], &x)) { *bad = 1 ; return 0 ; }
    return imap_isatom(k, "LARGER") ? m->size > x : m->size < x ;
  }
  if (imap_isatom(k, "BEFORE") || imap_isatom(k, "SINCE") || imap_isatom(k, "ON"))
  {
    int64_t d ;
    NEED(1) ;
    d = day(&a->a[(*p)++], &ok) ;
    if (!ok) { *bad = 1 ; return 0 ; }
    if (imap_isatom(k, "BEFORE")) return m->date < d ;
    if (imap_isatom(k, "SINCE")) return m->date >= d ;
    return m->date >= d && m->date < d + 86400 ;
  }
  return -1 ;
}

/* SENTBEFORE, SENTON, SENTSINCE: the Date: field's day; none never matches */
static int sent (ctx *c, inode const *k, unsigned int *p, int *bad)
{
  static stralloc v = STRALLOC_ZERO ;
  int64_t d, sd ;
  int ok ;
  if (*p >= c->a->n) { *bad = 1 ; return 0 ; }
  d = day(&c->a->a[(*p)++], &ok) ;
  if (!ok) { *bad = 1 ; return 0 ; }
  d /= 86400 ;
  hmap(c) ;
  v.len = 0 ;
  if (!c->h || mime_field(&v, c->h, c->hl, "Date") != 1 || !imap_sentday(v.s, v.len, &sd)) return 0 ;
  if (imap_isatom(k, "SENTBEFORE")) return sd < d ;
  if (imap_isatom(k, "SENTSINCE")) return sd >= d ;
  return sd == d ;
}

/* keys on the text: HEADER, FROM, TO, CC, BCC, SUBJECT, BODY, TEXT */
static int keytext (ctx *c, inode const *k, unsigned int *p, int *bad)
{
  static char const *const hk[] = { "FROM", "TO", "CC", "BCC", "SUBJECT", 0 } ;
  iargs *a = c->a ;
  inode const *v ;
  /* the substring search is O(text * needle): keep needles short */
  if (*p < a->n && a->a[*p].len > SEARCHMAX) { *bad = 1 ; return 0 ; }
  if (*p + 1 < a->n && imap_isatom(k, "HEADER") && a->a[*p+1].len > SEARCHMAX) { *bad = 1 ; return 0 ; }
  if (imap_isatom(k, "HEADER"))
  {
    char name[256] ;
    NEED(2) ;
    if (!imap_isastring(&a->a[*p]) || a->a[*p].len >= sizeof name || !imap_isastring(&a->a[*p+1])) { *bad = 1 ; return 0 ; }
    memcpy(name, a->a[*p].s, a->a[*p].len + 1) ;
    *p += 2 ;
    return hdr(c, name, &a->a[*p-1]) ;
  }
  for (unsigned int i = 0 ; hk[i] ; i++)
    if (imap_isatom(k, hk[i]))
    {
      NEED(1) ;
      if (!imap_isastring(&a->a[*p])) { *bad = 1 ; return 0 ; }
      (*p)++ ;
      return i < 4 ? addr(c, hk[i], &a->a[*p-1]) : hdr(c, hk[i], &a->a[*p-1]) ;
    }
  if (imap_isatom(k, "SENTBEFORE") || imap_isatom(k, "SENTSINCE") || imap_isatom(k, "SENTON")) return sent(c, k, p, bad) ;
  if (!imap_isatom(k, "BODY") && !imap_isatom(k, "TEXT")) { *bad = 1 ; return 0 ; }
  NEED(1) ;
  v = &a->a[(*p)++] ;
  if (!imap_isastring(v)) { *bad = 1 ; return 0 ; }
  map(c) ;
  if (!c->s) return 0 ;
  if (imap_isatom(k, "TEXT")) return ci(c->s, c->len, v->s, v->len) || hci(c->s, c->bl, v) ;
  return ci(c->s + c->bl, c->len - c->bl, v->s, v->len) ;
}

/* one key at *p (advanced past it) for message c->i */
static int eval (ctx *c, unsigned int *p, int *bad)
{
  inode const *k ;
  int r = 0 ;
  NEED(1) ;
  k = &c->a->a[(*p)++] ;
  if (k->type == N_LIST)
  {
    unsigned int end = REND(c->a, *p - 1) ;
    r = 1 ;
    if (*p == end) { *bad = 1 ; return 0 ; }
    while (*p < end && !*bad) if (!eval(c, p, bad)) r = 0 ;
    return r ;
  }
  if (k->type != N_ATOM) { *bad = 1 ; return 0 ; }
  if (flagkey(k, c->m, &r)) return r ;
  if (imap_isatom(k, "NOT")) return !eval(c, p, bad) ;
  if (imap_isatom(k, "OR")) { int x1 = eval(c, p, bad), x2 = eval(c, p, bad) ; return x1 || x2 ; }
  r = keyindex(c, k, p, bad) ;
  return r >= 0 ? r : keytext(c, k, p, bad) ;
}
#undef NEED

/* the messages matching the keys a[start..): their UIDs (uid) or sequence
   numbers, ascending, appended to hits (uint32_t); 0 if a key is bad.  ms,
   if not null: the highest MODSEQ found when a MODSEQ key was used (a
   MODSEQ key enables CONDSTORE) */
int search_match (iargs *a, unsigned int start, int uid, genalloc *hits, uint64_t *ms)
{
  ctx c = { .a = a, .set = GENALLOC_ZERO } ;
  int bad = 0 ;
  {
    /* the syntax once, so that an empty mailbox checks it too */
    static imsg const none ;
    unsigned int p = start ;
    c.m = &none ; c.dry = 1 ; c.mapped = c.hmapped = 0 ;
    while (p < a->n && !bad) eval(&c, &p, &bad) ;
    c.dry = 0 ;
    if (!bad && c.modseq) sel_condstore() ;
  }
  if (!bad && start + 1 == a->n && imap_isatom(&a->a[start], "ALL"))
  {
    /* ALL alone (SORT and THREAD ... ALL, the common case): no key to
       evaluate per message */
    imsg const *m = sel_msgs() ;
    size_t n = sel_count(), len = genalloc_len(uint32_t, hits) ;
    uint32_t *h ;
    if (!genalloc_readyplus(uint32_t, hits, n)) strerr_diefusys(111, "search") ;
    h = genalloc_s(uint32_t, hits) ;
    for (size_t i = 0 ; i < n ; i++)
      if (!(m[i].flags & TERN_F_EXPUNGED)) h[len++] = uid ? m[i].uid : (uint32_t)(i + 1) ;
    genalloc_setlen(uint32_t, hits, len) ;
    c.i = n ;
  }
  else c.i = 0 ;
  for (; c.i < sel_count() && !bad ; c.i++)
  {
    unsigned int p = start ;
    int r = 1 ;
    c.m = sel_msgs() + c.i ;
    c.mapped = c.hmapped = 0 ;
    while (p < a->n && !bad) if (!eval(&c, &p, &bad)) r = 0 ;
    if (c.s) munmap((void *)c.s, c.len) ;
    c.s = 0 ;
    if (r && !bad && !(sel_msgs()[c.i].flags & TERN_F_EXPUNGED))
    {
      uint32_t v = uid ? sel_msgs()[c.i].uid : (uint32_t)(c.i + 1) ;
      if (ms && c.modseq && sel_msgs()[c.i].modseq > *ms) *ms = sel_msgs()[c.i].modseq ;
      if (!genalloc_catb(uint32_t, hits, &v, 1)) strerr_diefusys(111, "search") ;
    }
  }
  genalloc_free(iseq, &c.set) ;
  cache_done() ;
  return !bad ;
}

void cmd_search (iargs *a)
{
  genalloc hits = GENALLOC_ZERO ;
  uint64_t ms = 0 ;   /* the highest MODSEQ found, when a MODSEQ key was used */
  unsigned int start = 0, ret = 0 ;
  int bad = 0, es = 0 ;
  if (a->n >= 2 && imap_isatom(&a->a[0], "RETURN") && a->a[1].type == N_LIST)
  {
    es = 1 ;
    for (unsigned int k = 2 ; k < REND(a, 1) ; k++)
    {
      if (imap_isatom(&a->a[k], "MIN")) ret |= 1 ; else if (imap_isatom(&a->a[k], "MAX")) ret |= 2 ;
      else if (imap_isatom(&a->a[k], "COUNT")) ret |= 4 ; else if (imap_isatom(&a->a[k], "ALL")) ret |= 8 ;
      else if (imap_isatom(&a->a[k], "SAVE")) ret |= 16 ;
      else { out_tagged("BAD", "bad RETURN option") ; return ; }
    }
    if (!ret) ret = 8 ;
    start = REND(a, 1) ;
  }
  else if (S.rev2) { es = 1 ; ret = 8 ; }   /* IMAP4rev2: always ESEARCH (RFC 9051 6.4.4) */
  if (start + 1 < a->n && imap_isatom(&a->a[start], "CHARSET"))
  {
    if (!imap_isastring(&a->a[start+1]) || (strcasecmp(a->a[start+1].s, "UTF-8") && strcasecmp(a->a[start+1].s, "US-ASCII")))
    { out_tagged("NO", "[BADCHARSET (UTF-8 US-ASCII)] unsupported charset") ; return ; }
    start += 2 ;
  }
  if (start >= a->n) { out_tagged("BAD", "SEARCH what?") ; return ; }
  bad = !search_match(a, start, a->uid, &hits, &ms) ;
  if (ret & 16) searchres_save(bad ? 0 : &hits, a->uid, ret) ;
  if (bad) { out_tagged("BAD", "bad SEARCH key") ; goto end ; }
  search_results(&hits, a->uid, es, ret, ms) ;
  imap_ok(a->uid ? "UID SEARCH completed" : "SEARCH completed") ;
 end:
  genalloc_free(uint32_t, &hits) ;
}
