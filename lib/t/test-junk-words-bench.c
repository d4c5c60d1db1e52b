/* test-junk-words-bench: checks that a tern_junkwords reused gives the same
   words.  With $TERN_JUNK_CORPUS (ham/ and spam/ of message files; make
   bench, junkwords.bench), not pass/fail: messages per second (CPU, in
   memory), words per message, badctype and cut counts. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <skalibs/stralloc.h>
#include <skalibs/genalloc.h>
#include <skalibs/djbunix.h>
#include "t.h"
#include "tern_junk.h"

static char const *const samples[] =
{
  "Subject: one two three\n\nfour five six seven\n",
  "Content-Type: text/html\n\n<p>alpha beta</p><script>no</script>\n",
  "From: someone@example.com\n\n",
  "Content-Type: multipart/mixed; boundary=x\n\n--x\n\nfirst part\n--x\nContent-Type: text/plain; charset=koi8-r\n\n\xf0\xd2\xc9\xd7\xc5\xd4\n--x--\n",
} ;

static double now (void)
{
  struct timespec t ;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t) ;
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9 ;
}

static void join (stralloc *sa, tern_junkwords const *w)
{
  sa->len = 0 ;
  for (unsigned int i = 0 ; i < w->n ; i++) stralloc_catb(sa, tern_junkwords_word(w, i), strlen(tern_junkwords_word(w, i)) + 1) ;
}

static void same (void)
{
  tern_junkwords a = TERN_JUNKWORDS_ZERO, b = TERN_JUNKWORDS_ZERO ;
  stralloc x = STRALLOC_ZERO, y = STRALLOC_ZERO ;
  tern_junkopt o ;
  size_t n = sizeof samples / sizeof *samples ;
  memset(&o, 0, sizeof o) ;
  o.onegrams = o.twograms = 1 ; o.maxbytes = 1 << 20 ;
  for (size_t i = 0 ; i < n ; i++)
  {
    tern_junkwords_message(&a, samples[i], strlen(samples[i]), &o) ;
    join(&x, &a) ;
    tern_junkwords_message(&b, samples[(i + 1) % n], strlen(samples[(i + 1) % n]), &o) ;
    tern_junkwords_message(&b, samples[i], strlen(samples[i]), &o) ;
    join(&y, &b) ;
    T(x.len == y.len && !memcmp(x.s, y.s, x.len), "same words after another message") ;
    T(a.n > 0, "words found") ;
  }
  tern_junkwords_free(&a) ; tern_junkwords_free(&b) ;
  stralloc_free(&x) ; stralloc_free(&y) ;
}

typedef struct msg_s msg ;
struct msg_s { size_t off, len ; int spam ; } ;

static void load (char const *dir, int spam, stralloc *all, genalloc *msgs)
{
  stralloc path = STRALLOC_ZERO ;
  DIR *d = opendir(dir) ;
  struct dirent *e ;
  if (!d) return ;
  while ((e = readdir(d)))
  {
    msg m ;
    if (e->d_name[0] == '.') continue ;
    path.len = 0 ;
    if (!stralloc_cats(&path, dir) || !stralloc_cats(&path, "/") || !stralloc_cats(&path, e->d_name) || !stralloc_0(&path)) exit(111) ;
    m.off = all->len ; m.spam = spam ;
    if (!openslurpclose(all, path.s)) continue ;
    m.len = all->len - m.off ;
    if (!genalloc_append(msg, msgs, &m)) exit(111) ;
  }
  closedir(d) ;
  stralloc_free(&path) ;
}

static void bench (char const *corpus, char const *g)
{
  static stralloc all = STRALLOC_ZERO ;
  static genalloc msgs = GENALLOC_ZERO ;
  tern_junkwords w = TERN_JUNKWORDS_ZERO ;
  tern_junkopt o ;
  unsigned long words = 0, bad[2] = { 0, 0 }, cut = 0, n[2] = { 0, 0 } ;
  double t = 0 ;
  if (!all.len)
  {
    stralloc p = STRALLOC_ZERO ;
    stralloc_cats(&p, corpus) ; stralloc_cats(&p, "/ham") ; stralloc_0(&p) ;
    load(p.s, 0, &all, &msgs) ;
    p.len = 0 ; stralloc_cats(&p, corpus) ; stralloc_cats(&p, "/spam") ; stralloc_0(&p) ;
    load(p.s, 1, &all, &msgs) ;
    stralloc_free(&p) ;
  }
  memset(&o, 0, sizeof o) ;
  o.onegrams = !!strchr(g, '1') ; o.twograms = !!strchr(g, '2') ; o.threegrams = !!strchr(g, '3') ;
  o.maxbytes = 1 << 20 ;
  for (unsigned int k = 0 ; k < 5 ; k++)   /* the best of 5: the machine is shared */
  {
    double t0 = now() ;
    words = bad[0] = bad[1] = cut = n[0] = n[1] = 0 ;
    for (size_t i = 0 ; i < genalloc_len(msg, &msgs) ; i++)
    {
      msg const *m = genalloc_s(msg, &msgs) + i ;
      if (!tern_junkwords_message(&w, all.s + m->off, m->len, &o)) exit(111) ;
      words += w.n ; n[m->spam]++ ; bad[m->spam] += w.badctype ; cut += w.cut ;
    }
    t0 = now() - t0 ;
    if (!k || t0 < t) t = t0 ;
  }
  printf("benchmark: tokenizer (%s-grams) %lu messages (%lu ham, %lu spam, %.1f MB) in %.3f s CPU (best of 5): %.0f messages/s, %.1f MB/s, %.0f words/message; badctype: %lu ham, %lu spam; cut: %lu\n",
    g, n[0] + n[1], n[0], n[1], all.len / 1e6, t, (n[0] + n[1]) / t, all.len / 1e6 / t, (double)words / (double)(n[0] + n[1]), bad[0], bad[1], cut) ;
  tern_junkwords_free(&w) ;
}

int main (void)
{
  char const *corpus = getenv("TERN_JUNK_CORPUS") ;
  same() ;
  if (corpus) { bench(corpus, "1") ; bench(corpus, "12") ; bench(corpus, "123") ; }
  return tdone() ;
}
