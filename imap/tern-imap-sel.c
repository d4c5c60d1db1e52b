/* tern-imap-sel: the selected mailbox: SELECT/EXAMINE, the session's
   message list (by UID, from the index), others' changes at command
   boundaries (new records, the changes-log tail, a full compare only after
   a compaction), CLOSE, UNSELECT, EXPUNGE, IDLE. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include "tern.h"
#include "tern_log.h"
#include "tern-imap.h"

static size_t npending = 0, ndirty = 0 ;
static unsigned int kwsent = 0 ;   /* keywords named by the last untagged FLAGS */

imsg *sel_msgs (void) { if (lazy_pending()) lazy_load() ; return genalloc_s(imsg, &S.msgs) ; }
size_t sel_count (void) { if (lazy_pending()) lazy_load() ; return genalloc_len(imsg, &S.msgs) ; }
void sel_counts (size_t pending, size_t dirty) { npending = pending ; ndirty = dirty ; }

size_t sel_finduid (uint32_t uid)
{
  imsg const *m = sel_msgs() ;
  size_t lo = 0, hi = sel_count(), n = hi ;
  while (lo < hi)
  {
    size_t mid = lo + (hi - lo) / 2 ;
    if (m[mid].uid == uid) return mid ;
    if (m[mid].uid < uid) lo = mid + 1 ; else hi = mid ;
  }
  return n ;
}

/* first index with uid >= x */
static size_t lowerbound (uint32_t x)
{
  imsg const *m = sel_msgs() ;
  size_t lo = 0, hi = sel_count() ;
  while (lo < hi)
  {
    size_t mid = lo + (hi - lo) / 2 ;
    if (m[mid].uid < x) lo = mid + 1 ; else hi = mid ;
  }
  return lo ;
}

static int cmpsz (void const *a, void const *b)
{
  size_t x = *(size_t const *)a, y = *(size_t const *)b ;
  return x < y ? -1 : x > y ;
}

int sel_set (inode const *n, int uid, genalloc *idx)
{
  genalloc r = GENALLOC_ZERO ;
  size_t count = sel_count(), len ;
  uint32_t star = uid ? (count ? sel_msgs()[count-1].uid : 0) : (uint32_t)count ;
  iseq const *rs ;
  if (searchres_is(n)) return searchres_idx(idx) ;
  genalloc_setlen(size_t, idx, 0) ;
  if (n->type != N_ATOM || !imap_seqparse(n->s, n->len, &r)) { genalloc_free(iseq, &r) ; return 0 ; }
  rs = genalloc_s(iseq, &r) ;
  for (size_t i = 0 ; i < genalloc_len(iseq, &r) ; i++)
  {
    uint32_t lo = rs[i].lo ? rs[i].lo : star, hi = rs[i].hi ? rs[i].hi : star ;
    size_t a, b ;
    if (lo > hi) { uint32_t t = lo ; lo = hi ; hi = t ; }
    if (!lo && !uid) { genalloc_free(iseq, &r) ; return 0 ; }   /* "*" in an empty mailbox: BAD (RFC 3501 9) */
    if (!lo) continue ;   /* UID "*" of an empty mailbox names nothing */
    if (uid) { a = lowerbound(lo) ; b = hi == 0xffffffffu ? count : lowerbound(hi + 1) ; }
    else if (hi > count) { genalloc_free(iseq, &r) ; return 0 ; }   /* past EXISTS: BAD (RFC 3501 9 seq-number, as Dovecot) */
    else { a = lo - 1 ; b = hi ; }
    for (; a < b ; a++) if (!genalloc_catb(size_t, idx, &a, 1)) strerr_diefusys(111, "make a message set") ;
  }
  genalloc_free(iseq, &r) ;
  len = genalloc_len(size_t, idx) ;
  if (len > 1)
  {
    size_t *s = genalloc_s(size_t, idx), o = 1, k = 1 ;
    while (k < len && s[k] > s[k-1]) k++ ;
    if (k == len) return 1 ;   /* "1:*" and the like: sorted already */
    qsort(s, len, sizeof *s, &cmpsz) ;
    for (size_t i = 1 ; i < len ; i++) if (s[i] != s[o-1]) s[o++] = s[i] ;
    genalloc_setlen(size_t, idx, o) ;
  }
  return 1 ;
}

