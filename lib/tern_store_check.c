/* tern_store_check: read-only consistency check of an account for verify:
   every problem goes to the callback as (path, what); *nproblems counts.
   Safe on a live account: a mailbox (or the account's directories) is read
   without a lock, and read again under a shared lock before any report. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/file.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <skalibs/types.h>
#include <skalibs/djbunix.h>
#include "tern.h"
#include "tern_store.h"

typedef struct ctx_s ctx ;
struct ctx_s
{
  tern_store_problem_func *f ;
  void *data ;
  unsigned int n ;
  int quiet ;      /* count problems, tell nobody */
  tern_mbox *m ;
  uint64_t live ;  /* bytes of the records not expunged */
  genalloc recs ;
  stralloc p ;
} ;

static void say (ctx *c, char const *sub, uint32_t uid, char const *name, char const *what)
{
  char fmt[UINT32_FMT] ;
  if (c->quiet) { c->n++ ; return ; }
  c->p.len = 0 ;
  if (stralloc_catb(&c->p, c->m->dir.s, c->m->dir.len)
   && (!sub || (stralloc_catb(&c->p, "/", 1) && stralloc_cats(&c->p, sub)))
   && (!uid || (stralloc_catb(&c->p, "/", 1) && stralloc_catb(&c->p, fmt, uint32_fmt(fmt, uid))))
   && (!name || (stralloc_catb(&c->p, "/", 1) && stralloc_cats(&c->p, name)))
   && stralloc_0(&c->p))
    (*c->f)(c->data, c->p.s, what) ;
  else (*c->f)(c->data, c->m->dir.s, what) ;
  c->n++ ;
}

static int cmp (void const *a, void const *b)
{
  uint32_t x = *(uint32_t const *)a, y = ((tern_rec const *)b)->uid ;
  return x < y ? -1 : x > y ;
}

static int rcmp (void const *a, void const *b)
{
  uint32_t x = ((tern_rec const *)a)->uid, y = ((tern_rec const *)b)->uid ;
  return x < y ? -1 : x > y ;
}

static int curfile (void *data, char const *name, uint32_t uid)
{
  ctx *c = data ;
  if (!uid) say(c, "cur", 0, name, "unknown file") ;
  else if (!genalloc_len(tern_rec, &c->recs) || !bsearch(&uid, genalloc_s(tern_rec, &c->recs), genalloc_len(tern_rec, &c->recs), sizeof(tern_rec), &cmp))
    say(c, "cur", uid, 0, "message file without a record") ;
  return TERN_OK ;
}

static int tmpfile (void *data, char const *name, uint32_t uid)
{
  (void)uid ;
  say(data, "tmp", 0, name, "stale file older than 36 hours") ;
  return TERN_OK ;
}

static void records (ctx *c)
{
  tern_rec const *r = genalloc_s(tern_rec, &c->recs) ;
  size_t n = genalloc_len(tern_rec, &c->recs) ;
  uint32_t tomb = 0, prev = 0 ;
  uint64_t live = 0 ;
  int sorted = 1 ;
  for (size_t i = 0 ; i < n ; i++)
  {
    struct stat st ;
    int have ;
    if (r[i].uid <= prev) sorted = 0 ;
    prev = r[i].uid ;
    if (r[i].uid >= c->m->hdr.uidnext) say(c, "cur", r[i].uid, 0, "UID not below UIDNEXT") ;
    if (r[i].modseq > c->m->hdr.highestmodseq) say(c, "index", 0, 0, "record MODSEQ above HIGHESTMODSEQ") ;
    if (r[i].flags & ~(uint32_t)(TERN_F_USER | TERN_F_EXPUNGED | TERN_F_TRAINMASK) || TERN_F_TRAIN(r[i].flags) == 3)
      say(c, "cur", r[i].uid, 0, "unknown flag bits") ;
    if (!(r[i].flags & TERN_F_EXPUNGED)) live += r[i].size ;
    if (!tern_mbox_path(&c->p, c->m, "cur", r[i].uid)) continue ;
    have = !stat(c->p.s, &st) ;
    if (r[i].flags & TERN_F_EXPUNGED)
    {
      tomb++ ;
      if (have) say(c, "cur", r[i].uid, 0, "expunged message file remains") ;
    }
    else if (!have) say(c, "cur", r[i].uid, 0, "message file missing") ;
    else if ((uint64_t)st.st_size != r[i].size) say(c, "cur", r[i].uid, 0, "size differs from the record") ;
  }
  if (!sorted)
  {
    say(c, "index", 0, 0, "records not sorted by UID") ;
    /* so that cur/'s files find their records: one line for one fault */
    qsort(genalloc_s(tern_rec, &c->recs), n, sizeof(tern_rec), &rcmp) ;
  }
  if (tomb != c->m->hdr.tombstones) say(c, "index", 0, 0, "tombstone count differs") ;
  if (c->m->hdr.unseen > c->m->hdr.uidnext) say(c, "index", 0, 0, "unseen boundary above UIDNEXT") ;
  else if (sorted && c->m->hdr.unseen > tern_mbox_unseenof(r, n, c->m->hdr.uidnext))
    say(c, "index", 0, 0, "unseen boundary above a message without \\Seen") ;
  c->live = live ;
}

