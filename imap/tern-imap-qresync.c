/* tern-imap-qresync: QRESYNC (RFC 7162 3.2): SELECT/EXAMINE's QRESYNC
   parameter, VANISHED (EARLIER) from the expunge entries of the changes
   log above the client's MODSEQ (found by binary search: the log is in
   MODSEQ order), or below the index's vanished boundary every UID of the
   client's set not in the mailbox (tern-store(5)). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <skalibs/genalloc.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include "tern.h"
#include "tern_store.h"
#include "tern-imap.h"

static uint64_t nread = 0 ;   /* change entries read: TERN_IMAP_TESTCOUNT */

static int cmpseq (void const *a, void const *b)
{
  iseq const *x = a, *y = b ;
  return x->lo < y->lo ? -1 : x->lo > y->lo ;
}

/* ranges with "*" as star, each lo <= hi <= star, sorted and merged */
static void normset (genalloc *g, uint32_t star)
{
  iseq *r = genalloc_s(iseq, g) ;
  size_t n = genalloc_len(iseq, g), o = 0 ;
  for (size_t i = 0 ; i < n ; i++)
  {
    if (!r[i].lo) r[i].lo = star ;
    if (!r[i].hi) r[i].hi = star ;
    if (r[i].lo > r[i].hi) { uint32_t t = r[i].lo ; r[i].lo = r[i].hi ; r[i].hi = t ; }
    if (r[i].lo > star) r[i].lo = 0 ;   /* never given: dropped */
    if (r[i].hi > star) r[i].hi = star ;
  }
  if (n > 1) qsort(r, n, sizeof *r, &cmpseq) ;
  for (size_t i = 0 ; i < n ; i++)
  {
    if (!r[i].lo) continue ;
    if (o && r[i].lo <= r[o-1].hi + (uint64_t)1) { if (r[i].hi > r[o-1].hi) r[o-1].hi = r[i].hi ; }
    else r[o++] = r[i] ;
  }
  genalloc_setlen(iseq, g, o) ;
}

static int inset (genalloc const *g, uint32_t x)
{
  iseq const *r = genalloc_s(iseq const, g) ;
  size_t lo = 0, hi = genalloc_len(iseq, g) ;
  while (lo < hi)
  {
    size_t mid = lo + (hi - lo) / 2 ;
    if (x < r[mid].lo) hi = mid ;
    else if (x > r[mid].hi) lo = mid + 1 ;
    else return 1 ;
  }
  return 0 ;
}

/* the ranges of a sorted, unique list of UIDs */
static void out_uids (uint32_t const *u, size_t n)
{
  for (size_t i = 0 ; i < n ;)
  {
    size_t j = i ;
    while (j + 1 < n && u[j+1] == u[j] + 1) j++ ;
    if (i) out_puts(",") ;
    out_u64(u[i]) ;
    if (j > i) { out_puts(":") ; out_u64(u[j]) ; }
    i = j + 1 ;
  }
}

void qresync_vanished (uint32_t const *u, size_t n, int earlier)
{
  if (!n) return ;
  out_puts(earlier ? "* VANISHED (EARLIER) " : "* VANISHED ") ;
  out_uids(u, n) ;
  out_puts("\r\n") ;
}

static int cmpu32 (void const *a, void const *b)
{
  uint32_t x = *(uint32_t const *)a, y = *(uint32_t const *)b ;
  return x < y ? -1 : x > y ;
}

static int present (uint32_t uid)
{
  return sel_finduid(uid) < sel_count() ;
}

/* expunges above since from the changes log, for UIDs of set that the
   session no longer lists: 1, or 0 if the log cannot say (read failure,
   another generation) */