void out_flags (imsg const *m)
{
  int sp = 0 ;
  out_puts("FLAGS (") ;
  if (m->recent) { out_puts("\\Recent") ; sp++ ; }
  for (unsigned int b = 0 ; b < 10 ; b++)
    if (m->flags & (1u << b)) { if (sp++) out_puts(" ") ; out_puts(tern_store_flagname(b)) ; }
  for (unsigned int b = 0 ; b < 64 ; b++)
    if (m->kw & ((uint64_t)1 << b))
    {
      char const *k = tern_mbox_keywordname(&S.mbox, b) ;
      if (!k && !tern_mbox_keywords(&S.mbox)) k = tern_mbox_keywordname(&S.mbox, b) ;
      if (k) { if (sp++) out_puts(" ") ; out_puts(k) ; }
    }
  out_puts(")") ;
}

static void out_flagsline (void)
{
  out_puts("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Forwarded $Junk $NotJunk $Phishing $MDNSent") ;
  for (unsigned int b = 0 ; b < S.mbox.nkw ; b++) { out_puts(" ") ; out_puts(tern_mbox_keywordname(&S.mbox, b)) ; }
  out_puts(")\r\n") ;
  kwsent = S.mbox.nkw ;
  /* EXAMINE: no flag can be changed (RFC 3501 6.3.2's example, 7.1) */
  if (S.readonly) { out_puts("* OK [PERMANENTFLAGS ()] read-only mailbox\r\n") ; return ; }
  out_puts("* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Forwarded $Junk $NotJunk $Phishing $MDNSent") ;
  for (unsigned int b = 0 ; b < S.mbox.nkw ; b++) { out_puts(" ") ; out_puts(tern_mbox_keywordname(&S.mbox, b)) ; }
  out_puts(" \\*)] flags\r\n") ;
}

/* before a response that shows the keywords kw: an untagged FLAGS (and
   PERMANENTFLAGS) first if one of them is new to the client (RFC 3501
   7.2.6); the keywords file is read again only then */
void sel_kwtell (uint64_t kw)
{
  if (kwsent >= 64 || !(kw >> kwsent)) return ;
  if (S.mbox.nkw < 64 && kw >> S.mbox.nkw) tern_mbox_keywords(&S.mbox) ;
  if (S.mbox.nkw > kwsent) out_flagsline() ;
}

int sel_kwbit (char const *s, size_t len, uint64_t *bit, int create)
{
  unsigned int b ;
  uint32_t f = tern_store_flagscan(s, len) ;
  if (f) { *bit = f ; return 1 ; }
  if (!tern_keyword_valid(s, len)) return 0 ;
  if (!create) return 0 ;
  if (tern_mbox_keyword(&S.mbox, s, len, &b)) return 0 ;
  *bit = (uint64_t)1 << b ;
  return 2 ;
}

/* message i changed in a way the client has not been told: FETCH FLAGS
   at the next report */
void sel_dirty (size_t i)
{
  imsg *m = sel_msgs() + i ;
  if (!m->dirty) { m->dirty = 1 ; ndirty++ ; }
}

static void fromrec (imsg *m, tern_rec const *r)
{
  m->uid = r->uid ; m->flags = r->flags & ~TERN_F_TRAINMASK ; m->kw = r->keywords ;
  m->modseq = r->modseq ; m->size = r->size ; m->date = r->internaldate ; m->dirty = 0 ; m->coff = 0 ; m->recent = 0 ;
}

/* (re)reads every record and merges it into the list: O(n), at SELECT and
   after a compaction */
