/* test-junkdb-store: the junk filter with a real store: tern_junk_sync
   and training states, unparsable messages, rebuilds, concurrent trainers
   (exact totals), readers beside a writer that grows the table. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "tern.h"
#include "tern_junkdb_int.h"
#include "tern_junkdeliver.h"
#include "t.h"
#include "junkt.h"

static uint32_t flagsof (char const *acct, uint32_t uid)
{
  tern_mbox m = TERN_MBOX_ZERO ;
  tern_rec rec ;
  size_t pos ;
  uint32_t f = 0xffffffff ;
  if (!tern_mbox_open(&m, acct, 1) && !tern_mbox_find(&m, uid, &rec, &pos)) f = rec.flags ;
  tern_mbox_close(&m) ;
  return f ;
}

/* one sync step: junk lock first, then the mailbox's */
static int step (char const *acct, uint32_t uid, uint32_t flags, int gone, tern_junkstats *st)
{
  tern_junkdb d = TERN_JUNKDB_ZERO ;
  tern_mbox m = TERN_MBOX_ZERO ;
  tern_junkopt o ;
  int r ;
  tern_junkopt_default(&o) ;
  r = tern_junkdb_open(&d, acct, TERN_JUNKDB_WRITE) ;
  if (!r) r = tern_mbox_open(&m, acct, 1) ;
  if (!r) r = tern_mbox_lock(&m, LOCK_EX) ;
  if (!r && flags != 0xffffffff) r = tern_mbox_setflags(&m, uid, flags, 0, 0, 0) ;
  if (!r) r = tern_junk_sync(&d, &o, &m, uid, gone) ;
  if (!r) r = tern_junkdb_commit(&d) ;
  tern_mbox_close(&m) ;
  if (!r) r = tern_junkdb_stats(&d, st) ;
  tern_junkdb_close(&d) ;
  return r ;
}

/* a message that cannot be parsed or read is left untrained, and logged */
static void tunparsable (void)
{
  static char const bad[] = "Content-Type: ???\r\nSubject: cheap pills\r\n\r\ncheap pills\r\n" ;
  static char const good[] = "Subject: cheap pills\r\n\r\ncheap pills\r\n" ;
  tern_junkstats st ;
  tern_mbox m = TERN_MBOX_ZERO ;
  stralloc p = STRALLOC_ZERO ;
  uint32_t ub, ug, n0 ;
  T(!step("s", 1, 0xffffffff, 0, &st), "start") ;
  n0 = st.nspam ;
  T(!tern_store_deliver("s", "Inbox", bad, sizeof bad - 1, TERN_F_JUNK, 0, 0, 0, 0, &ub)
    && !tern_store_deliver("s", "Inbox", good, sizeof good - 1, TERN_F_JUNK, 0, 0, 0, 0, &ug), "deliver") ;
  T(!step("s", ub, 0xffffffff, 0, &st) && st.nspam == n0 && TERN_F_TRAIN(flagsof("s", ub)) == TERN_TRAIN_NONE,
    "unparsable Content-Type: left untrained") ;
  T(!tern_mbox_open(&m, "s", 1) && tern_mbox_path(&p, &m, "cur", ug) && !unlink(p.s), "remove a message file") ;
  tern_mbox_close(&m) ;
  T(!step("s", ug, 0xffffffff, 0, &st) && st.nspam == n0 && TERN_F_TRAIN(flagsof("s", ug)) == TERN_TRAIN_NONE,
    "unreadable message: left untrained") ;
  stralloc_free(&p) ;
}