static int fromlog (uint64_t since, genalloc const *set, genalloc *out)
{
  char buf[128 * TERN_STORE_CHGSIZE] ;
  tern_mbox *m = &S.mbox ;
  uint32_t gen ;
  off_t size ;
  uint64_t lo = 0, hi ;
  if (tern_mbox_chgopen(m)) return 0 ;
  if (pread(m->cfd, buf, TERN_STORE_CHGHDR, 0) != TERN_STORE_CHGHDR || !tern_chghdr_unpack(buf, &gen) || gen != S.generation) return 0 ;
  size = lseek(m->cfd, 0, SEEK_END) ;
  if (size < TERN_STORE_CHGHDR) return 0 ;
  hi = ((uint64_t)size - TERN_STORE_CHGHDR) / TERN_STORE_CHGSIZE ;
  while (lo < hi)   /* the first entry above since */
  {
    uint64_t mid = lo + (hi - lo) / 2 ;
    tern_change c ;
    if (pread(m->cfd, buf, TERN_STORE_CHGSIZE, TERN_STORE_CHGHDR + mid * TERN_STORE_CHGSIZE) != TERN_STORE_CHGSIZE) return 0 ;
    nread++ ;
    tern_change_unpack(buf, &c) ;
    if (c.modseq <= since) lo = mid + 1 ; else hi = mid ;
  }
  for (;;)
  {
    ssize_t r = pread(m->cfd, buf, sizeof buf, TERN_STORE_CHGHDR + lo * TERN_STORE_CHGSIZE) ;
    size_t got ;
    if (r < 0) return 0 ;
    got = (size_t)r / TERN_STORE_CHGSIZE ;
    if (!got) break ;
    for (size_t i = 0 ; i < got ; i++)
    {
      tern_change c ;
      tern_change_unpack(buf + i * TERN_STORE_CHGSIZE, &c) ;
      if (!(c.flags & TERN_F_EXPUNGED) || c.modseq <= since || (set && !inset(set, c.uid)) || present(c.uid)) continue ;
      if (!genalloc_catb(uint32_t, out, &c.uid, 1)) strerr_diefusys(111, "list expunged UIDs") ;
    }
    nread += got ;
    lo += got ;
  }
  return 1 ;
}

/* the ranges of UIDs of set (else 1:UIDNEXT-1) at or above from that the
   session does not list: O(ranges + messages) */
static void addrange (genalloc *out, uint64_t x, uint64_t y)
{
  iseq r = { .lo = (uint32_t)x, .hi = (uint32_t)y } ;
  if (x <= y && !genalloc_catb(iseq, out, &r, 1)) strerr_diefusys(111, "list expunged UIDs") ;
}

static void fromset (genalloc const *set, uint32_t from, genalloc *out)
{
  iseq all = { .lo = 1, .hi = S.mbox.hdr.uidnext - 1 } ;
  iseq const *r = set ? genalloc_s(iseq const, set) : &all ;
  size_t nr = set ? genalloc_len(iseq, set) : all.hi ? 1 : 0 ;
  imsg const *m = sel_msgs() ;
  size_t n = sel_count(), j = 0 ;
  for (size_t i = 0 ; i < nr ; i++)
  {
    uint64_t x = r[i].lo < from ? from : r[i].lo ;
    while (j < n && m[j].uid < x) j++ ;
    while (x <= r[i].hi)
    {
      if (j < n && m[j].uid <= r[i].hi) { addrange(out, x, (uint64_t)m[j].uid - 1) ; x = (uint64_t)m[j++].uid + 1 ; }
      else { addrange(out, x, r[i].hi) ; break ; }
    }
  }
}

/* VANISHED (EARLIER) for the UIDs of set (0: all) expunged above since;
   from: the lowest UID that may be reported in the fallback */
