/* tern-imap-lazy: SELECT at a cost that stays flat as the mailbox grows
   (tern-imap(8) SELECT): EXISTS, RECENT and UNSEEN from the index header,
   binary searches and the records above its boundaries; the message list
   is read at the first command that needs it, and checked then. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <skalibs/strerr.h>
#include "tern.h"
#include "tern_log.h"
#include "tern-imap.h"

static int lazy = 0 ;          /* the list is still to be read */
static size_t snapcount ;      /* index records at SELECT */
static size_t snapexists ;     /* EXISTS said at SELECT */
static uint64_t snapmodseq ;   /* HIGHESTMODSEQ at SELECT */
static uint32_t snapgen ;
static uint32_t snapunseen ;   /* the unseen boundary SELECT trusted */
static uint32_t recentb ;      /* above it (to lastuid): \Recent to this session */
static uint32_t lastuid ;

/* the changes-log end now, so records read next are at least this new */
void sel_chgsnap (void)
{
  struct stat st ;
  S.chgoff = TERN_STORE_CHGHDR ;
  if (!tern_mbox_chgopen(&S.mbox) && fstat(S.mbox.cfd, &st) == 0 && (uint64_t)st.st_size > TERN_STORE_CHGHDR)
    S.chgoff += ((uint64_t)st.st_size - TERN_STORE_CHGHDR) / TERN_STORE_CHGSIZE * TERN_STORE_CHGSIZE ;
}

struct count { size_t live, tomb ; } ;

static int counter (tern_rec const *r, size_t pos, void *data)
{
  struct count *c = data ;
  (void)pos ;
  if (r->flags & TERN_F_EXPUNGED) c->tomb++ ; else c->live++ ;
  return 0 ;
}

struct first { size_t pos ; uint32_t uid ; } ;

static int firstunseen (tern_rec const *r, size_t pos, void *data)
{
  struct first *f = data ;
  if (r->flags & (TERN_F_SEEN | TERN_F_EXPUNGED)) return 0 ;
  f->pos = pos ; f->uid = r->uid ;
  return 1 ;
}

/* the live records above the recent boundary b */
static int recentcount (uint32_t b, size_t *n)
{
  struct count c = { 0, 0 } ;
  size_t p ;
  int r = b == 0xffffffffu ? (p = S.mbox.count, TERN_OK) : tern_mbox_lower(&S.mbox, b + 1, &p) ;
  if (!r) r = tern_mbox_scan(&S.mbox, p, S.mbox.count, &counter, &c) ;
  *n = c.live ;
  return r ;
}

/* *seq: the first unseen message's sequence number, or 0; *w: the new
   unseen boundary.  Scans from the boundary to that message, then counts
   the tombstones on the shorter side of it (none when there are none). */
static int unseen (size_t *seq, uint32_t *w)
{
  tern_mbox *m = &S.mbox ;
  struct first f = { m->count, 0 } ;
  struct count c = { 0, 0 } ;
  uint32_t b = m->hdr.unseen > m->hdr.uidnext ? 0 : m->hdr.unseen ;
  size_t p ;
  int r = tern_mbox_lower(m, b, &p) ;
  if (!r) r = tern_mbox_scan(m, p, m->count, &firstunseen, &f) ;
  if (r) return r ;
  snapunseen = b ;
  *seq = 0 ;
  *w = f.pos < m->count ? f.uid : m->hdr.uidnext ;
  if (f.pos == m->count) return TERN_OK ;
  if (!m->hdr.tombstones) { *seq = f.pos + 1 ; return TERN_OK ; }
  if (f.pos <= m->count - f.pos)
  {
    r = tern_mbox_scan(m, 0, f.pos, &counter, &c) ;
    *seq = c.live + 1 ;
  }
  else
  {
    r = tern_mbox_scan(m, f.pos, m->count, &counter, &c) ;
    *seq = f.pos >= m->hdr.tombstones - c.tomb ? f.pos - (m->hdr.tombstones - c.tomb) + 1 : 1 ;
  }
  return r ;
}

/* under the lock: the figures, the boundaries taken over (read-write);
   a tombstone count above the records is recomputed */
static int summary (size_t *exists, size_t *nrecent, size_t *seq)
{
  tern_mbox *m = &S.mbox ;
  tern_rec last = { .uid = 0 } ;
  uint32_t w ;
  int r = TERN_OK, dirty = 0 ;
  if (m->hdr.tombstones > m->count)
  {
    struct count c = { 0, 0 } ;
    tern_log_warn("damage", "account", S.account.s, "path", m->dir.s, "error", "tombstone count above the records", "tag", S.tag, "reply", "recomputed", TERN_LOG_END) ;
    r = tern_mbox_scan(m, 0, m->count, &counter, &c) ;
    m->hdr.tombstones = (uint32_t)c.tomb ;
    dirty = 1 ;
  }
  if (!r && m->count) r = tern_mbox_getrec(m, m->count - 1, &last) ;
  lastuid = last.uid ;
  recentb = m->hdr.recent ;
  if (!r) r = recentcount(recentb, nrecent) ;
  if (!r) r = unseen(seq, &w) ;
  if (r) return r ;
  if (!S.readonly && !S.rev2 && m->hdr.recent < lastuid) { m->hdr.recent = lastuid ; dirty = 1 ; }
  if (!S.readonly && m->hdr.unseen != w) { m->hdr.unseen = w ; dirty = 1 ; }
  if (dirty && m->locked == LOCK_EX && tern_mbox_puthdr(m)) { recentb = lastuid ; *nrecent = 0 ; }  /* in doubt none is recent */
  if (S.rev2) { recentb = lastuid ; *nrecent = 0 ; }  /* no \Recent in IMAP4rev2 (RFC 9051) */
  *exists = m->count - m->hdr.tombstones ;
  snapcount = m->count ;
  snapexists = *exists ;
  snapmodseq = m->hdr.highestmodseq ;
  snapgen = m->hdr.generation ;
  S.seen = m->count ;
  S.generation = m->hdr.generation ;
  S.highestmodseq = m->hdr.highestmodseq ;
  sel_chgsnap() ;
  return TERN_OK ;
}

