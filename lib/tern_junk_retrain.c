/* tern_junk_retrain.c: rebuild an account's junk filter from its
   messages' $Junk/$NotJunk flags (tern-retrain(8)).  Phase 1 trains a
   REBUILD database without any lock; phase 2, under the junk lock and
   each mailbox's EX lock in turn, fixes what changed since, then commits. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <skalibs/djbunix.h>
#include <skalibs/types.h>
#include "tern.h"
#include "tern_log.h"
#include "tern_junk.h"

/* What phase 1 did with a message. */
typedef struct seen_s seen ;
struct seen_s
{
  uint32_t uid ;
  unsigned int want ;   /* what its flags asked for then */
  unsigned int state ;  /* what it was trained as (NONE when unreadable) */
} ;

typedef struct mbseen_s mbseen ;
struct mbseen_s
{
  uint32_t id ;
  uint32_t uidvalidity ;
  int found ;           /* phase 2 found it again */
  genalloc seen ;       /* seen, by increasing UID */
} ;

typedef struct rt_s rt ;
struct rt_s
{
  char const *acct ;
  tern_junkopt const *o ;
  tern_junkdb d ;
  tern_junkwords w ;
  stralloc buf ;
  genalloc mbs ;        /* mbseen */
  genalloc recs ;       /* tern_rec, scratch */
  tern_junk_progress_func *f ;
  void *data ;
  uint64_t done, total ;
  tern_junkretrain st ;
} ;

/* The words of message uid of m into r->w: 1, 0 unreadable (logged if
   log), -1 error. */
static int words (rt *r, tern_mbox *m, uint32_t uid, int log)
{
  int fd = tern_mbox_openmsg(m, uid) ;
  size_t max = r->o->maxbytes ? r->o->maxbytes : SIZE_MAX ;  /* 0: all */
  if (fd < 0) goto bad ;
  r->buf.len = 0 ;
  while (r->buf.len < max)
  {
    size_t want = max - r->buf.len < 65536 ? max - r->buf.len : 65536 ;
    ssize_t n ;
    if (!stralloc_readyplus(&r->buf, want)) { fd_close(fd) ; return -1 ; }
    n = read(fd, r->buf.s + r->buf.len, want) ;
    if (n < 0) { if (errno == EINTR) continue ; fd_close(fd) ; goto bad ; }
    if (!n) break ;
    r->buf.len += (size_t)n ;
  }
  fd_close(fd) ;
  tern_junkwords_key(&r->w, r->d.key) ;
  return tern_junkwords_message(&r->w, r->buf.s, r->buf.len, r->o) ? 1 : -1 ;
 bad:
  if (log)
  {
    char u[UINT32_FMT] ;
    u[uint32_fmt(u, uid)] = 0 ;
    tern_log_warn("retrain-unreadable", "mailbox", m->dir.s, "uid", u, "error", strerror(errno), TERN_LOG_END) ;
  }
  return 0 ;
}

static void progress (rt *r)
{
  r->done++ ;
  if (r->f && r->done % 256 == 0) (*r->f)(r->data, r->done, r->total) ;
}

/* Phase 1 for one mailbox: train what its flags ask, remember it. */
static int phase1mb (rt *r, tern_mboxent const *e)
{
  tern_mbox m = TERN_MBOX_ZERO ;
  mbseen mb = { .id = e->id, .uidvalidity = e->uidvalidity, .found = 0, .seen = GENALLOC_ZERO } ;
  int ret = tern_mbox_openent(&m, r->acct, e) ;
  if (ret == TERN_PERM && errno == ENOENT) { tern_mbox_close(&m) ; return TERN_OK ; }  /* deleted meanwhile */
  r->recs.len = 0 ;
  if (!ret) ret = tern_mbox_records(&m, 0, &r->recs) ;
  for (size_t i = 0 ; !ret && i < genalloc_len(tern_rec, &r->recs) ; i++)
  {
    tern_rec const *rec = genalloc_s(tern_rec, &r->recs) + i ;
    seen s = { .uid = rec->uid, .want = tern_junk_wanted(rec->flags), .state = TERN_TRAIN_NONE } ;
    if (rec->flags & TERN_F_EXPUNGED) continue ;
    progress(r) ;
    if (s.want != TERN_TRAIN_NONE)
    {
      int k = words(r, &m, rec->uid, 1) ;
      if (k < 0) ret = TERN_TEMP ;
      else if (k) ret = tern_junkdb_train(&r->d, &r->w, s.want == TERN_TRAIN_SPAM, 1) ;
      if (k > 0) s.state = s.want ;
    }
    if (!genalloc_append(seen, &mb.seen, &s)) ret = TERN_TEMP ;
  }
  tern_mbox_close(&m) ;
  if (!ret && !genalloc_append(mbseen, &r->mbs, &mb)) ret = TERN_TEMP ;
  if (ret) genalloc_free(seen, &mb.seen) ;
  return ret ;
}