void qresync_earlier (uint64_t since, genalloc *set, uint32_t from)
{
  genalloc out = GENALLOC_ZERO ;
  uint64_t known = S.mbox.hdr.vanished ? S.mbox.hdr.vanished : S.generation == 1 ? 0 : (uint64_t)-1 ;
  size_t n ;
  if (set) normset(set, S.mbox.hdr.uidnext - 1) ;
  if (since >= known && fromlog(since, set, &out))
  {
    uint32_t *u = genalloc_s(uint32_t, &out) ;
    n = genalloc_len(uint32_t, &out) ;
    if (n > 1) qsort(u, n, sizeof *u, &cmpu32) ;
    if (n > 1)
    {
      size_t o = 1 ;
      for (size_t i = 1 ; i < n ; i++) if (u[i] != u[o-1]) u[o++] = u[i] ;
      n = o ;
    }
    qresync_vanished(u, n, 1) ;
    genalloc_free(uint32_t, &out) ;
  }
  else
  {
    iseq const *r ;
    genalloc_free(uint32_t, &out) ;
    fromset(set, from, &out) ;
    r = genalloc_s(iseq const, &out) ;
    n = genalloc_len(iseq, &out) ;
    if (n) out_puts("* VANISHED (EARLIER) ") ;
    for (size_t i = 0 ; i < n ; i++)
    {
      if (i) out_puts(",") ;
      out_u64(r[i].lo) ;
      if (r[i].hi > r[i].lo) { out_puts(":") ; out_u64(r[i].hi) ; }
    }
    if (n) out_puts("\r\n") ;
    genalloc_free(iseq, &out) ;
  }
  if (getenv("TERN_IMAP_TESTCOUNT"))
  {
    char fmt[UINT64_FMT] ;
    fmt[uint64_fmt(fmt, nread)] = 0 ;
    strerr_warnw2x("debug: change entries read: ", fmt) ;
  }
}

/* walks a sequence set in order without expanding it */
typedef struct walk_s walk ;
struct walk_s { iseq const *r ; size_t n, i ; uint64_t x ; } ;

static int walknext (walk *w, uint32_t *v)
{
  while (w->i < w->n)
  {
    if (!w->x) w->x = w->r[w->i].lo ;
    if (w->x <= w->r[w->i].hi) { *v = (uint32_t)w->x++ ; return 1 ; }
    w->i++ ; w->x = 0 ;
  }
  return 0 ;
}

/* seq-match-data (RFC 7162 3.2.5.2): the UID above the last pair, from
   the first, that still has the client's sequence number; no known UID
   below it can have vanished */
static uint32_t matchfrom (qsel *q)
{
  walk ws = { .r = genalloc_s(iseq const, &q->seqs), .n = genalloc_len(iseq, &q->seqs), .i = 0, .x = 0 } ;
  walk wu = { .r = genalloc_s(iseq const, &q->uids), .n = genalloc_len(iseq, &q->uids), .i = 0, .x = 0 } ;
  uint32_t from = 1, s, u ;
  if (!q->hasmatch) return 1 ;
  while (walknext(&ws, &s) && walknext(&wu, &u))
  {
    size_t k = sel_finduid(u) ;
    if (k == sel_count() || k + 1 != s) break ;
    from = u + 1 ;
  }
  return from ;
}

/* after SELECT/EXAMINE's untagged OKs: VANISHED (EARLIER), then FETCH
   for every message of the client's set changed since its MODSEQ */
void qresync_select (qsel *q)
{
  genalloc *set = q->hasknown ? &q->known : 0 ;
  uint64_t kw = 0 ;
  imsg *m ;
  if (!q->on || q->uidvalidity != S.mbox.hdr.uidvalidity) return ;
  m = sel_msgs() ;   /* not before: a plain SELECT does not read the list */
  qresync_earlier(q->modseq, set, matchfrom(q)) ;
  for (size_t i = 0 ; i < sel_count() ; i++)
    if (m[i].modseq > q->modseq && (!set || inset(set, m[i].uid))) kw |= m[i].kw ;
  sel_kwtell(kw) ;
  for (size_t i = 0 ; i < sel_count() ; i++)
  {
    if (m[i].modseq <= q->modseq || (set && !inset(set, m[i].uid))) continue ;
    out_puts("* ") ; out_u64(i + 1) ; out_puts(" FETCH (UID ") ; out_u64(m[i].uid) ; out_puts(" ") ;
    out_flags(m + i) ;
    out_puts(" MODSEQ (") ; out_u64(m[i].modseq) ; out_puts("))\r\n") ;
  }
}

/* (QRESYNC (uidvalidity modseq [known-uids [(seqs uids)]])) at k: index
   past it, or 0 if bad */
