/* tern-junk-cmds.c: classify (one message or -b file names), train and
   untrain (the same), stats.  Output per tern-junk(8); every error exits
   (111, or 100 for usage), a damaged database naming its file. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <skalibs/strerr.h>
#include <skalibs/buffer.h>
#include <skalibs/djbunix.h>
#include <skalibs/skamisc.h>
#include "tern.h"
#include "tern-junk.h"

/* Reads at most max bytes of fd into sa (replacing it); with drain,
   reads and drops the rest.  1, or 0 with errno. */
int readmsg (int fd, stralloc *sa, size_t max, int drain)
{
  char junk[8192] ;
  sa->len = 0 ;
  while (sa->len < max)
  {
    size_t want = max - sa->len < 65536 ? max - sa->len : 65536 ;
    ssize_t r ;
    if (!stralloc_readyplus(sa, want)) return 0 ;
    r = read(fd, sa->s + sa->len, want) ;
    if (r < 0) { if (errno == EINTR) continue ; return 0 ; }
    if (!r) return 1 ;
    sa->len += (size_t)r ;
  }
  while (drain)
  {
    ssize_t r = read(fd, junk, sizeof junk) ;
    if (r < 0) { if (errno == EINTR) continue ; return 0 ; }
    if (!r) break ;
  }
  return 1 ;
}

void junkdb_open (tern_junkdb *d, char const *acct, int how)
{
  if (tern_junkdb_open(d, acct, how) != TERN_OK) jdie(111, "open the junk database") ;
}

static void put (char const *s)
{
  if (buffer_puts(buffer_1, s) < 0) strerr_diefusys(111, "write to stdout") ;
}

/* -v: the words that decided, most spammy first. */
static int byp (void const *a, void const *b)
{
  double x = ((tern_junkword const *)a)->p, y = ((tern_junkword const *)b)->p ;
  return x < y ? 1 : x > y ? -1 : 0 ;
}

static void verbose (tern_junkresult *r, tern_junkwords const *w)
{
  char line[64] ;
  qsort(r->used, r->nused, sizeof r->used[0], &byp) ;
  for (unsigned int i = 0 ; i < r->nused ; i++)
  {
    snprintf(line, sizeof line, "  %.3f %lu %lu ", r->used[i].p, (unsigned long)r->used[i].ham, (unsigned long)r->used[i].spam) ;
    put(line) ;
    put(tern_junkwords_word(w, r->used[i].i)) ;
    put("\n") ;
  }
  snprintf(line, sizeof line, "  words %u known %u\n", w->n, r->nknown) ;
  put(line) ;
}

/* One message in sa: its verdict line (after name, if any). */
static void classify1 (jargs *a, tern_junkdb const *d, tern_junkwords *w, stralloc *sa, char const *name)
{
  tern_junkresult r ;
  char line[64] ;
  if (!tern_junkwords_message(w, sa->s, sa->len, &a->o)) strerr_diefusys(111, "read the words of a message") ;
  if (tern_junkdb_classify(d, w, &a->o, &r) != TERN_OK) jdie(111, "classify") ;
  snprintf(line, sizeof line, "%s %.2f%s\n", r.junk ? "junk" : "ham", r.prob, r.significant ? "" : " untrained") ;
  if (name) { put(name) ; put(" ") ; }
  put(line) ;
  if (a->verbose) verbose(&r, w) ;
}

/* -b: the next file name from stdin into sa (NUL-terminated); 0 at EOF. */
static int nextname (stralloc *sa)
{
  int r ;
  sa->len = 0 ;
  r = skagetln(buffer_0, sa, '\n') ;
  if (r < 0 && errno != EPIPE) strerr_diefusys(111, "read file names from stdin") ;
  if (sa->len && sa->s[sa->len - 1] == '\n') sa->len-- ;
  if (!sa->len && r <= 0) return 0 ;
  if (!stralloc_0(sa)) strerr_diefusys(111, "allocate") ;
  return 1 ;
}