/* Counts the records of every mailbox, for progress. */
static void count (rt *r, tern_mboxlist const *l)
{
  r->total = 0 ;
  if (!r->f) return ;
  for (size_t i = 0 ; i < tern_mboxlist_len(l) ; i++)
  {
    tern_mbox m = TERN_MBOX_ZERO ;
    if (!tern_mbox_openent(&m, r->acct, tern_mboxlist_ent(l, i))) r->total += m.count ;
    tern_mbox_close(&m) ;
  }
}

/* The mailbox list, empty when the account has none yet. */
static int mboxlist (rt *r, tern_mboxlist *l)
{
  int ret = tern_mboxlist_read(l, r->acct) ;
  if (ret && errno == ENOENT) ret = TERN_OK ;
  return ret ;
}

static int phase1 (rt *r)
{
  tern_mboxlist l = TERN_MBOXLIST_ZERO ;
  int ret = mboxlist(r, &l) ;
  if (!ret) count(r, &l) ;
  for (size_t i = 0 ; !ret && i < tern_mboxlist_len(&l) ; i++) ret = phase1mb(r, tern_mboxlist_ent(&l, i)) ;
  tern_mboxlist_free(&l) ;
  /* the last call says phase 1 is done (the total counted expunged records) */
  if (!ret && r->f) (*r->f)(r->data, r->done, r->done) ;
  return ret ;
}

/* ---- phase 2: under the junk lock ---- */

#define RESTART 2   /* a message to untrain has no file left */

/* Brings a message from what phase 1 did with it (oldwant, oldstate) to
   what its flags ask now (want; NONE when gone); *final its state. */
static int fix (rt *r, tern_mbox *m, uint32_t uid, seen const *old, unsigned int want, unsigned int *final)
{
  int k ;
  *final = old->state ;
  if (want == old->want) return TERN_OK ;
  k = m ? words(r, m, uid, want != TERN_TRAIN_NONE) : 0 ;
  if (k < 0) return TERN_TEMP ;
  if (!k)
  {
    if (old->state != TERN_TRAIN_NONE) return RESTART ;
    *final = TERN_TRAIN_NONE ;
    return TERN_OK ;
  }
  if (old->state != TERN_TRAIN_NONE && tern_junkdb_train(&r->d, &r->w, old->state == TERN_TRAIN_SPAM, -1)) return TERN_TEMP ;
  if (want != TERN_TRAIN_NONE && tern_junkdb_train(&r->d, &r->w, want == TERN_TRAIN_SPAM, 1)) return TERN_TEMP ;
  *final = want ;
  return TERN_OK ;
}

/* A live message's final state: counted, and set at commit. */
static int live (rt *r, tern_mboxent const *e, uint32_t uid, unsigned int want, unsigned int final)
{
  r->st.messages++ ;
  if (final == TERN_TRAIN_HAM) r->st.ham++ ;
  else if (final == TERN_TRAIN_SPAM) r->st.spam++ ;
  else if (want != TERN_TRAIN_NONE) r->st.unparsable++ ;
  return tern_junkdb_setstate(&r->d, e->id, e->uidvalidity, uid, final) ;
}

/* Walks the records (locked EX) beside what phase 1 saw, both by UID. */
static int walk (rt *r, tern_mbox *m, tern_mboxent const *e, mbseen const *mb)
{
  static seen const none = { .uid = 0, .want = TERN_TRAIN_NONE, .state = TERN_TRAIN_NONE } ;
  size_t nrec = genalloc_len(tern_rec, &r->recs), nseen = mb ? genalloc_len(seen, &mb->seen) : 0 ;
  size_t i = 0, j = 0 ;
  int ret = TERN_OK ;
  while (!ret && (i < nrec || j < nseen))
  {
    tern_rec const *rec = i < nrec ? genalloc_s(tern_rec, &r->recs) + i : 0 ;
    seen const *s = j < nseen ? genalloc_s(seen, &mb->seen) + j : 0 ;
    unsigned int final ;
    if (rec && (!s || rec->uid <= s->uid))
    {
      int gone = !!(rec->flags & TERN_F_EXPUNGED) ;
      unsigned int want = gone ? TERN_TRAIN_NONE : tern_junk_wanted(rec->flags) ;
      seen const *old = s && s->uid == rec->uid ? s : &none ;
      ret = fix(r, m, rec->uid, old, want, &final) ;
      if (!ret && !gone) ret = live(r, e, rec->uid, want, final) ;
      if (old == s) j++ ;
      i++ ;
    }
    else { ret = fix(r, m, s->uid, s, TERN_TRAIN_NONE, &final) ; j++ ; }
  }
  return ret ;
}