/* a rebuild replaces the words (new key) and sets the states it names */
static void trebuild (uint32_t id, uint32_t uidvalidity, uint32_t uid, uint32_t uid2)
{
  tern_junkdb d = TERN_JUNKDB_ZERO ;
  tern_junkwords w = TERN_JUNKWORDS_ZERO ;
  tern_junkstats st ;
  uint64_t key[2] ;
  uint32_t ham, spam ;
  T(!tern_junkdb_open(&d, "s", TERN_JUNKDB_WRITE), "before the rebuild") ;
  key[0] = d.key[0] ; key[1] = d.key[1] ;
  mk(&w, "cheap words") ; T(!tern_junkdb_train(&d, &w, 1, 1) && !tern_junkdb_commit(&d), "train before") ;
  tern_junkdb_close(&d) ;
  T(!tern_junkdb_open(&d, "s", TERN_JUNKDB_REBUILD) && d.lockfd < 0, "REBUILD takes no lock") ;
  mk(&w, "fresh start") ;
  T(!tern_junkdb_train(&d, &w, 0, 1) && !tern_junkdb_setstate(&d, id, uidvalidity, uid, TERN_TRAIN_HAM)
    && !tern_junkdb_setstate(&d, id, uidvalidity, uid2, TERN_TRAIN_NONE), "train in memory") ;
  T(!tern_junkdb_stats(&d, &st) && st.words == 2 && st.nham == 1 && !st.slots, "stats of a rebuild in memory") ;
  T(tern_junkdb_commit(&d) == TERN_TEMP, "commit needs the lock") ;
  T(!tern_junkdb_lock(&d) && !tern_junkdb_commit(&d), "lock and commit") ;
  T(!tern_junkdb_stats(&d, &st) && st.words == 2 && st.nham == 1 && st.nspam == 0 && st.slots == 1024, "only the rebuilt words") ;
  T(d.key[0] != key[0] || d.key[1] != key[1], "a new key") ;
  T(tern_jdb_counts(&d, tern_jdb_hash(d.key, "fresh", 5), &ham, &spam) && ham == 1 && !spam, "rebuilt counts") ;
  tern_junkdb_close(&d) ;
  T(TERN_F_TRAIN(flagsof("s", uid)) == TERN_TRAIN_HAM && TERN_F_TRAIN(flagsof("s", uid2)) == TERN_TRAIN_NONE, "rebuild set the states") ;
  T(!tern_junkdb_open(&d, "s", TERN_JUNKDB_READ) && d.nham == 1 && d.key[0] != key[0], "reopened after the rebuild") ;
  tern_junkdb_close(&d) ;
  tern_junkwords_free(&w) ;
}

static void tstore (void)
{
  static char const msg[] = "From: a@b.example\r\nSubject: cheap pills today\r\n\r\nbuy cheap pills now\r\n" ;
  tern_junkstats st ;
  tern_junkdb d = TERN_JUNKDB_ZERO ;
  tern_mboxent e ;
  uint32_t uid, uid2 ;
  T(!tern_store_create("s"), "store") ;
  T(!tern_store_deliver("s", "Inbox", msg, sizeof msg - 1, TERN_F_JUNK, 0, 0, 0, 0, &uid), "deliver") ;
  T(!tern_store_deliver("s", "Inbox", msg, sizeof msg - 1, 0, 0, 0, 0, 0, &uid2), "deliver") ;
  T(!step("s", uid, 0xffffffff, 0, &st) && st.nspam == 1 && st.nham == 0 && st.words > 3, "$Junk: trained as spam") ;
  T(TERN_F_TRAIN(flagsof("s", uid)) == TERN_TRAIN_SPAM, "state spam") ;
  T(!step("s", uid, 0xffffffff, 0, &st) && st.nspam == 1, "synced again: nothing") ;
  T(!step("s", uid, TERN_F_NOTJUNK, 0, &st) && st.nspam == 0 && st.nham == 1, "$NotJunk: spam untrained, ham trained") ;
  T(TERN_F_TRAIN(flagsof("s", uid)) == TERN_TRAIN_HAM, "state ham") ;
  T(!step("s", uid, TERN_F_NOTJUNK | TERN_F_JUNK, 0, &st) && st.nspam == 0 && st.nham == 0 && st.words == 0, "both flags: untrained") ;
  T(TERN_F_TRAIN(flagsof("s", uid)) == TERN_TRAIN_NONE, "state none") ;
  T(!step("s", uid, TERN_F_JUNK, 1, &st) && st.nspam == 0, "gone: not trained") ;
  T(!step("s", uid, TERN_F_JUNK, 0, &st) && st.nspam == 1, "junk again") ;
  T(!step("s", uid, 0xffffffff, 1, &st) && st.nspam == 0 && TERN_F_TRAIN(flagsof("s", uid)) == TERN_TRAIN_NONE, "expunge untrains") ;
  /* setstate without the caller's lock: commit locks the mailbox itself */
  T(!tern_store_mbox_lookup("s", "Inbox", &e), "lookup") ;
  T(!tern_junkdb_open(&d, "s", TERN_JUNKDB_WRITE), "open") ;
  T(!tern_junkdb_setstate(&d, e.id, e.uidvalidity, uid2, TERN_TRAIN_HAM)
    && !tern_junkdb_setstate(&d, e.id, e.uidvalidity + 1, uid, TERN_TRAIN_SPAM)
    && !tern_junkdb_setstate(&d, e.id, e.uidvalidity, 999, TERN_TRAIN_SPAM)
    && !tern_junkdb_setstate(&d, 77, 1, 1, TERN_TRAIN_SPAM) && !tern_junkdb_commit(&d), "setstate and commit") ;
  tern_junkdb_close(&d) ;
  T(TERN_F_TRAIN(flagsof("s", uid2)) == TERN_TRAIN_HAM, "state set by commit") ;
  T(TERN_F_TRAIN(flagsof("s", uid)) == TERN_TRAIN_NONE, "another UIDVALIDITY is skipped") ;
  tunparsable() ;
  trebuild(e.id, e.uidvalidity, uid, uid2) ;
}

