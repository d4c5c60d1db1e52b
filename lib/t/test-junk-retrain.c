/* test-junk-retrain: tern_junk_retrain with changes made between its
   phases (from its progress callback, whose last call comes when phase 1
   is done): flags changed, a message delivered, a trained message
   expunged, a mailbox deleted, each as IMAP does it (junk lock, mailbox EX
   lock, tern_junk_sync, commit).  The result must equal a fresh retrain's,
   and every state must be what the flags ask. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>
#include <sys/file.h>
#include "tern.h"
#include "tern_junk.h"
#include "t.h"

static char adir[256] ;
static tern_junkopt o ;
static int mode ;
static unsigned int lastcalls ;

static void msg (char *buf, size_t max, int spam, unsigned int n)
{
  snprintf(buf, max, "From: s%u@example.org\nSubject: %s number %u\n\n%s %s message %u\n", n,
    spam ? "cheap pills" : "project meeting", n, spam ? "viagra lottery casino" : "agenda budget review",
    spam ? "winner" : "minutes", n) ;
}

static uint32_t deliver (char const *box, int spam, uint32_t flags, unsigned int n)
{
  char m[512] ;
  uint32_t uid = 0 ;
  msg(m, sizeof m, spam, n) ;
  if (tern_store_deliver(adir, box, m, strlen(m), flags, 0, 0, (int64_t)time(0), TERN_DELIVER_CREATE, &uid)) exit(111) ;
  return uid ;
}

/* As IMAP: the junk lock, the mailbox's EX lock, then op on uid. */
static void imap (char const *box, uint32_t uid, int op, uint32_t flags)
{
  tern_junkdb d = TERN_JUNKDB_ZERO ;
  tern_mbox m = TERN_MBOX_ZERO ;
  tern_mboxent e ;
  tern_rec rec ;
  size_t pos ;
  int r = tern_junkdb_open(&d, adir, TERN_JUNKDB_WRITE) ;
  if (!r) r = tern_store_mbox_lookup(adir, box, &e) ;
  if (!r) r = tern_mbox_openent(&m, adir, &e) ;
  if (!r) r = tern_mbox_lock(&m, LOCK_EX) ;
  if (!r) r = tern_mbox_find(&m, uid, &rec, &pos) ;
  if (!r && op == 's') r = tern_mbox_setflags(&m, uid, (rec.flags & TERN_F_USER & ~(uint32_t)(TERN_F_JUNK | TERN_F_NOTJUNK)) | flags, rec.keywords, 0, 0) ;
  if (!r) r = tern_junk_sync(&d, &o, &m, uid, op == 'x') ;
  if (!r && op == 'x') r = tern_mbox_expunge(&m, uid, 0) ;
  if (!r) r = tern_junkdb_commit(&d) ;
  T(!r, "a change as IMAP makes it") ;
  tern_mbox_close(&m) ;
  tern_junkdb_close(&d) ;
}

static uint32_t u[8] ;

/* Between the phases (the last progress call), once. */
static void between (void *data, uint64_t done, uint64_t total)
{
  (void)data ;
  if (done != total) return ;
  lastcalls++ ;
  if (lastcalls > 1) return ;
  imap("Inbox", u[0], 's', TERN_F_NOTJUNK) ;   /* spam -> ham */
  imap("Inbox", u[1], 's', 0) ;                /* ham -> none */
  imap("Inbox", u[2], 's', TERN_F_JUNK) ;      /* none -> spam */
  deliver("Inbox", 1, TERN_F_JUNK, 90) ;       /* new, untrained until retrain */
  if (mode >= 1) imap("Inbox", u[3], 'x', 0) ; /* a trained message expunged: its file goes */
  if (mode >= 2)                               /* a mailbox deleted, its messages untrained */
  {
    imap("Old", u[5], 'x', 0) ;
    imap("Old", u[6], 'x', 0) ;
    T(!tern_store_mbox_delete(adir, "Old"), "delete Old") ;
  }
}