/* -b: reads the named file into msg; 0 (a warning) if it cannot. */
static int readfile (char const *name, stralloc *msg, size_t max)
{
  int fd = open(name, O_RDONLY | O_CLOEXEC) ;
  int ok = fd >= 0 && readmsg(fd, msg, max, 0) ;
  if (fd >= 0) fd_close(fd) ;
  if (!ok) strerr_warnwu2sys("read ", name) ;
  return ok ;
}

void cmd_classify (jargs *a)
{
  tern_junkdb d = TERN_JUNKDB_ZERO ;
  tern_junkwords w = TERN_JUNKWORDS_ZERO ;
  stralloc msg = STRALLOC_ZERO, name = STRALLOC_ZERO ;
  int bad = 0 ;
  junkdb_open(&d, a->acct.s, TERN_JUNKDB_READ) ;
  tern_junkwords_key(&w, d.key) ;
  if (!a->batch)
  {
    if (!readmsg(0, &msg, a->o.maxbytes, 1)) strerr_diefusys(111, "read the message on stdin") ;
    classify1(a, &d, &w, &msg, 0) ;
  }
  else while (nextname(&name))
  {
    if (readfile(name.s, &msg, a->o.maxbytes)) classify1(a, &d, &w, &msg, name.s) ;
    else { bad = 1 ; put(name.s) ; put(" error\n") ; }
  }
  if (!buffer_flush(buffer_1)) strerr_diefusys(111, "write to stdout") ;
  tern_junkdb_close(&d) ;
  tern_junkwords_free(&w) ;
  stralloc_free(&msg) ;
  stralloc_free(&name) ;
  if (bad) strerr_dief(111, "some files could not be read") ;
}

/* Trains (delta 1) or untrains (-1) the message in msg. */
static void train1 (jargs *a, tern_junkdb *d, tern_junkwords *w, stralloc *msg, int delta)
{
  if (!tern_junkwords_message(w, msg->s, msg->len, &a->o)) strerr_diefusys(111, "read the words of a message") ;
  if (tern_junkdb_train(d, w, a->spam, delta) != TERN_OK) jdie(111, "train") ;
}

void cmd_train (jargs *a, int delta)
{
  tern_junkdb d = TERN_JUNKDB_ZERO ;
  tern_junkwords w = TERN_JUNKWORDS_ZERO ;
  stralloc msg = STRALLOC_ZERO, name = STRALLOC_ZERO ;
  unsigned int n = 0 ;
  int bad = 0 ;
  if (!a->batch && !readmsg(0, &msg, a->o.maxbytes, 1)) strerr_diefusys(111, "read the message on stdin") ;
  junkdb_open(&d, a->acct.s, TERN_JUNKDB_WRITE) ;
  tern_junkwords_key(&w, d.key) ;
  if (!a->batch) train1(a, &d, &w, &msg, delta) ;
  else while (nextname(&name))
  {
    if (!readfile(name.s, &msg, a->o.maxbytes)) { bad = 1 ; continue ; }
    train1(a, &d, &w, &msg, delta) ;
    if (++n % JUNK_BATCH == 0 && tern_junkdb_commit(&d) != TERN_OK) jdie(111, "commit to the junk database") ;
  }
  if (tern_junkdb_commit(&d) != TERN_OK) jdie(111, "commit to the junk database") ;
  tern_junkdb_close(&d) ;
  tern_junkwords_free(&w) ;
  stralloc_free(&msg) ;
  stralloc_free(&name) ;
  if (bad) strerr_dief(111, "some files could not be read") ;
}

void cmd_stats (jargs *a)
{
  tern_junkdb d = TERN_JUNKDB_ZERO ;
  tern_junkstats s ;
  char line[256] ;
  junkdb_open(&d, a->acct.s, TERN_JUNKDB_READ) ;
  if (tern_junkdb_stats(&d, &s) != TERN_OK) jdie(111, "read the junk database's counts") ;
  snprintf(line, sizeof line, "ham %lu\nspam %lu\nwords %llu\nslots %llu\nbytes %llu\n",
    (unsigned long)s.nham, (unsigned long)s.nspam, (unsigned long long)s.words,
    (unsigned long long)s.slots, (unsigned long long)s.bytes) ;
  put(line) ;
  if (!buffer_flush(buffer_1)) strerr_diefusys(111, "write to stdout") ;
  tern_junkdb_close(&d) ;
}
