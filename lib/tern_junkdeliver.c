/* tern_junkdeliver: the junk filter at delivery (tern_junkdeliver.h):
   an account's settings, the Junk mailbox, a delivery with automatic junk
   flags and training.  Classifying is in tern_junkdeliver_classify.c, so
   that a program that only delivers does not link the classifier. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include "tern.h"
#include "tern_store.h"
#include "tern_junkdeliver.h"

int tern_junkdeliver_conf (tern_junkdeliver *j, tern_conf const *c, char const *name)
{
  int r ;
  j->on = 0 ;
  memset(&j->f, 0, sizeof j->f) ;
  r = tern_junkopt_conf(c, name, &j->o) ;
  if (r < 0) return 0 ;
  j->on = r ;
  return tern_junkflags_conf(&j->f, c, name) ;
}

void tern_junkdeliver_free (tern_junkdeliver *j)
{
  tern_junkflags_free(&j->f) ;
  memset(&j->f, 0, sizeof j->f) ;
}

/* the store's list, the store made first for a new account */
static int readlist (char const *acct, tern_mboxlist *l)
{
  int r = tern_mboxlist_read(l, acct) ;
  if (r && errno == ENOENT)
  {
    r = tern_store_create(acct) ;
    if (!r) r = tern_mboxlist_read(l, acct) ;
  }
  return r ;
}

int tern_junkdeliver_junkbox (char const *acct, char *name, unsigned int *su)
{
  tern_mboxlist l = TERN_MBOXLIST_ZERO ;
  tern_mboxent const *e = 0 ;
  int r = readlist(acct, &l) ;
  for (size_t i = 0 ; !r && i < tern_mboxlist_len(&l) && !e ; i++)
    if (tern_mboxlist_ent(&l, i)->specialuse == TERN_SU_JUNK) e = tern_mboxlist_ent(&l, i) ;
  if (!r && !e) e = tern_mboxlist_find(&l, "Junk") ;
  if (!r && e)
  {
    strcpy(name, e->name) ;
    *su = e->specialuse ;
  }
  tern_mboxlist_free(&l) ;
  if (r || e) return r ;
  r = tern_store_mbox_create(acct, "Junk", TERN_SU_JUNK, 0) ;
  if (r && errno != EEXIST) return r ;
  strcpy(name, "Junk") ;
  *su = r ? TERN_SU_NONE : TERN_SU_JUNK ;
  return TERN_OK ;
}

int tern_junkdeliver_train (tern_junkdb *d, tern_junkopt const *o, tern_mbox *const *m, uint32_t const *uid, size_t n)
{
  int r = TERN_OK ;
  /* mailbox by mailbox, one commit each (no process holds two mailbox
     locks, tern-store(5)); the first of a mailbox's m takes its lock (two
     descriptors of one index would wait on each other's flock) */
  for (size_t i = 0 ; i < n && !r ; i++)
  {
    size_t k = 0 ;
    while (k < i && strcmp(m[k]->dir.s, m[i]->dir.s)) k++ ;
    if (k < i) continue ;  /* done with m[k] */
    r = tern_mbox_lock(m[i], LOCK_EX) ;
    for (size_t j = i ; j < n && !r ; j++)
      if (j == i || !strcmp(m[j]->dir.s, m[i]->dir.s)) r = tern_junk_sync(d, o, m[i], uid[j], 0) ;
    if (!r) r = tern_junkdb_commit(d) ;
    if (m[i]->locked)
    {
      int e = errno ;
      tern_mbox_unlock(m[i]) ;
      errno = e ;
    }
  }
  return r ;
}

/* the message just committed as uid of mailbox: trained as its flags ask */
static int train (tern_junkdb *d, tern_junkopt const *o, char const *acct, char const *mailbox, uint32_t uid)
{
  tern_mboxent e ;
  tern_mbox m = TERN_MBOX_ZERO ;
  tern_mbox *mp = &m ;
  int r = tern_store_mbox_lookup(acct, mailbox, &e) ;
  if (!r) r = tern_mbox_openent(&m, acct, &e) ;
  if (!r) r = tern_junkdeliver_train(d, o, &mp, &uid, 1) ;
  tern_mbox_close(&m) ;
  return r ;
}

int tern_junkdeliver_store (char const *acct, tern_junkdeliver const *j, char const *mailbox, int fd,
  uint32_t flags, int64_t date, uint32_t *flagsout, int *trainerr)
{
  tern_mboxlist l = TERN_MBOXLIST_ZERO ;
  tern_mboxent const *e ;
  tern_junkdb d = TERN_JUNKDB_ZERO ;
  uint32_t uid = 0 ;
  int wanted, r = readlist(acct, &l) ;
  *trainerr = TERN_OK ;
  if (r) { tern_mboxlist_free(&l) ; return r ; }
  e = tern_mboxlist_find(&l, mailbox) ;
  flags = tern_junkflags_apply(&j->f, mailbox, e ? e->specialuse : TERN_SU_NONE, flags) ;
  tern_mboxlist_free(&l) ;
  *flagsout = flags ;
  wanted = j->on && tern_junk_wanted(flags) != TERN_TRAIN_NONE ;
  if (wanted && !tern_store_later)
  {
    /* the filter's lock before any mailbox lock (tern_junk.h), and a
       filter that cannot learn defers the delivery */
    r = tern_junkdb_open(&d, acct, TERN_JUNKDB_WRITE) ;
    if (r) { int e = errno ; tern_junkdb_close(&d) ; errno = e ; return r ; }
  }
  r = tern_store_deliverfd(acct, mailbox, fd, flags, 0, 0, date, TERN_DELIVER_CREATE, &uid) ;
  /* uid 0: kept by tern_store_later, its taker trains it once it is
     committed and durable (tern_junkdeliver.h); else committed now.
     Opened only now, the filter's failure leaves it untrained */
  if (!r && wanted && uid)
  {
    *trainerr = d.lockfd >= 0 ? TERN_OK : tern_junkdb_open(&d, acct, TERN_JUNKDB_WRITE) ;
    if (!*trainerr) *trainerr = train(&d, &j->o, acct, mailbox, uid) ;
  }
  {
    int errsave = errno ;
    tern_junkdb_close(&d) ;
    errno = errsave ;
  }
  return r ;
}