/* the header's usage total, when nothing else is wrong with the mailbox
   (a fault of the records or files is one line, and its repair or
   recovery counts the total again) */
static void usage (ctx *c, unsigned int before)
{
  if (c->n == before && !c->m->torn && c->m->hdr.usage && c->m->hdr.usage - 1 != c->live)
    say(c, "index", 0, 0, "usage total differs from the records") ;
}

static void sidefiles (ctx *c)
{
  stralloc sa = STRALLOC_ZERO ;
  tern_mbox *m = c->m ;
  struct stat st ;
  uint32_t gen ;
  if (fstat(m->fd, &st) == 0 && ((size_t)st.st_size - TERN_STORE_HDRSIZE) % TERN_STORE_RECSIZE)
    say(c, "index", 0, 0, "partial trailing record") ;
  if (tern_mbox_path(&c->p, m, "changes", 0) && openslurpclose(&sa, c->p.s))
  {
    if (sa.len < TERN_STORE_CHGHDR || !tern_chghdr_unpack(sa.s, &gen) || gen != m->hdr.generation)
      say(c, "changes", 0, 0, "bad header or generation") ;
    else
    {
      uint64_t prev = 0 ;
      if ((sa.len - TERN_STORE_CHGHDR) % TERN_STORE_CHGSIZE) say(c, "changes", 0, 0, "partial trailing entry") ;
      for (size_t i = TERN_STORE_CHGHDR ; i + TERN_STORE_CHGSIZE <= sa.len ; i += TERN_STORE_CHGSIZE)
      {
        tern_change ch ;
        tern_change_unpack(sa.s + i, &ch) ;
        if (!ch.uid || ch.modseq < prev || ch.modseq > m->hdr.highestmodseq)
        {
          say(c, "changes", 0, 0, "entry with UID 0, out of MODSEQ order or above HIGHESTMODSEQ") ;
          break ;
        }
        prev = ch.modseq ;
      }
    }
  }
  else say(c, "changes", 0, 0, "unreadable") ;
  stralloc_free(&sa) ;
  if (tern_mbox_keywords(m) == TERN_PERM) say(c, "keywords", 0, 0, "bad keywords file") ;
}

static int isdots (char const *s)
{
  return s[0] == '.' && (!s[1] || (s[1] == '.' && !s[2])) ;
}

/* unknown entries of the mailbox's directory, any entry of new/ */
static void mboxdir (ctx *c)
{
  /* index.tmp: a compaction's, left by a crash, truncated by the next one */
  static char const *const known[] = { "index", "changes", "keywords", "cache", "sortkeys", "tmp", "new", "cur", "index.tmp" } ;
  for (int sub = 0 ; sub < 2 ; sub++)
  {
    DIR *d ;
    if (!tern_mbox_path(&c->p, c->m, sub ? "new" : ".", 0)) return ;
    d = opendir(c->p.s) ;
    if (!d) { say(c, sub ? "new" : 0, 0, 0, "unreadable directory") ; continue ; }
    for (;;)
    {
      struct dirent *de = readdir(d) ;
      size_t k = 0 ;
      if (!de) break ;
      if (isdots(de->d_name)) continue ;
      if (!sub) for (; k < sizeof known / sizeof *known ; k++) if (!strcmp(de->d_name, known[k])) break ;
      if (sub || k == sizeof known / sizeof *known) say(c, sub ? "new" : 0, 0, de->d_name, "unknown file") ;
    }
    closedir(d) ;
  }
}

/* 1 if e's mailbox was deleted (or the list cannot tell) since it was read */
static int gone (char const *acct, tern_mboxent const *e)
{
  tern_mboxent now ;
  int r = tern_store_mbox_lookup(acct, e->name, &now) ;
  return r == TERN_PERM || (!r && now.id != e->id) ;
}

