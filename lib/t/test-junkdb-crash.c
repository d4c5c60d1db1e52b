/* test-junkdb-crash: a child syncs training to flags it keeps changing
   and now and then rebuilds, reporting each commit; the parent kill -9s it
   many times, then checks the totals are the last commit's or the one in
   flight, and every word's counts are what the messages' states say. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <skalibs/djbunix.h>
#include "tern.h"
#include "tern_junkdb_int.h"
#include "t.h"
#include "crash.h"

#define A "acct"
#define KILLS 150
#define NMSG 40

/* 60 words of its own per message (letters only: the tokenizer drops
   digit-heavy words), so that syncs grow the table and rebuilds shrink it */
static size_t body (char *buf, unsigned int n)
{
  size_t len = (size_t)sprintf(buf, "From: sender%u@example.org\r\nSubject: message number%u\r\n\r\ncommon words here\r\n", n, n) ;
  for (unsigned int i = 0 ; i < 60 ; i++)
    len += (size_t)sprintf(buf + len, "ka%co%ce%cu%c ", 'a' + n % 26, 'a' + n / 26, 'a' + i % 26, 'a' + i / 26) ;
  return len ;
}

static void say (int fd, char c, uint32_t a, uint32_t b)
{
  char line[64] ;
  int n = snprintf(line, sizeof line, "%c %u %u\n", c, a, b) ;
  if (write(fd, line, (size_t)n) != n) _exit(111) ;
}

static int syncone (int fd, tern_junkopt const *o, uint32_t uid, uint32_t flags)
{
  tern_junkdb d = TERN_JUNKDB_ZERO ;
  tern_mbox m = TERN_MBOX_ZERO ;
  int r = tern_junkdb_open(&d, A, TERN_JUNKDB_WRITE) ;
  if (!r) r = tern_mbox_open(&m, A, 1) ;
  if (!r) r = tern_mbox_lock(&m, LOCK_EX) ;
  if (!r) r = tern_mbox_setflags(&m, uid, flags, 0, 0, 0) ;
  if (!r) r = tern_junk_sync(&d, o, &m, uid, 0) ;
  if (!r) say(fd, 'P', d.nham, d.nspam) ;
  if (!r) r = tern_junkdb_commit(&d) ;
  if (!r && !(rand() % 25)) _exit(0) ;  /* done, never reported: as a kill at that instant */
  if (!r) say(fd, 'C', d.nham, d.nspam) ;
  tern_mbox_close(&m) ;
  tern_junkdb_close(&d) ;
  return r ;
}

static int rebuild (int fd, tern_junkopt const *o)
{
  tern_junkdb d = TERN_JUNKDB_ZERO ;
  tern_mbox m = TERN_MBOX_ZERO ;
  tern_junkwords w = TERN_JUNKWORDS_ZERO ;
  stralloc sa = STRALLOC_ZERO, p = STRALLOC_ZERO ;
  int r = tern_junkdb_open(&d, A, TERN_JUNKDB_REBUILD) ;
  if (!r) r = tern_junkdb_lock(&d) ;
  if (!r) r = tern_mbox_open(&m, A, 1) ;
  for (uint32_t uid = 1 ; !r && uid <= NMSG ; uid++)
  {
    tern_rec rec ;
    size_t pos ;
    unsigned int want ;
    r = tern_mbox_find(&m, uid, &rec, &pos) ;
    if (r) break ;
    want = tern_junk_wanted(rec.flags) ;
    sa.len = 0 ;
    if (want && (!tern_mbox_path(&p, &m, "cur", uid) || !openslurpclose(&sa, p.s)
     || !tern_junkwords_message(&w, sa.s, sa.len, o) || tern_junkdb_train(&d, &w, want == TERN_TRAIN_SPAM, 1))) r = TERN_TEMP ;
    if (!r) r = tern_junkdb_setstate(&d, 1, m.hdr.uidvalidity, uid, want) ;
  }
  tern_mbox_close(&m) ;
  if (!r) say(fd, 'P', d.nham, d.nspam) ;
  if (!r) r = tern_junkdb_commit(&d) ;
  if (!r) say(fd, 'C', d.nham, d.nspam) ;
  tern_junkdb_close(&d) ;
  tern_junkwords_free(&w) ;
  stralloc_free(&sa) ;
  stralloc_free(&p) ;
  return r ;
}

static void child (int fd, unsigned int arg)
{
  static uint32_t const fl[4] = { TERN_F_JUNK, TERN_F_NOTJUNK, 0, TERN_F_JUNK | TERN_F_NOTJUNK } ;
  tern_junkopt o ;
  (void)arg ;
  srand((unsigned int)getpid()) ;
  tern_junkopt_default(&o) ;
  for (;;)
  {
    int r = rand() % 12 ? syncone(fd, &o, 1 + (uint32_t)rand() % NMSG, fl[rand() % 4]) : rebuild(fd, &o) ;
    if (r) _exit(111) ;
  }
}

static unsigned int ncommits = 0, line_bad = 0 ;
/* the totals of the last commit reported done, and of every commit begun
   since: a kill between a commit's last sync and its report leaves it
   done but unreported, and the next child's commits build on it */
static uint32_t cham, cspam, pham[KILLS + 1], pspam[KILLS + 1] ;
static unsigned int npending = 0 ;
static unsigned int njournal = 0, nnew = 0 ;

