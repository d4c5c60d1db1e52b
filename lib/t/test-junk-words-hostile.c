/* test-junk-words-hostile: hostile messages, each in a child with CPU time
   and peak RSS bounded generously: 100 MB with maxbytes 1 MiB (the rest
   PROT_NONE: a read past it crashes), broken encodings, odd charsets,
   deep multiparts, a 1 MB word, NULs, bad UTF-8, hostile HTML. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <skalibs/stralloc.h>
#include "t.h"
#include "tern_junk.h"

#define MiB (1024 * 1024)
#define CPUMAX 10.0           /* seconds per case */
#define RSSMAX (200 * 1024)   /* KiB per case, the message included */

typedef struct res_s res ;
struct res_s { int ok ; unsigned int n, cut ; int found ; double cpu ; long rss ; } ;

static stralloc msg = STRALLOC_ZERO ;
static char const *findword = 0 ;
static int onegrams = 0 ;   /* only one-grams (else all three) */

static tern_junkopt opts (size_t maxbytes)
{
  tern_junkopt o ;
  memset(&o, 0, sizeof o) ;
  o.onegrams = 1 ;
  o.twograms = o.threegrams = !onegrams ;
  o.maxbytes = maxbytes ;
  return o ;
}

/* tokenizes m[0..len) in a child; its result, CPU time and peak RSS */
static res run (char const *m, size_t len, size_t maxbytes)
{
  res r ;
  int p[2] ;
  pid_t pid ;
  memset(&r, 0, sizeof r) ;
  if (pipe(p) < 0 || (pid = fork()) < 0) return r ;
  if (!pid)
  {
    tern_junkwords w = TERN_JUNKWORDS_ZERO ;
    tern_junkopt o = opts(maxbytes) ;
    struct rusage u ;
    close(p[0]) ;
    r.ok = tern_junkwords_message(&w, m, len, &o) ;
    r.n = w.n ; r.cut = w.cut ;
    for (unsigned int i = 0 ; findword && i < w.n ; i++) if (!strcmp(tern_junkwords_word(&w, i), findword)) r.found = 1 ;
    getrusage(RUSAGE_SELF, &u) ;
    r.cpu = (double)u.ru_utime.tv_sec + (double)u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6 ;
    r.rss = u.ru_maxrss ;
    if (write(p[1], &r, sizeof r) != sizeof r) _exit(1) ;
    _exit(0) ;
  }
  close(p[1]) ;
  if (read(p[0], &r, sizeof r) != sizeof r) r.ok = -1 ;
  close(p[0]) ;
  waitpid(pid, 0, 0) ;
  return r ;
}

static res check (char const *what, char const *m, size_t len, size_t maxbytes)
{
  res r = run(m, len, maxbytes) ;
  T(r.ok == 1, what) ;
  T(r.cpu < CPUMAX, what) ;
  T(r.rss < RSSMAX, what) ;
  fprintf(stderr, "%s: %u words cut=%u cpu %.2f s rss %ld KiB\n", what, r.n, r.cut, r.cpu, r.rss) ;
  return r ;
}

static void fill (stralloc *sa, size_t len, unsigned int seed)
{
  static char const text[] = "lorem ipsum dolor sit amet consectetur adipiscing elit sed eiusmod tempor " ;
  for (size_t i = 0 ; sa->len < len ; i++)
  {
    seed = seed * 1103515245 + 12345 ;
    stralloc_catb(sa, text + (seed >> 16) % 60, 6 + (seed >> 8) % 10) ;
  }
}

/* a distinct word for n: base-26 letters, each followed by 'a' */
static void word (stralloc *sa, unsigned int n)
{
  stralloc_cats(sa, " za") ;
  do { char c[2] = { (char)('b' + n % 24), 'a' } ; stralloc_catb(sa, c, 2) ; n /= 24 ; } while (n) ;
}

/* n nested multiparts, then a text part with word w */
static void nest (stralloc *sa, unsigned int n, char const *w)
{
  char b[80] ;
  for (unsigned int i = 0 ; i < n ; i++)
  {
    snprintf(b, sizeof b, "Content-Type: multipart/mixed; boundary=\"b%u\"\n\n--b%u\n", i, i) ;
    stralloc_cats(sa, b) ;
  }
  stralloc_cats(sa, "Content-Type: text/plain\n\n") ;
  stralloc_cats(sa, w) ;
  stralloc_cats(sa, "\n") ;
  for (unsigned int i = n ; i-- ; ) { snprintf(b, sizeof b, "--b%u--\n", i) ; stralloc_cats(sa, b) ; }
}

static void random_bytes (stralloc *sa, size_t len, unsigned int seed, unsigned char or)
{
  while (len--) { seed = seed * 1103515245 + 12345 ; char c = (char)((seed >> 16) | or) ; stralloc_catb(sa, &c, 1) ; }
}

/* 100 MB of which only 1 MiB can be read: maxbytes must hold */
static void big (void)
{
  size_t len = 100 * (size_t)MiB ;
  char *m = mmap(0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0) ;
  res r ;
  T(m != MAP_FAILED, "mmap 100 MB") ;
  if (m == MAP_FAILED) return ;
  msg.len = 0 ;
  stralloc_cats(&msg, "Subject: big one\nContent-Type: text/plain\n\n") ;
  fill(&msg, 2 * MiB, 1) ;
  memcpy(m, msg.s, 2 * MiB) ;
  memcpy(m + MiB - 10, " lastword ", 10) ;
  T(!mprotect(m + MiB, len - MiB, PROT_NONE), "mprotect") ;
  onegrams = 1 ; findword = "lastword" ;
  r = check("100 MB, maxbytes 1 MiB", m, len, MiB) ;
  T(r.cut && r.n > 10 && r.n < TERN_JUNK_WORDSMAX && r.found, "100 MB: cut, words up to the end of the prefix") ;
  onegrams = 0 ; findword = 0 ;
  munmap(m, len) ;
}