static int mboxpass (ctx *c, char const *acct, tern_mboxent const *e, int how)
{
  tern_mbox m = TERN_MBOX_ZERO ;
  int r = tern_mbox_open(&m, acct, e->id) ;
  c->m = &m ;
  genalloc_setlen(tern_rec, &c->recs, 0) ;
  if (!r && how) r = tern_mbox_lock(&m, how) ;
  if (r && (!m.dir.s || (r == TERN_TEMP && errno != EUCLEAN))) { tern_mbox_close(&m) ; return TERN_TEMP ; }
  if (r)
  {
    if (!gone(acct, e))
      say(c, "index", 0, 0, errno == EUCLEAN ? tern_store_damage_what() : "missing or unusable index") ;
    tern_mbox_close(&m) ;
    return TERN_OK ;
  }
  if (m.hdr.uidvalidity != e->uidvalidity) say(c, "index", 0, 0, "UIDVALIDITY differs from the mailbox list") ;
  r = tern_mbox_allrecords(&m, &c->recs) ;
  if (!r)
  {
    unsigned int before = c->n ;
    records(c) ;
    sidefiles(c) ;
    mboxdir(c) ;
    if (tern_mbox_curscan(&m, &curfile, c)) say(c, "cur", 0, 0, "unreadable directory") ;
    usage(c, before) ;
    if (tern_mbox_tmpclean(&m, 1, &tmpfile, c)) say(c, "tmp", 0, 0, "unreadable directory") ;
  }
  tern_mbox_close(&m) ;
  return r ;
}

/* quietly without a lock; again, telling, under the index's shared lock
   only if that found something (a delivery or expunge under way) */
static int onembox (ctx *c, char const *acct, tern_mboxent const *e, tern_store_checkstat *st)
{
  unsigned int n = c->n ;
  int r ;
  c->quiet = 1 ;
  r = mboxpass(c, acct, e, 0) ;
  c->quiet = 0 ;
  if (!r && c->n != n)
  {
    c->n = n ;
    r = mboxpass(c, acct, e, LOCK_SH) ;
  }
  st->mailboxes++ ;
  for (size_t i = 0 ; i < genalloc_len(tern_rec, &c->recs) ; i++)
  {
    uint32_t f = genalloc_s(tern_rec, &c->recs)[i].flags ;
    if (!(f & TERN_F_EXPUNGED)) st->messages++ ;
    st->trained[TERN_F_TRAIN(f)]++ ;
  }
  return r ;
}

int tern_store_check (char const *acct, tern_store_problem_func *f, void *data, unsigned int *nproblems)
{
  tern_store_checkstat st = TERN_STORE_CHECKSTAT_ZERO ;
  int r = tern_store_checkst(acct, f, data, &st, 0) ;
  *nproblems = st.problems ;
  return r ;
}

int tern_store_checkst (char const *acct, tern_store_problem_func *f, void *data, tern_store_checkstat *st, tern_store_progress_func *progress)
{
  tern_mboxlist l = TERN_MBOXLIST_ZERO ;
  ctx c = { .f = f, .data = data, .n = 0, .quiet = 0, .m = 0, .recs = GENALLOC_ZERO, .p = STRALLOC_ZERO } ;
  int r = tern_mboxlist_read(&l, acct) ;
  if (r && errno == ENOENT) r = tern_store_checknolist(acct, &l) ;
  if (r)
  {
    int e = errno ;
    tern_mboxlist_free(&l) ;
    if (r == TERN_TEMP && e != EUCLEAN) return (errno = e, TERN_TEMP) ;
    if (e == EUCLEAN)
    {
      char what[300] = "bad mailbox list: " ;
      size_t n = strlen(what), w = strlen(tern_store_damage_what()) ;
      if (w > sizeof what - 1 - n) w = sizeof what - 1 - n ;
      memcpy(what + n, tern_store_damage_what(), w) ;
      what[n + w] = 0 ;
      (*f)(data, tern_store_damage_path(), what) ;
    }
    else (*f)(data, acct, e == ENOENT ? "no mailbox list" : "bad mailbox list") ;
    st->problems++ ;
    return TERN_OK ;
  }
  for (size_t i = 0 ; i < tern_mboxlist_len(&l) && !r ; i++)
  {
    r = onembox(&c, acct, tern_mboxlist_ent(&l, i), st) ;
    if (progress) (*progress)(data, st) ;
  }
  if (!r) r = tern_store_checkacct(acct, &l, f, data, &c.n) ;
  st->problems += c.n ;
  tern_mboxlist_free(&l) ;
  genalloc_free(tern_rec, &c.recs) ;
  stralloc_free(&c.p) ;
  return r ;
}