static void take (char const *line)
{
  char c ;
  unsigned int a, b ;
  if (sscanf(line, "%c %u %u", &c, &a, &b) != 3) { line_bad++ ; return ; }
  if (c == 'P' && npending <= KILLS) { pham[npending] = a ; pspam[npending++] = b ; }
  else if (c == 'C') { cham = a ; cspam = b ; npending = 0 ; ncommits++ ; }
  else line_bad++ ;
}

static void run (void)
{
  struct stat st ;
  t_crash_run(&child, 0, 80, &take) ;
  njournal += stat(A "/junk/journal", &st) == 0 ;
  nnew += stat(A "/junk/words.new", &st) == 0 ;
}

typedef struct want_s { uint64_t h ; uint32_t ham, spam ; } want ;

/* what the messages' states say every word's counts are */
static void expected (tern_junkdb const *d, genalloc *g, uint32_t *nham, uint32_t *nspam)
{
  tern_mbox m = TERN_MBOX_ZERO ;
  tern_junkwords w = TERN_JUNKWORDS_ZERO ;
  tern_junkopt o ;
  char buf[8192] ;
  tern_junkopt_default(&o) ;
  *nham = *nspam = 0 ;
  if (tern_mbox_open(&m, A, 1)) exit(111) ;
  for (uint32_t uid = 1 ; uid <= NMSG ; uid++)
  {
    tern_rec rec ;
    size_t pos, len = body(buf, uid) ;
    unsigned int st ;
    if (tern_mbox_find(&m, uid, &rec, &pos)) exit(111) ;
    st = TERN_F_TRAIN(rec.flags) ;
    if (!st) continue ;
    if (st == TERN_TRAIN_HAM) (*nham)++ ; else (*nspam)++ ;
    if (!tern_junkwords_message(&w, buf, len, &o)) exit(111) ;
    for (unsigned int i = 0 ; i < w.n ; i++)
    {
      char const *s = tern_junkwords_word(&w, i) ;
      uint64_t h = tern_jdb_hash(d->key, s, strlen(s)) ;
      want x = { .h = h, .ham = 0, .spam = 0 }, *p = 0 ;
      for (size_t k = 0 ; k < genalloc_len(want, g) ; k++)
        if (genalloc_s(want, g)[k].h == h) { p = genalloc_s(want, g) + k ; break ; }
      if (!p)
      {
        if (!genalloc_append(want, g, &x)) exit(111) ;
        p = genalloc_s(want, g) + genalloc_len(want, g) - 1 ;
      }
      if (st == TERN_TRAIN_HAM) p->ham++ ; else p->spam++ ;
    }
  }
  tern_mbox_close(&m) ;
  tern_junkwords_free(&w) ;
}

static void verify (void)
{
  tern_junkdb d = TERN_JUNKDB_ZERO ;
  tern_junkstats st ;
  genalloc g = GENALLOC_ZERO ;
  uint32_t nham, nspam ;
  unsigned int wrong = 0 ;
  struct stat sb ;
  T(!tern_junkdb_open(&d, A, TERN_JUNKDB_WRITE), "the filter opens to write") ;
  tern_junkdb_close(&d) ;
  T(stat(A "/junk/journal", &sb) < 0 && stat(A "/junk/words.new", &sb) < 0, "no journal, no words.new left") ;
  T(!tern_junkdb_open(&d, A, TERN_JUNKDB_READ) && !tern_junkdb_stats(&d, &st), "the filter opens to read") ;
  {
    int ok = d.nham == cham && d.nspam == cspam ;
    for (unsigned int i = 0 ; i < npending ; i++) ok |= d.nham == pham[i] && d.nspam == pspam[i] ;
    T(ok, "totals are the last reported commit's or one begun since") ;
  }
  expected(&d, &g, &nham, &nspam) ;
  T(nham == d.nham && nspam == d.nspam, "totals match the messages' states") ;
  for (size_t k = 0 ; k < genalloc_len(want, &g) ; k++)
  {
    want const *x = genalloc_s(want, &g) + k ;
    uint32_t ham = 0, spam = 0 ;
    tern_jdb_counts(&d, x->h, &ham, &spam) ;
    if (ham != x->ham || spam != x->spam) wrong++ ;
  }
  T(!wrong, "every word's counts match the messages' states") ;
  {
    uint64_t n = 0 ;
    for (size_t k = 0 ; k < genalloc_len(want, &g) ; k++) n += !!(genalloc_s(want, &g)[k].ham | genalloc_s(want, &g)[k].spam) ;
    T(st.words == n, "no other word has a count") ;
  }
  T(ncommits >= 20 && !line_bad, "commits were reported") ;
  printf("# %u kills (%u left a journal, %u a words.new), %u commits reported, %u ham %u spam, %llu words in %llu slots\n",
    KILLS, njournal, nnew, ncommits, d.nham, d.nspam, (unsigned long long)st.words, (unsigned long long)st.slots) ;
  tern_junkdb_close(&d) ;
  genalloc_free(want, &g) ;
}

int main (void)
{
  char buf[8192] ;
  srand((unsigned int)time(0) ^ (unsigned int)getpid()) ;
  if (tern_store_create(A)) { printf("0 passed, 1 failed\n") ; return 1 ; }
  for (unsigned int n = 1 ; n <= NMSG ; n++)
  {
    uint32_t uid ;
    if (tern_store_deliver(A, "Inbox", buf, body(buf, n), 0, 0, 0, 0, 0, &uid) || uid != n) { printf("0 passed, 1 failed\n") ; return 1 ; }
  }
  for (unsigned int i = 0 ; i < KILLS ; i++) run() ;
  verify() ;
  return tdone() ;
}