int lazy_select (size_t *exists, size_t *nrecent, size_t *seq)
{
  int r = tern_mbox_lock(&S.mbox, S.readonly ? LOCK_SH : LOCK_EX) ;
  if (r) return r ;
  r = summary(exists, nrecent, seq) ;
  tern_mbox_unlock(&S.mbox) ;
  if (r) return r ;
  lazy = 1 ;
  recent_select(*nrecent, lastuid) ;
  S.reported = *exists ;
  return TERN_OK ;
}

void lazy_reset (void) { lazy = 0 ; }

/* a figure SELECT trusted was wrong: the header is fixed under the lock */
static void fixhdr (void)
{
  struct count c = { 0, 0 } ;
  int held = S.mbox.locked ;   /* a caller's lock is kept as it is */
  tern_log_warn("damage", "account", S.account.s, "path", S.mbox.dir.s, "error", "index header counters differ from the records", "tag", S.tag, "reply", "recomputed", TERN_LOG_END) ;
  if (held ? held != LOCK_EX : tern_mbox_lock(&S.mbox, LOCK_EX)) return ;
  if (!tern_mbox_scan(&S.mbox, 0, S.mbox.count, &counter, &c))
  {
    S.mbox.hdr.tombstones = (uint32_t)c.tomb ;
    S.mbox.hdr.unseen = 0 ;
    tern_mbox_puthdr(&S.mbox) ;
  }
  if (!held) tern_mbox_unlock(&S.mbox) ;
}

/* one record of the list as it was at SELECT: 0 skip, 1 add */
static int asof (imsg *m, tern_rec const *x, int *bad)
{
  if (x->uid > lastuid) return 0 ;
  if ((x->flags & TERN_F_EXPUNGED) && x->modseq <= snapmodseq) return 0 ;
  m->uid = x->uid ; m->flags = x->flags & ~TERN_F_TRAINMASK ; m->kw = x->keywords ;
  m->modseq = x->modseq ; m->size = x->size ; m->date = x->internaldate ; m->coff = 0 ;
  m->dirty = x->modseq > snapmodseq && !(x->flags & TERN_F_EXPUNGED) ;
  m->recent = x->uid > recentb && !(x->flags & TERN_F_EXPUNGED) ;
  if (x->uid < snapunseen && x->modseq <= snapmodseq && !(x->flags & (TERN_F_SEEN | TERN_F_EXPUNGED))) *bad = 1 ;
  return 1 ;
}

struct load { uint32_t prev ; size_t pending, dirty ; int bad, r ; } ;

/* record pos breaks the UID order: damage, as tern_mbox_records says it */
static int badorder (struct load *l, size_t pos, uint32_t uid)
{
  char what[100] ;
  if (!uid) snprintf(what, sizeof what, "record %zu: UID 0", pos + 1) ;
  else if (uid == l->prev) snprintf(what, sizeof what, "record %zu: duplicate UID %u", pos + 1, (unsigned)uid) ;
  else snprintf(what, sizeof what, "record %zu: records out of order, UID %u after %u", pos + 1, (unsigned)uid, (unsigned)l->prev) ;
  l->r = tern_store_damage(S.mbox.dir.s, "index", 0, what) ;
  return 1 ;
}

static int loadrec (tern_rec const *x, size_t pos, void *data)
{
  struct load *l = data ;
  imsg m ;
  if (x->uid <= l->prev) return badorder(l, pos, x->uid) ;
  l->prev = x->uid ;
  if (!asof(&m, x, &l->bad)) return 0 ;
  if (m.flags & TERN_F_EXPUNGED) l->pending++ ;
  if (m.dirty) l->dirty++ ;
  if (!genalloc_catb(imsg, &S.msgs, &m, 1)) { l->r = TERN_TEMP ; return 1 ; }
  return 0 ;
}

/* reads the list as it was at SELECT (its records, checked); what changed
   since is reported at the next sync (dirty, expunged).  Damage: BYE. */
void lazy_load (void)
{
  struct load l = { 0, 0, 0, 0, TERN_OK } ;
  int r ;
  if (!lazy) return ;
  lazy = 0 ;
  if (!genalloc_ready(imsg, &S.msgs, snapexists)) strerr_diefusys(111, "read the mailbox") ;
  tern_hugepages(genalloc_s(imsg, &S.msgs), snapexists * sizeof(imsg)) ;
  tern_prefault(genalloc_s(imsg, &S.msgs), snapexists * sizeof(imsg)) ;
  r = tern_mbox_scan(&S.mbox, 0, snapcount, &loadrec, &l) ;
  if (!r) r = l.r ;
  if (r)
  {
    if (errno == EUCLEAN) log_damage("BYE") ;
    else tern_log_warn("temp", "account", S.account.s, "tag", S.tag, "reply", "BYE", "error", strerror(errno), TERN_LOG_END) ;
    out_untagged("BYE cannot read the mailbox now") ;
    out_flush() ;
    _exit(111) ;
  }
  sel_counts(l.pending, l.dirty) ;
  recent_recount() ;
  if (S.mbox.hdr.generation == snapgen && (l.bad || genalloc_len(imsg, &S.msgs) != snapexists)) fixhdr() ;
}

int lazy_pending (void) { return lazy ; }