static int loadall (void)
{
  genalloc recs = GENALLOC_ZERO, out = GENALLOC_ZERO ;
  imsg *old = sel_msgs() ;
  size_t nold = sel_count(), j = 0 ;
  int r = tern_mbox_header(&S.mbox) ;
  if (!r) { sel_chgsnap() ; r = tern_mbox_records(&S.mbox, 0, &recs) ; }
  if (r) { genalloc_free(tern_rec, &recs) ; return r ; }
  for (size_t i = 0 ; i < genalloc_len(tern_rec, &recs) ; i++)
  {
    tern_rec const *x = genalloc_s(tern_rec, &recs) + i ;
    imsg m ;
    if (x->flags & TERN_F_EXPUNGED) continue ;
    while (j < nold && old[j].uid < x->uid)
    {
      old[j].flags |= TERN_F_EXPUNGED ;
      npending++ ;
      if (!genalloc_catb(imsg, &out, old + j++, 1)) return TERN_TEMP ;
    }
    fromrec(&m, x) ;
    if (j < nold && old[j].uid == x->uid)
    {
      m.recent = old[j].recent ;
      if (old[j].flags != m.flags || old[j].kw != m.kw) { m.dirty = 1 ; ndirty++ ; }
      j++ ;
    }
    if (!genalloc_catb(imsg, &out, &m, 1)) return TERN_TEMP ;
  }
  for (; j < nold ; j++) { old[j].flags |= TERN_F_EXPUNGED ; npending++ ; if (!genalloc_catb(imsg, &out, old + j, 1)) return TERN_TEMP ; }
  genalloc_free(tern_rec, &recs) ;
  genalloc_free(imsg, &S.msgs) ;
  S.msgs = out ;
  npending = ndirty = 0 ;
  for (size_t i = 0 ; i < sel_count() ; i++)
  {
    if (sel_msgs()[i].flags & TERN_F_EXPUNGED) npending++ ;
    if (sel_msgs()[i].dirty) ndirty++ ;
  }
  S.seen = S.mbox.count ;
  recent_recount() ;
  cache_reset() ;
  S.generation = S.mbox.hdr.generation ;
  S.highestmodseq = S.mbox.hdr.highestmodseq ;
  return TERN_OK ;
}

/* reads what others did since the last look */
static int readchanges (void)
{
  genalloc recs = GENALLOC_ZERO, chg = GENALLOC_ZERO ;
  int resync = 0, r ;
  lazy_load() ;   /* from the descriptor SELECT read, before any reopening */
  /* reads the header too (one read a command, not two); a change logged
     for a record past the count it saw is skipped: the record has it */
  r = tern_mbox_changes(&S.mbox, S.generation, &S.chgoff, &chg, &resync) ;
  if (r) goto end ;
  if (resync) goto full ;
  if (S.mbox.count > S.seen)
  {
    uint32_t last = sel_count() ? sel_msgs()[sel_count()-1].uid : 0 ;
    size_t want = S.mbox.count ;
    r = tern_mbox_records(&S.mbox, S.seen, &recs) ;
    if (r) goto end ;
    for (size_t i = 0 ; i < genalloc_len(tern_rec, &recs) && S.seen + i < want ; i++)
    {
      tern_rec const *x = genalloc_s(tern_rec, &recs) + i ;
      imsg m ;
      if ((x->flags & TERN_F_EXPUNGED) || x->uid <= last) continue ;
      fromrec(&m, x) ;
      if (!genalloc_catb(imsg, &S.msgs, &m, 1)) { r = TERN_TEMP ; goto end ; }
      last = x->uid ;
    }
    S.seen = want ;
  }
  for (size_t i = 0 ; i < genalloc_len(tern_change, &chg) ; i++)
  {
    tern_change const *c = genalloc_s(tern_change, &chg) + i ;
    size_t k = sel_finduid(c->uid) ;
    imsg *m = sel_msgs() + k ;
    if (k == sel_count() || c->modseq <= m->modseq || (m->flags & TERN_F_EXPUNGED)) continue ;
    m->modseq = c->modseq ;
    if (c->flags & TERN_F_EXPUNGED) { m->flags |= TERN_F_EXPUNGED ; npending++ ; continue ; }
    if (m->flags != (c->flags & TERN_F_USER) || m->kw != c->keywords)
    {
      m->flags = c->flags & TERN_F_USER ;
      m->kw = c->keywords ;
      if (!m->dirty) { m->dirty = 1 ; ndirty++ ; }
    }
  }
  if (S.mbox.hdr.highestmodseq > S.highestmodseq) S.highestmodseq = S.mbox.hdr.highestmodseq ;
  goto end ;
 full:
  tern_mbox_close(&S.mbox) ;
  S.mbox = (tern_mbox)TERN_MBOX_ZERO ;
  r = tern_mbox_openent(&S.mbox, S.acct.s, &S.ent) ;
  if (!r) r = loadall() ;
 end:
  genalloc_free(tern_rec, &recs) ;
  genalloc_free(tern_change, &chg) ;
  return r ;
}