static int phase2mb (rt *r, tern_mboxent const *e)
{
  tern_mbox m = TERN_MBOX_ZERO ;
  mbseen *mb = 0 ;
  int ret ;
  for (size_t i = 0 ; i < genalloc_len(mbseen, &r->mbs) ; i++)
  {
    mbseen *x = genalloc_s(mbseen, &r->mbs) + i ;
    if (x->id == e->id && x->uidvalidity == e->uidvalidity) { mb = x ; x->found = 1 ; break ; }
  }
  ret = tern_mbox_openent(&m, r->acct, e) ;
  if (ret == TERN_PERM && errno == ENOENT) { tern_mbox_close(&m) ; if (mb) mb->found = 0 ; return TERN_OK ; }
  if (!ret) ret = tern_mbox_lock(&m, LOCK_EX) ;
  r->recs.len = 0 ;
  if (!ret) ret = tern_mbox_records(&m, 0, &r->recs) ;
  if (!ret) ret = walk(r, &m, e, mb) ;
  tern_mbox_close(&m) ;
  return ret ;
}

static int phase2 (rt *r)
{
  tern_mboxlist l = TERN_MBOXLIST_ZERO ;
  int ret = mboxlist(r, &l) ;
  for (size_t i = 0 ; !ret && i < tern_mboxlist_len(&l) ; i++) ret = phase2mb(r, tern_mboxlist_ent(&l, i)) ;
  tern_mboxlist_free(&l) ;
  /* a mailbox gone since phase 1: its trained messages cannot be untrained */
  for (size_t i = 0 ; !ret && i < genalloc_len(mbseen, &r->mbs) ; i++)
  {
    mbseen const *mb = genalloc_s(mbseen, &r->mbs) + i ;
    if (mb->found) continue ;
    for (size_t j = 0 ; j < genalloc_len(seen, &mb->seen) ; j++)
      if (genalloc_s(seen, &mb->seen)[j].state != TERN_TRAIN_NONE) { ret = RESTART ; break ; }
  }
  return ret ;
}

static void rtfree (rt *r)
{
  for (size_t i = 0 ; i < genalloc_len(mbseen, &r->mbs) ; i++) genalloc_free(seen, &genalloc_s(mbseen, &r->mbs)[i].seen) ;
  genalloc_free(mbseen, &r->mbs) ;
  genalloc_free(tern_rec, &r->recs) ;
  tern_junkwords_free(&r->w) ;
  stralloc_free(&r->buf) ;
  tern_junkdb_close(&r->d) ;
}

int tern_junk_retrain (char const *acct, tern_junkopt const *o, tern_junk_progress_func *f, void *data, tern_junkretrain *st)
{
  /* the second attempt holds the junk lock from the start: nothing changes */
  for (int attempt = 0 ; attempt < 2 ; attempt++)
  {
    rt r = { .acct = acct, .o = o, .d = TERN_JUNKDB_ZERO, .w = TERN_JUNKWORDS_ZERO, .buf = STRALLOC_ZERO,
      .mbs = GENALLOC_ZERO, .recs = GENALLOC_ZERO, .f = f, .data = data, .done = 0, .total = 0,
      .st = { .messages = 0, .ham = 0, .spam = 0, .unparsable = 0 } } ;
    int ret = tern_junkdb_open(&r.d, acct, TERN_JUNKDB_REBUILD) ;
    if (!ret && attempt) ret = tern_junkdb_lock(&r.d) ;
    if (!ret) ret = phase1(&r) ;
    if (!ret && !attempt) ret = tern_junkdb_lock(&r.d) ;
    if (!ret) ret = phase2(&r) ;
    if (!ret) ret = tern_junkdb_commit(&r.d) ;
    if (!ret) *st = r.st ;
    {
      int e = errno ;
      rtfree(&r) ;
      errno = e ;
    }
    if (ret != RESTART) return ret ;
  }
  return (errno = EAGAIN, TERN_TEMP) ;
}