static unsigned int qparam (iargs *a, unsigned int k, qsel *q)
{
  unsigned int end, j ;
  uint64_t v ;
  if (k >= a->n || a->a[k].type != N_LIST) return 0 ;
  end = REND(a, k) ;
  j = k + 1 ;
  if (j + 2 > end || !imap_num(&a->a[j], &v) || !v || v > 0xffffffffu || !imap_num(&a->a[j+1], &q->modseq)) return 0 ;
  q->uidvalidity = (uint32_t)v ;
  j += 2 ;
  if (j < end && a->a[j].type == N_ATOM)
  {
    if (!imap_seqparse(a->a[j].s, a->a[j].len, &q->known)) return 0 ;
    q->hasknown = 1 ;
    j++ ;
  }
  if (j < end)
  {
    if (!q->hasknown || a->a[j].type != N_LIST || REND(a, j) != end || j + 3 != end
     || a->a[j+1].type != N_ATOM || a->a[j+2].type != N_ATOM
     || !imap_seqparse(a->a[j+1].s, a->a[j+1].len, &q->seqs) || !imap_seqparse(a->a[j+2].s, a->a[j+2].len, &q->uids)) return 0 ;
    q->hasmatch = 1 ;
  }
  q->on = 1 ;
  return end ;
}

/* SELECT/EXAMINE's parameters: 1, or 0 after a tagged BAD */
int qresync_params (iargs *a, qsel *q)
{
  unsigned int k, end ;
  if (a->n < 2) return 1 ;
  if (a->a[1].type != N_LIST || REND(a, 1) != a->n) goto bad ;
  end = a->n ;
  for (k = 2 ; k < end ;)
  {
    if (imap_isatom(&a->a[k], "CONDSTORE")) { S.condstore = 1 ; k++ ; continue ; }
    if (!imap_isatom(&a->a[k], "QRESYNC")) goto bad ;
    if (!S.qresync) { out_tagged("BAD", "QRESYNC is not enabled") ; return 0 ; }
    k = qparam(a, k + 1, q) ;
    if (!k) goto bad ;
  }
  return 1 ;
 bad:
  out_tagged("BAD", "bad SELECT parameters") ;
  return 0 ;
}

void qresync_free (qsel *q)
{
  genalloc_free(iseq, &q->known) ;
  genalloc_free(iseq, &q->seqs) ;
  genalloc_free(iseq, &q->uids) ;
}

/* FETCH modifiers at i: (CHANGEDSINCE n [VANISHED]), VANISHED only in
   UID FETCH with QRESYNC on.  1 ok, 0 bad */
int qresync_fetchmods (iargs *a, unsigned int i, uint64_t *since, int *vanished)
{
  int got = 0 ;
  *vanished = 0 ;
  if (a->a[i].type != N_LIST || REND(a, i) != a->n) return 0 ;
  for (unsigned int k = i + 1 ; k < a->n ; k++)
  {
    if (imap_isatom(&a->a[k], "CHANGEDSINCE") && !got && k + 1 < a->n && imap_num(&a->a[k+1], since)) { got = 1 ; k++ ; }
    else if (imap_isatom(&a->a[k], "VANISHED") && !*vanished && a->uid && S.qresync) *vanished = 1 ;
    else return 0 ;
  }
  return got ;
}

void qresync_fetchvanished (inode const *n, uint64_t since)
{
  genalloc r = GENALLOC_ZERO ;
  if (imap_seqparse(n->s, n->len, &r)) qresync_earlier(since, &r, 1) ;
  genalloc_free(iseq, &r) ;
}

/* the expunges sel_sync reports, as one VANISHED */
void qresync_expunged (void)
{
  genalloc u = GENALLOC_ZERO ;
  imsg const *m = sel_msgs() ;
  for (size_t i = 0 ; i < sel_count() ; i++)
    if ((m[i].flags & TERN_F_EXPUNGED) && !genalloc_catb(uint32_t, &u, &m[i].uid, 1)) strerr_diefusys(111, "list expunged UIDs") ;
  qresync_vanished(genalloc_s(uint32_t, &u), genalloc_len(uint32_t, &u), 0) ;
  genalloc_free(uint32_t, &u) ;
}