void sel_sync (void)
{
  int r = readchanges() ;
  if (r == TERN_TEMP && errno == EUCLEAN) log_damage(0) ;  /* what is new is not shown */
  if (r == TERN_PERM && errno == ENOENT)
  {
    /* another session deleted it: nothing sensible can follow */
    out_untagged("BYE the selected mailbox was deleted") ;
    out_flush() ;
    tern_log_info("bye", "pid", S.pid, "account", S.account.s, "reason", "mailbox-deleted", TERN_LOG_END) ;
    _exit(0) ;
  }
  if (S.expok && npending)
  {
    size_t n = sel_count(), o = 0, gone = 0 ;
    imsg *m = sel_msgs() ;
    if (S.qresync) qresync_expunged() ;
    else for (size_t i = n ; i-- > 0 ;)
      if (m[i].flags & TERN_F_EXPUNGED) { out_puts("* ") ; out_u64(i + 1) ; out_puts(" EXPUNGE\r\n") ; }
    for (size_t i = 0 ; i < n ; i++)
    {
      if (!(m[i].flags & TERN_F_EXPUNGED)) { m[o++] = m[i] ; continue ; }
      recent_gone(m + i) ;
      if (i < S.reported) gone++ ;  /* the client knew it: one less */
    }
    genalloc_setlen(imsg, &S.msgs, o) ;
    npending = 0 ;
    S.reported -= gone ;
    ndirty = 0 ;
    for (size_t i = 0 ; i < o ; i++) if (m[i].dirty) ndirty++ ;
  }
  recent_take() ;
  if (sel_count() != S.reported)
  {
    out_puts("* ") ; out_u64(sel_count()) ; out_puts(" EXISTS\r\n") ;
    S.reported = sel_count() ;
  }
  recent_report(0) ;
  if (ndirty)
  {
    imsg *m = sel_msgs() ;
    uint64_t kw = 0 ;
    for (size_t i = 0 ; i < sel_count() ; i++) if (m[i].dirty) kw |= m[i].kw ;
    sel_kwtell(kw) ;
    for (size_t i = 0 ; i < sel_count() ; i++)
    {
      if (!m[i].dirty) continue ;
      m[i].dirty = 0 ;
      out_puts("* ") ; out_u64(i + 1) ; out_puts(" FETCH (UID ") ; out_u64(m[i].uid) ; out_puts(" ") ;
      out_flags(m + i) ;
      if (S.condstore) { out_puts(" MODSEQ (") ; out_u64(m[i].modseq) ; out_puts(")") ; }
      out_puts(")\r\n") ;
    }
    ndirty = 0 ;
  }
  (void)r ;
}

/* a message file of the selected mailbox, through a descriptor of cur/
   (one path component to resolve, not six): fd or -1 */