#define PROCS 4
#define EACH 25

static void tconcurrent (void)
{
  tern_junkdb d = TERN_JUNKDB_ZERO ;
  tern_junkwords w = TERN_JUNKWORDS_ZERO ;
  tern_junkstats st ;
  unsigned int bad = 0 ;
  uint32_t ham, spam ;
  for (unsigned int p = 0 ; p < PROCS ; p++)
  {
    pid_t pid = fork() ;
    if (pid < 0) exit(111) ;
    if (pid) continue ;
    for (unsigned int i = 0 ; i < EACH ; i++)
    {
      char buf[100] ;
      tern_junkdb x = TERN_JUNKDB_ZERO ;
      sprintf(buf, "shared proc%u item%u-%u", p, p, i) ;
      mk(&w, buf) ;
      if (tern_junkdb_open(&x, "k", TERN_JUNKDB_WRITE) || tern_junkdb_train(&x, &w, 1, 1) || tern_junkdb_commit(&x)) _exit(1) ;
      tern_junkdb_close(&x) ;
    }
    _exit(0) ;
  }
  for (unsigned int p = 0 ; p < PROCS ; p++)
  {
    int status ;
    if (wait(&status) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) bad++ ;
  }
  T(!bad, "trainers exit 0") ;
  T(!tern_junkdb_open(&d, "k", TERN_JUNKDB_READ) && !tern_junkdb_stats(&d, &st), "open") ;
  T(st.nspam == PROCS * EACH && st.words == 1 + PROCS + PROCS * EACH, "no training lost") ;
  T(tern_junkdb_word(&d, "shared", 6, &ham, &spam) && spam == PROCS * EACH && !ham, "shared word counted by all") ;
  T(!tern_junkdb_word(&d, "absent", 6, &ham, &spam) && !ham && !spam, "a word not held") ;
  tern_junkdb_close(&d) ;
  tern_junkwords_free(&w) ;
}

/* readers take no lock and never see damage while a writer commits and
   grows the table under them */
static void treaders (void)
{
  tern_junkdb d = TERN_JUNKDB_ZERO ;
  tern_junkwords w = TERN_JUNKWORDS_ZERO ;
  int p[2], status ;
  unsigned int bad = 0 ;
  pid_t pid ;
  char buf[256] ;
  int lk = tern_lock("k/junk") ;
  T(lk >= 0 && !tern_junkdb_open(&d, "k", TERN_JUNKDB_READ) && d.nspam == PROCS * EACH, "READ while another holds the junk lock") ;
  tern_junkdb_close(&d) ;
  if (lk >= 0) close(lk) ;
  if (pipe(p) < 0 || (pid = fork()) < 0) exit(111) ;
  if (!pid)
  {
    unsigned int errs = 0, n = 0 ;
    char c ;
    close(p[1]) ;
    mk(&w, "w1 w2 w3 shared") ;
    for (;;)
    {
      tern_junkdb x = TERN_JUNKDB_ZERO ;
      tern_junkopt o ;
      tern_junkresult r ;
      tern_junkopt_default(&o) ;
      if (tern_junkdb_open(&x, "rd", TERN_JUNKDB_READ) || tern_junkdb_classify(&x, &w, &o, &r)) errs++ ;
      tern_junkdb_close(&x) ;
      n++ ;
      if (fcntl(p[0], F_SETFL, O_NONBLOCK) < 0) _exit(2) ;
      if (read(p[0], &c, 1) == 0) break ;
    }
    printf("# reader: %u opens and classifications, %u errors\n", n, errs) ;
    fflush(stdout) ;
    _exit(errs ? 1 : 0) ;
  }
  close(p[0]) ;
  T(!tern_junkdb_open(&d, "rd", TERN_JUNKDB_WRITE), "writer") ;
  for (unsigned int i = 0 ; i < 300 ; i++)
  {
    size_t n = 0 ;
    for (unsigned int k = 0 ; k < 20 ; k++) n += (size_t)sprintf(buf + n, "w%u ", i * 20 + k) ;
    buf[n - 1] = 0 ;
    mk(&w, buf) ;
    if (tern_junkdb_train(&d, &w, i & 1, 1) || tern_junkdb_commit(&d)) bad++ ;
  }
  tern_junkdb_close(&d) ;
  close(p[1]) ;
  T(!bad && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && !WEXITSTATUS(status), "a reader beside 300 commits and 2 growths: no error") ;
  tern_junkwords_free(&w) ;
}

