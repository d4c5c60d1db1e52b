/* test-junkdb-bench: check: the filter sorts 400 synthetic messages it was
   trained on, with both combinings.  Notes (not pass/fail), with
   $TERN_JUNK_CORPUS (make bench): ns per classification trained on 100 and
   on all messages, train rate, 5-fold accuracy of ref and chi. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <skalibs/djbunix.h>
#include "tern.h"
#include "tern_junk.h"
#include "t.h"

typedef struct msg_s { tern_junkwords w ; int spam ; } msg ;

static double now (void)
{
  struct timespec t ;
  clock_gettime(CLOCK_MONOTONIC, &t) ;
  return t.tv_sec + t.tv_nsec / 1e9 ;
}

static msg *msgs ;
static size_t nmsg, cap ;
static double toktime ;

static void add (char const *s, size_t len, int spam, tern_junkopt const *o)
{
  tern_junkwords z = TERN_JUNKWORDS_ZERO ;
  double t = now() ;
  if (nmsg == cap && !(msgs = realloc(msgs, (cap = cap ? 2 * cap : 1024) * sizeof *msgs))) exit(111) ;
  msgs[nmsg].w = z ;
  msgs[nmsg].spam = spam ;
  if (!tern_junkwords_message(&msgs[nmsg].w, s, len, o)) exit(111) ;
  toktime += now() - t ;
  nmsg++ ;
}

static void readdir_ (char const *dir, int spam, tern_junkopt const *o)
{
  DIR *d = opendir(dir) ;
  struct dirent *e ;
  stralloc sa = STRALLOC_ZERO ;
  char p[4096] ;
  if (!d) { fprintf(stderr, "cannot open %s\n", dir) ; exit(111) ; }
  while ((e = readdir(d)))
  {
    if (e->d_name[0] == '.') continue ;
    snprintf(p, sizeof p, "%s/%s", dir, e->d_name) ;
    sa.len = 0 ;
    if (openslurpclose(&sa, p)) add(sa.s, sa.len, spam, o) ;
  }
  closedir(d) ;
  stralloc_free(&sa) ;
}

/* train all but fold f of k (k = 0: all of the first n) */
static void train (tern_junkdb *d, size_t n, unsigned int f, unsigned int k)
{
  for (size_t i = 0 ; i < n ; i++)
    if ((!k || i % k != f) && tern_junkdb_train(d, &msgs[i].w, msgs[i].spam, 1)) exit(111) ;
}

static double classify (tern_junkdb const *d, tern_junkopt const *o, unsigned int *caught, unsigned int *wrong, unsigned int f, unsigned int k)
{
  tern_junkresult r ;
  double t = now() ;
  unsigned int n = 0 ;
  *caught = *wrong = 0 ;
  for (size_t i = 0 ; i < nmsg ; i++)
  {
    if (k && i % k != f) continue ;
    if (tern_junkdb_classify(d, &msgs[i].w, o, &r)) exit(111) ;
    n++ ;
    if (r.prob > o->threshold) { if (msgs[i].spam) (*caught)++ ; else (*wrong)++ ; }
  }
  return (now() - t) * 1e9 / (n ? n : 1) ;
}

static void synthetic (tern_junkopt const *o)
{
  char buf[2048] ;
  for (unsigned int i = 0 ; i < 400 ; i++)
  {
    int spam = i & 1 ;
    size_t n = (size_t)sprintf(buf, "Subject: %s %u\n\n", spam ? "cheap pills offer" : "meeting notes draft", i) ;
    for (unsigned int k = 0 ; k < 40 ; k++)
      n += (size_t)sprintf(buf + n, "%s%u ", spam ? "bargain" : "project", (i * 7 + k * 13) % 97) ;
    add(buf, n, spam, o) ;
  }
}

