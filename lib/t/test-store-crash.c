/* test-store-crash: a child delivers, expunges (so compaction runs) and
   sets flags in a loop, reporting each finished step on a pipe; the parent
   kill -9s it at random moments, many times, then checks that everything
   reported is on disk, exactly, and that the account is consistent. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <skalibs/djbunix.h>
#include "tern.h"
#include "tern_store.h"
#include "t.h"
#include "crash.h"

#define A "acct"
#define KILLS 200
#define MAXUID 400000

static unsigned char state[MAXUID] ;  /* 1 delivered, 2 expunge tried, 3 flags known */
static uint32_t counter[MAXUID], flagsof[MAXUID] ;

static size_t body (char *buf, uint32_t n)
{
  size_t len = (size_t)sprintf(buf, "Subject: message %u\r\n\r\n", n) ;
  for (uint32_t i = 0 ; i < n % 40 ; i++) len += (size_t)sprintf(buf + len, "line %u of %u\r\n", i, n) ;
  return len ;
}

static void say (int fd, char const *fmt, uint32_t a, uint32_t b)
{
  char line[64] ;
  int n = snprintf(line, sizeof line, fmt, a, b) ;
  if (write(fd, line, (size_t)n) != n) _exit(111) ;
}

static void child (int fd, unsigned int i)
{
  uint32_t base = (i + 1) * 1000000u ;
  char buf[4096] ;
  tern_mbox m = TERN_MBOX_ZERO ;
  if (tern_mbox_open(&m, A, 1)) _exit(111) ;
  for (uint32_t n = base ; ; n++)
  {
    uint32_t uid ;
    size_t len = body(buf, n) ;
    if (tern_store_deliver(A, "Inbox", buf, len, 0, 0, 0, 0, 0, &uid)) _exit(111) ;
    say(fd, "D %u %u\n", uid, n) ;
    if (tern_mbox_lock(&m, LOCK_EX)) _exit(111) ;
    if (n % 3)
    {
      say(fd, "x %u %u\n", uid, 0) ;
      /* force a compaction now and then: runs are short when fsync is slow */
      if (tern_mbox_expunge(&m, uid, 0) || tern_mbox_compact(&m, n == base && rand() % 2)) _exit(111) ;
    }
    else
    {
      say(fd, "f %u %u\n", uid, 0) ;
      if (tern_mbox_setflags(&m, uid, n & TERN_F_USER, 0, 0, 0)) _exit(111) ;
      say(fd, "F %u %u\n", uid, n & TERN_F_USER) ;
    }
    tern_mbox_unlock(&m) ;
  }
}

static uint32_t lastuid = 0 ;
static unsigned int ndelivered = 0, order_bad = 0, line_bad = 0 ;

static void take (char const *line)
{
  char c ;
  unsigned int a, b ;
  if (sscanf(line, "%c %u %u", &c, &a, &b) != 3 || !a || a >= MAXUID) { line_bad++ ; return ; }
  switch (c)
  {
    case 'D' :
      if (a <= lastuid) order_bad++ ;
      lastuid = a ; state[a] = 1 ; counter[a] = b ; ndelivered++ ; break ;
    case 'x' : case 'f' : state[a] = 2 ; break ;
    case 'F' : state[a] = 3 ; flagsof[a] = b ; break ;
    default : line_bad++ ;
  }
}

static void problem (void *data, char const *path, char const *what)
{
  (void)data ;
  fprintf(stderr, "problem: %s: %s\n", path, what) ;
}

static void verify (void)
{
  char want[4096] ;
  tern_mbox m = TERN_MBOX_ZERO ;
  stralloc sa = STRALLOC_ZERO, path = STRALLOC_ZERO ;
  unsigned int missing = 0, wrong = 0, norec = 0, badflags = 0, nprob = 99 ;
  T(tern_mbox_open(&m, A, 1) == TERN_OK && tern_mbox_lock(&m, LOCK_EX) == TERN_OK, "final lock runs recovery") ;
  tern_mbox_unlock(&m) ;
  for (uint32_t uid = 1 ; uid <= lastuid ; uid++)
  {
    tern_rec rec ;
    size_t pos, len ;
    if (state[uid] != 1 && state[uid] != 3) continue ;
    len = body(want, counter[uid]) ;
    sa.len = 0 ;
    if (!tern_mbox_path(&path, &m, "cur", uid)) exit(111) ;
    if (!openslurpclose(&sa, path.s)) { missing++ ; fprintf(stderr, "missing uid %u\n", uid) ; continue ; }
    if (sa.len != len || memcmp(sa.s, want, len)) wrong++ ;
    if (tern_mbox_find(&m, uid, &rec, &pos) || (rec.flags & TERN_F_EXPUNGED) || rec.size != len) { norec++ ; continue ; }
    if (state[uid] == 3 && (rec.flags & TERN_F_USER) != flagsof[uid]) badflags++ ;
  }
  T(ndelivered > 0, "deliveries were reported") ;
  T(!line_bad, "report lines parse") ;
  T(!order_bad, "UIDs are unique and increasing") ;
  T(!missing, "every reported delivery has its file") ;
  T(!wrong, "every file has its exact content") ;
  T(!norec, "every reported delivery has its record") ;
  T(!badflags, "every reported flag change is in its record") ;
  T(tern_store_check(A, &problem, 0, &nprob) == TERN_OK && !nprob, "the account checks clean") ;
  T(m.hdr.generation > 1, "compaction ran") ;
  printf("# %u kills, %u deliveries reported, last UID %u, generation %u\n", KILLS, ndelivered, lastuid, m.hdr.generation) ;
  tern_mbox_close(&m) ;
  stralloc_free(&sa) ;
  stralloc_free(&path) ;
}

int main (void)
{
  srand((unsigned int)time(0) ^ (unsigned int)getpid()) ;
  if (tern_store_create(A)) { printf("0 passed, 1 failed\n") ; return 1 ; }
  for (unsigned int i = 0 ; i < KILLS ; i++) t_crash_run(&child, i, 40, &take) ;
  verify() ;
  return tdone() ;
}