int sel_openmsg (uint32_t uid)
{
  char fmt[UINT32_FMT] ;
  if (S.curfd < 0)
  {
    stralloc p = STRALLOC_ZERO ;
    if (!tern_mbox_path(&p, &S.mbox, "cur", 0)) return -1 ;
    S.curfd = open(p.s, O_RDONLY | O_DIRECTORY | O_CLOEXEC) ;
    stralloc_free(&p) ;
    if (S.curfd < 0) return -1 ;
  }
  fmt[uint32_fmt(fmt, uid)] = 0 ;
  return openat(S.curfd, fmt, O_RDONLY | O_CLOEXEC) ;
}

void sel_close (void)
{
  cache_close() ;
  if (S.curfd >= 0) close(S.curfd) ;
  S.curfd = -1 ;
  tern_mbox_close(&S.mbox) ;
  S.mbox = (tern_mbox)TERN_MBOX_ZERO ;
  genalloc_free(imsg, &S.msgs) ;
  lazy_reset() ;
  npending = ndirty = 0 ;
  kwsent = 0 ;
  recent_reset() ;
  searchres_reset() ;
  S.reported = 0 ;
  S.state = S_AUTH ;
}

static void selectbox (iargs *a, int ro)
{
  stralloc name = STRALLOC_ZERO ;
  qsel q = QSEL_ZERO ;
  size_t exists = 0, nrecent = 0, unseen = 0 ;
  int r ;
  if (a->n < 1 || !mbox_name(&a->a[0], &name)) { if (a->n < 1) out_tagged("BAD", "SELECT mailbox") ; goto end ; }
  if (!qresync_params(a, &q)) goto end ;
  if (S.state == S_SELECTED) { sel_close() ; out_untagged("OK [CLOSED] previous mailbox closed") ; }
  r = tern_store_mbox_lookup(S.acct.s, name.s, &S.ent) ;
  if (!r) r = tern_mbox_openent(&S.mbox, S.acct.s, &S.ent) ;
  /* tmp/ cleaned now and then (what crashed deliveries left); EXAMINE
     writes nothing */
  if (!r && !ro) tern_mbox_tmpdue(&S.mbox) ;
  S.readonly = ro ;
  if (!r) { tern_mbox_keywords(&S.mbox) ; r = lazy_select(&exists, &nrecent, &unseen) ; }
  if (r)
  {
    int e = errno ;
    sel_close() ;
    errno = e ;
    if (r == TERN_PERM && errno == ENOENT) out_tagged("NO", "[NONEXISTENT] no such mailbox") ;
    else out_temp("[UNAVAILABLE] cannot open the mailbox now") ;
    goto end ;
  }
  S.state = S_SELECTED ;
  S.expok = 1 ;
  out_flagsline() ;
  out_puts("* ") ; out_u64(exists) ; out_puts(" EXISTS\r\n") ;
  recent_report(1) ;
  if (S.rev2) sel_rev2list() ;
  else if (unseen) { out_puts("* OK [UNSEEN ") ; out_u64(unseen) ; out_puts("] first unseen\r\n") ; }
  out_puts("* OK [UIDVALIDITY ") ; out_u64(S.mbox.hdr.uidvalidity) ; out_puts("] UIDs valid\r\n") ;
  out_puts("* OK [UIDNEXT ") ; out_u64(S.mbox.hdr.uidnext) ; out_puts("] next UID\r\n") ;
  out_puts("* OK [HIGHESTMODSEQ ") ; out_u64(S.highestmodseq ? S.highestmodseq : 1) ; out_puts("] modseq\r\n") ;
  qresync_select(&q) ;
  out_tagged("OK", ro ? "[READ-ONLY] EXAMINE completed" : "[READ-WRITE] SELECT completed") ;
 end:
  stralloc_free(&name) ;
  qresync_free(&q) ;
}

void cmd_select (iargs *a) { selectbox(a, 0) ; }
void cmd_examine (iargs *a) { selectbox(a, 1) ; }