static void corpus (char const *dir, tern_junkopt *o)
{
  char p[4096] ;
  tern_junkdb d = TERN_JUNKDB_ZERO ;
  unsigned int caught, wrong, nspam = 0 ;
  double t, small, big ;
  snprintf(p, sizeof p, "%s/ham", dir) ; readdir_(p, 0, o) ;
  snprintf(p, sizeof p, "%s/spam", dir) ; readdir_(p, 1, o) ;
  for (size_t i = 0 ; i < nmsg ; i++) nspam += msgs[i].spam ;
  printf("# corpus: %zu messages (%u spam), tokenizing %.0f ns per message\n", nmsg, nspam, toktime * 1e9 / nmsg) ;
  /* shuffle deterministically so that folds mix ham and spam */
  srand(1) ;
  for (size_t i = nmsg - 1 ; i > 0 ; i--) { size_t j = (size_t)rand() % (i + 1) ; msg x = msgs[i] ; msgs[i] = msgs[j] ; msgs[j] = x ; }
  if (tern_junkdb_open(&d, "b", TERN_JUNKDB_WRITE)) exit(111) ;
  train(&d, 100, 0, 0) ;
  if (tern_junkdb_commit(&d)) exit(111) ;
  classify(&d, o, &caught, &wrong, 0, 0) ;  /* warm up: page faults, caches */
  small = classify(&d, o, &caught, &wrong, 0, 0) ;
  tern_junkdb_close(&d) ;
  if (tern_junkdb_open(&d, "b2", TERN_JUNKDB_WRITE)) exit(111) ;
  t = now() ;
  train(&d, nmsg, 0, 0) ;
  if (tern_junkdb_commit(&d)) exit(111) ;
  t = now() - t ;
  big = classify(&d, o, &caught, &wrong, 0, 0) ;
  tern_junkdb_close(&d) ;
  if (tern_junkdb_open(&d, "b2", TERN_JUNKDB_READ)) exit(111) ;
  classify(&d, o, &caught, &wrong, 0, 0) ;
  big = classify(&d, o, &caught, &wrong, 0, 0) ;
  {
    tern_junkstats st ;
    tern_junkdb_stats(&d, &st) ;
    printf("benchmark: classify %.0f ns per message trained on 100, %.0f ns trained on %zu (%llu words, %llu slots, %llu bytes); train %.0f messages/s with one commit\n",
      small, big, nmsg, (unsigned long long)st.words, (unsigned long long)st.slots, (unsigned long long)st.bytes, nmsg / t) ;
  }
  tern_junkdb_close(&d) ;
  for (unsigned int c = 0 ; c < 4 ; c++)
  {
    unsigned int tc = 0, tw = 0 ;
    o->combine = c & 1 ;
    o->threshold = c & 2 ? 0.5 : 0.95 ;
    for (unsigned int f = 0 ; f < 5 ; f++)
    {
      tern_junkdb r = TERN_JUNKDB_ZERO ;
      if (tern_junkdb_open(&r, "x", TERN_JUNKDB_REBUILD)) exit(111) ;
      train(&r, nmsg, f, 5) ;
      classify(&r, o, &caught, &wrong, f, 5) ;
      tc += caught ; tw += wrong ;
      tern_junkdb_close(&r) ;
    }
    printf("benchmark: 5-fold, combine=%s threshold=%.2f: spam caught %u of %u (%.2f%%), ham marked %u of %zu (%.2f%%)\n",
      o->combine ? "chi" : "ref", o->threshold, tc, nspam, 100.0 * tc / nspam, tw, nmsg - nspam, 100.0 * tw / (nmsg - nspam)) ;
  }
}

int main (void)
{
  tern_junkopt o ;
  char const *dir = getenv("TERN_JUNK_CORPUS") ;
  tern_junkopt_default(&o) ;
  if (dir) { corpus(dir, &o) ; return 0 ; }
  synthetic(&o) ;
  for (unsigned int c = 0 ; c < 2 ; c++)
  {
    tern_junkdb d = TERN_JUNKDB_ZERO ;
    unsigned int caught, wrong ;
    double ns ;
    o.combine = c ;
    T(!tern_junkdb_open(&d, "s", TERN_JUNKDB_WRITE), "open") ;
    if (!c) { train(&d, nmsg, 0, 0) ; T(!tern_junkdb_commit(&d), "commit") ; }
    ns = classify(&d, &o, &caught, &wrong, 0, 0) ;
    T(caught == 200 && wrong == 0, c ? "chi sorts its training mail" : "ref sorts its training mail") ;
    printf("# combine=%s: %.0f ns per classification of %zu synthetic messages\n", c ? "chi" : "ref", ns, nmsg) ;
    tern_junkdb_close(&d) ;
  }
  return tdone() ;
}