static uint32_t flagsin (char const *acct, char const *box, uint32_t uid)
{
  tern_mboxent e ;
  tern_mbox m = TERN_MBOX_ZERO ;
  tern_rec rec ;
  size_t pos ;
  uint32_t f = 0xffffffff ;
  if (!tern_store_mbox_lookup(acct, box, &e) && !tern_mbox_openent(&m, acct, &e) && !tern_mbox_find(&m, uid, &rec, &pos)) f = rec.flags ;
  tern_mbox_close(&m) ;
  return f ;
}

/* tern_junkdeliver_train: committed messages of two mailboxes (one of
   them through two tern_mbox, as a worker's kept deliveries hold them)
   trained as their flags ask, in one call; no lock left held */
static void ttrain (void)
{
  static char const msg[] = "From: a@b.example\r\nSubject: cheap pills today\r\n\r\nbuy cheap pills now\r\n" ;
  static char const box[4][8] = { "Junk", "Ham", "Junk", "Junk" } ;
  static uint32_t const fl[4] = { TERN_F_JUNK, TERN_F_NOTJUNK, TERN_F_JUNK, 0 } ;
  tern_mbox mb[4] = { TERN_MBOX_ZERO, TERN_MBOX_ZERO, TERN_MBOX_ZERO, TERN_MBOX_ZERO } ;
  tern_mbox *m[4] = { mb, mb + 1, mb + 2, mb + 3 } ;
  uint32_t uid[4] ;
  tern_junkdb d = TERN_JUNKDB_ZERO ;
  tern_junkstats st ;
  tern_junkopt o ;
  int ok = 1 ;
  tern_junkopt_default(&o) ;
  T(!tern_store_create("t") && (!tern_store_mbox_create("t", "Junk", TERN_SU_JUNK, 0) || errno == EEXIST)
    && !tern_store_mbox_create("t", "Ham", TERN_SU_NONE, 0), "store") ;
  for (unsigned int i = 0 ; i < 4 ; i++)
  {
    tern_mboxent e ;
    ok = ok && !tern_store_deliver("t", box[i], msg, sizeof msg - 1, fl[i], 0, 0, 0, 0, uid + i)
      && !tern_store_mbox_lookup("t", box[i], &e) && !tern_mbox_openent(mb + i, "t", &e) ;
  }
  T(ok, "4 delivered, each mailbox opened once per message") ;
  if (!ok) return ;
  T(!tern_junkdb_open(&d, "t", TERN_JUNKDB_WRITE), "open") ;
  T(!tern_junkdeliver_train(&d, &o, m, uid, 4), "trained in one call") ;
  T(!tern_junkdb_stats(&d, &st) && st.nspam == 2 && st.nham == 1, "2 spam, 1 ham") ;
  tern_junkdb_close(&d) ;
  T(!mb[0].locked && !mb[1].locked && !mb[2].locked && !mb[3].locked, "no mailbox left locked") ;
  T(TERN_F_TRAIN(flagsin("t", "Junk", uid[0])) == TERN_TRAIN_SPAM && TERN_F_TRAIN(flagsin("t", "Junk", uid[2])) == TERN_TRAIN_SPAM,
    "both $Junk messages of Junk: state spam") ;
  T(TERN_F_TRAIN(flagsin("t", "Ham", uid[1])) == TERN_TRAIN_HAM, "the $NotJunk one: state ham") ;
  T(TERN_F_TRAIN(flagsin("t", "Junk", uid[3])) == TERN_TRAIN_NONE, "the one without a flag: untrained") ;
  for (unsigned int i = 0 ; i < 4 ; i++) tern_mbox_close(mb + i) ;
}

int main (void)
{
  tstore() ;
  ttrain() ;
  tconcurrent() ;
  treaders() ;
  return tdone() ;
}