/* Every live message's state is what its flags ask: the count checked. */
static unsigned int statesok (unsigned int *n)
{
  tern_mboxlist l = TERN_MBOXLIST_ZERO ;
  unsigned int bad = 0 ;
  *n = 0 ;
  if (tern_mboxlist_read(&l, adir)) exit(111) ;
  for (size_t i = 0 ; i < tern_mboxlist_len(&l) ; i++)
  {
    tern_mbox m = TERN_MBOX_ZERO ;
    genalloc recs = GENALLOC_ZERO ;
    if (tern_mbox_openent(&m, adir, tern_mboxlist_ent(&l, i)) || tern_mbox_records(&m, 0, &recs)) exit(111) ;
    for (size_t j = 0 ; j < genalloc_len(tern_rec, &recs) ; j++)
    {
      tern_rec const *x = genalloc_s(tern_rec, &recs) + j ;
      if (x->flags & TERN_F_EXPUNGED) continue ;
      (*n)++ ;
      if (TERN_F_TRAIN(x->flags) != (unsigned int)tern_junk_wanted(x->flags)) bad++ ;
    }
    genalloc_free(tern_rec, &recs) ;
    tern_mbox_close(&m) ;
  }
  tern_mboxlist_free(&l) ;
  return bad ;
}

static void stats (tern_junkstats *s)
{
  tern_junkdb d = TERN_JUNKDB_ZERO ;
  if (tern_junkdb_open(&d, adir, TERN_JUNKDB_READ) || tern_junkdb_stats(&d, s)) exit(111) ;
  tern_junkdb_close(&d) ;
}

static void one (int m, unsigned int restarts, char const *what)
{
  tern_junkretrain st, st2 ;
  tern_junkstats s1, s2 ;
  unsigned int n ;
  char line[200] ;
  snprintf(adir, sizeof adir, "%s/adir%d", getcwd(line, sizeof line) ? line : ".", m) ;
  if (tern_store_create(adir)) exit(111) ;
  mode = m ; lastcalls = 0 ;
  u[0] = deliver("Inbox", 1, TERN_F_JUNK, 1) ;
  u[1] = deliver("Inbox", 0, TERN_F_NOTJUNK, 2) ;
  u[2] = deliver("Inbox", 1, 0, 3) ;
  u[3] = deliver("Inbox", 1, TERN_F_JUNK, 4) ;
  u[4] = deliver("Inbox", 0, TERN_F_JUNK | TERN_F_NOTJUNK, 5) ;
  u[5] = deliver("Old", 1, TERN_F_JUNK, 6) ;
  u[6] = deliver("Old", 0, TERN_F_NOTJUNK, 7) ;
  u[7] = deliver("Archive", 0, TERN_F_NOTJUNK, 8) ;
  T(!tern_junk_retrain(adir, &o, &between, 0, &st), what) ;
  T(lastcalls == restarts, what) ;
  if (lastcalls != restarts) fprintf(stderr, "  %s: %d phase-1 ends, want %u\n", what, lastcalls, restarts) ;
  stats(&s1) ;
  T(statesok(&n) == 0 && n == st.messages, what) ;
  T(!tern_junk_retrain(adir, &o, 0, 0, &st2), "a fresh retrain") ;
  stats(&s2) ;
  T(s1.nham == s2.nham && s1.nspam == s2.nspam && s1.words == s2.words && s1.words > 0, what) ;
  if (s1.nham != s2.nham || s1.nspam != s2.nspam || s1.words != s2.words)
    fprintf(stderr, "  %s: ham %u/%u spam %u/%u words %llu/%llu\n", what, s1.nham, s2.nham, s1.nspam, s2.nspam,
      (unsigned long long)s1.words, (unsigned long long)s2.words) ;
  T(st.ham == st2.ham && st.spam == st2.spam && st.messages == st2.messages && st.unparsable == 0, what) ;
  T(st.ham == s1.nham && st.spam == s1.nspam, "the summary is the filter's") ;
}

int main (void)
{
  tern_junkopt_default(&o) ;
  one(0, 1, "flags changed and a delivery between the phases: fixed in phase 2") ;
  one(1, 2, "a trained message expunged between the phases: rebuilt under the lock") ;
  one(2, 2, "a mailbox deleted between the phases: rebuilt under the lock") ;
  return tdone() ;
}