static void deep (void)
{
  res r ;
  msg.len = 0 ; nest(&msg, 50, "deepword") ; findword = "deepword" ;
  r = check("50 nested multiparts", msg.s, msg.len, MiB) ;
  T(r.found, "text at depth 50 tokenized") ;
  msg.len = 0 ; nest(&msg, 51, "deepword") ;
  r = check("51 nested multiparts", msg.s, msg.len, MiB) ;
  T(!r.found && !r.n, "text at depth 51 skipped") ;
  msg.len = 0 ; nest(&msg, 1000, "deepword") ;
  r = check("1,000 nested multiparts", msg.s, msg.len, MiB) ;
  T(!r.found && !r.n, "text at depth 1,000 skipped") ;
  findword = 0 ;
}

int main (void)
{
  static char const *const charsets[] = { "x-bogus", "UTF-16", "UTF-7", "ISO-2022-JP", "GB18030", "../../etc/passwd",
    "UTF-32BE", "KOI8-R", "BIG5", "SHIFT_JIS", "EUC-JP", "ISO-8859-8", "IBM037", "" } ;
  res r ;
  big() ;
  deep() ;

  msg.len = 0 ; stralloc_cats(&msg, "Content-Transfer-Encoding: base64\n\n") ; random_bytes(&msg, MiB, 2, 0) ;
  check("broken base64", msg.s, msg.len, 2 * MiB) ;
  msg.len = 0 ; stralloc_cats(&msg, "Content-Transfer-Encoding: quoted-printable\n\n") ;
  for (unsigned int i = 0 ; i < 100000 ; i++) stralloc_cats(&msg, i % 3 ? "=\r=Z=" : "=4x=\n=") ;
  check("broken quoted-printable", msg.s, msg.len, 2 * MiB) ;

  msg.len = 0 ; stralloc_cats(&msg, "Content-Type: multipart/mixed; boundary=b\n\n") ;
  for (unsigned int i = 0 ; i < 280 ; i++)
  {
    stralloc_cats(&msg, "--b\nContent-Type: text/plain; charset=\"") ;
    stralloc_cats(&msg, charsets[i % (sizeof charsets / sizeof *charsets)]) ;
    stralloc_cats(&msg, "\"\n\n") ;
    random_bytes(&msg, 3000, i, 0) ;
    stralloc_cats(&msg, "\n") ;
  }
  check("280 parts in odd or unknown charsets", msg.s, msg.len, 2 * MiB) ;

  msg.len = 0 ; stralloc_cats(&msg, "\nhead ") ;
  for (unsigned int i = 0 ; i < MiB ; i++) stralloc_catb(&msg, "a", 1) ;
  stralloc_cats(&msg, " tail\n") ;
  r = check("a word of 1 MB", msg.s, msg.len, 2 * MiB) ;
  T(r.n == 2, "a word of 1 MB: only head and tail, no n-gram over it") ;

  msg.len = 0 ; stralloc_cats(&msg, "\n") ;
  for (unsigned int i = 0 ; i < MiB / 8 ; i++) stralloc_catb(&msg, "abc\0de\0f", 8) ;
  r = check("NUL bytes", msg.s, msg.len, 2 * MiB) ;
  T(r.n == 6, "NUL bytes: abc, fabc and their n-grams") ;
  msg.len = 0 ; stralloc_cats(&msg, "\n") ; random_bytes(&msg, MiB, 3, 0x80) ;
  check("invalid UTF-8", msg.s, msg.len, 2 * MiB) ;

  msg.len = 0 ; stralloc_cats(&msg, "\n") ;
  for (unsigned int i = 0 ; i < 60000 ; i++) word(&msg, i) ;
  r = check("60,000 distinct words", msg.s, msg.len, 4 * MiB) ;
  T(r.n == TERN_JUNK_WORDSMAX && r.cut, "60,000 distinct words: TERN_JUNK_WORDSMAX kept, cut") ;

  msg.len = 0 ; stralloc_cats(&msg, "Content-Type: text/html\n\n") ;
  for (unsigned int i = 0 ; i < 150000 ; i++) stralloc_cats(&msg, "<div>") ;
  for (unsigned int i = 0 ; i < 20000 ; i++) stralloc_cats(&msg, "&#99999999999; &#x; &bogus;&amp<a href='x' <b <!- ") ;
  stralloc_cats(&msg, "<title>unclosed <a <!-- comment") ;
  check("hostile HTML", msg.s, msg.len, 2 * MiB) ;

  msg.len = 0 ; stralloc_cats(&msg, "Content-Type: multipart/mixed; boundary=b\n\n") ;
  for (unsigned int i = 0 ; i < MiB / 4 ; i++) stralloc_cats(&msg, "--b\n") ;
  check("262,144 empty parts", msg.s, msg.len, 2 * MiB) ;

  msg.len = 0 ; stralloc_cats(&msg, "Subject: ") ;
  for (unsigned int i = 0 ; i < MiB / 2 ; i++) stralloc_cats(&msg, "x\n ") ;
  for (unsigned int i = 0 ; i < MiB / 16 ; i++) stralloc_cats(&msg, "To: someone\n") ;
  check("a folded header of 1 MiB", msg.s, msg.len, 4 * MiB) ;
  stralloc_free(&msg) ;
  return tdone() ;
}
