/* test-junkdb: the junk filter's database: options, exact probabilities
   for both combinings, train/untrain, growth, damage, automatic flags and
   options from config.cdb.  test-junkdb-store: states, rebuild, concurrency. */
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
#include "tern_conftext.h"
#include "t.h"
#include "junkt.h"

static void topts (void)
{
  tern_junkopt o ;
  tern_junkopt_default(&o) ;
  T(o.threshold == 0.46 && o.maxpower == 0.01 && o.ignorewords == 0.1 && o.onegrams && !o.twograms && !o.threegrams
    && o.topwords == 10 && o.rarewords == 2 && o.combine == TERN_JUNK_COMBINE_CHI && o.minham == 50 && o.minspam == 10
    && o.maxbytes == 1048576, "defaults") ;
  { char const *v = "threshold=0.9  combine=chi min-ham=5 twograms=yes max-bytes=2048" ; T(tern_junkopt_parse(&o, v, strlen(v)), "parse") ; }
  T(o.threshold == 0.9 && o.combine == TERN_JUNK_COMBINE_CHI && o.minham == 5 && o.twograms && o.maxbytes == 2048
    && o.topwords == 10, "parsed values, others default") ;
  T(tern_junkopt_parse(&o, "", 0) && o.threshold == 0.46 && o.combine == TERN_JUNK_COMBINE_CHI, "empty is the defaults") ;
  T(tern_junkopt_parse(&o, "combine=ref", 11) && o.threshold == 0.95, "combine=ref alone: the reference's threshold") ;
  T(tern_junkopt_parse(&o, "combine=ref threshold=0.5", 25) && o.threshold == 0.5, "a threshold given is kept") ;
  {
    static char const *const bad[] = { "threshold=1.1", "threshold", "nosuch=1", "combine=sum", "top-words=0",
      "max-bytes=10", "onegrams=no", "max-power=0.5", "threshold=0.1234567", "min-ham=-1", "rare-words=x" } ;
    for (size_t i = 0 ; i < sizeof bad / sizeof bad[0] ; i++)
    {
      errno = 0 ;
      T(!tern_junkopt_parse(&o, bad[i], strlen(bad[i])) && errno == EINVAL, bad[i]) ;
    }
  }
}

/* spam: {cheap viagra hello} {cheap money}; ham: {hello meeting} {meeting lunch hello} */
static void trainfour (tern_junkdb *d, tern_junkwords *w, int delta)
{
  mk(w, "cheap viagra hello") ; T(!tern_junkdb_train(d, w, 1, delta), "train") ;
  mk(w, "cheap money") ; T(!tern_junkdb_train(d, w, 1, delta), "train") ;
  mk(w, "hello meeting") ; T(!tern_junkdb_train(d, w, 0, delta), "train") ;
  mk(w, "meeting lunch hello") ; T(!tern_junkdb_train(d, w, 0, delta), "train") ;
}

static double q6 (double x)  /* chi-square survival, 6 degrees */
{
  double m = x / 2 ;
  return exp(-m) * (1 + m + m * m / 2) ;
}

static void check4 (tern_junkdb const *d, char const *what)
{
  tern_junkwords w = TERN_JUNKWORDS_ZERO ;
  tern_junkopt o ;
  tern_junkresult r ;
  double f1 = (0.0178 * 0.52 + 2) / 2.0178, f2 = (0.0178 * 0.52 + 1) / 3.0178, f3 = (0.0178 * 0.52) / 2.0178 ;
  double h = q6(-2 * (log(f1) + log(f2) + log(f3))), s = q6(-2 * (log(1 - f1) + log(1 - f2) + log(1 - f3))) ;
  tern_junkopt_default(&o) ;
  o.combine = TERN_JUNK_COMBINE_REF ;
  mk(&w, "cheap hello meeting unknown") ;
  /* cheap 0.99 -> 0.941, hello 1/3, meeting 0.01 -> 0.059: eta = ln 2 */
  T(!tern_junkdb_classify(d, &w, &o, &r) && near(r.prob, 1.0 / 3) && r.nknown == 3 && r.nused == 3, what) ;
  T(r.used[0].i == 2 && near(r.used[0].p, 0.059) && r.used[1].i == 1 && r.used[2].i == 0 && near(r.used[2].p, 0.941), what) ;
  T(!r.significant && !r.junk, "not significant before min-ham") ;
  o.combine = TERN_JUNK_COMBINE_CHI ;
  T(!tern_junkdb_classify(d, &w, &o, &r) && near(r.prob, (1 + h - s) / 2) && r.nused == 3, what) ;
  o.minham = 2 ; o.minspam = 2 ; o.threshold = 0.2 ; o.combine = TERN_JUNK_COMBINE_REF ;
  T(!tern_junkdb_classify(d, &w, &o, &r) && r.significant && r.junk, "significant and over the threshold") ;
  w.badctype = 1 ;
  T(!tern_junkdb_classify(d, &w, &o, &r) && r.prob == 1, "bad Content-Type is sure spam") ;
  mk(&w, "cheap money viagra") ;
  o.topwords = 2 ;
  /* cheap 0.941; money, viagra 0.99 -> 0.892 (n=1: +2*(0.5-0.99)/10): top 2 are cheap, then viagra (longer) */
  T(!tern_junkdb_classify(d, &w, &o, &r) && r.nused == 2 && r.used[0].i == 0 && r.used[1].i == 2
    && near(r.used[1].p, 0.892), "top words, ties: longer first") ;
  tern_junkwords_free(&w) ;
}

static void tclassify (void)
{
  tern_junkdb d = TERN_JUNKDB_ZERO, e = TERN_JUNKDB_ZERO ;
  tern_junkwords w = TERN_JUNKWORDS_ZERO ;
  tern_junkstats st ;
  T(!tern_junkdb_open(&d, "c", TERN_JUNKDB_READ) && !d.map, "absent database reads as empty") ;
  T(tern_junkdb_train(&d, &w, 1, 1) == TERN_TEMP, "READ cannot train") ;
  tern_junkdb_close(&d) ;
  T(!tern_junkdb_open(&d, "c", TERN_JUNKDB_WRITE), "open WRITE creates") ;
  trainfour(&d, &w, 1) ;
  check4(&d, "classify pending") ;
  T(!tern_junkdb_commit(&d), "commit") ;
  check4(&d, "classify committed") ;
  tern_junkdb_close(&d) ;
  T(!tern_junkdb_open(&e, "c", TERN_JUNKDB_READ), "open READ") ;
  check4(&e, "classify reopened") ;
  T(!tern_junkdb_stats(&e, &st) && st.nham == 2 && st.nspam == 2 && st.words == 6 && st.slots == 1024
    && st.bytes == 64 + 1024 * 16, "stats") ;
  tern_junkdb_close(&e) ;
  /* untrain twice: counts stop at zero */
  T(!tern_junkdb_open(&d, "c", TERN_JUNKDB_WRITE), "open WRITE") ;
  trainfour(&d, &w, -1) ;
  mk(&w, "cheap never") ; T(!tern_junkdb_train(&d, &w, 1, -1), "untrain more") ;
  T(!tern_junkdb_commit(&d) && d.nham == 0 && d.nspam == 0, "untrained totals stop at zero") ;
  T(!tern_junkdb_stats(&d, &st) && st.words == 0 && st.nham == 0, "all words at 0/0") ;
  tern_junkdb_close(&d) ;
  tern_junkwords_free(&w) ;
}

static void tgrowth (void)
{
  tern_junkdb d = TERN_JUNKDB_ZERO ;
  tern_junkwords w = TERN_JUNKWORDS_ZERO ;
  tern_junkstats st ;
  char buf[64 * 12] ;
  unsigned int bad = 0 ;
  T(!tern_junkdb_open(&d, "g", TERN_JUNKDB_WRITE), "open") ;
  for (unsigned int m = 0 ; m < 3000 ; m++)
  {
    size_t n = 0 ;
    for (unsigned int k = 0 ; k < 10 ; k++) n += (size_t)sprintf(buf + n, "w%u ", m * 10 + k) ;
    n += (size_t)sprintf(buf + n, "common%u", m % 7) ;
    mk(&w, buf) ;
    if (tern_junkdb_train(&d, &w, m & 1, 1)) bad++ ;
    if (m % 97 == 0 && tern_junkdb_commit(&d)) bad++ ;
  }
  T(!bad && !tern_junkdb_commit(&d), "3000 trainings committed in pieces") ;
  tern_junkdb_close(&d) ;
  T(!tern_junkdb_open(&d, "g", TERN_JUNKDB_READ) && !tern_junkdb_stats(&d, &st), "reopen") ;
  T(st.words == 30007 && st.slots >= 65536 && st.nham == 1500 && st.nspam == 1500, "all words kept through the growths") ;
  for (unsigned int i = 0 ; i < 30000 ; i++)
  {
    uint32_t ham, spam ;
    unsigned int m = i / 10 ;
    sprintf(buf, "w%u", i) ;
    if (!tern_jdb_counts(&d, tern_jdb_hash(d.key, buf, strlen(buf)), &ham, &spam) || ham != !(m & 1) || spam != (m & 1)) bad++ ;
  }
  for (unsigned int i = 0 ; i < 7 ; i++)
  {
    uint32_t ham, spam, want = 0 ;
    for (unsigned int m = 0 ; m < 3000 ; m++) want += m % 7 == i ;
    sprintf(buf, "common%u", i) ;
    if (!tern_jdb_counts(&d, tern_jdb_hash(d.key, buf, strlen(buf)), &ham, &spam) || ham + spam != want) bad++ ;
  }
  T(!bad, "every count exact after growing") ;
  printf("# growth: %llu words in %llu slots, %llu bytes\n", (unsigned long long)st.words, (unsigned long long)st.slots, (unsigned long long)st.bytes) ;
  tern_junkdb_close(&d) ;
  tern_junkwords_free(&w) ;
}

/* a journal left by a "crash": written, then nothing applied */
static int leave (char const *acct, unsigned int gendelta, uint32_t ham)
{
  tern_junkdb d = TERN_JUNKDB_ZERO ;
  tern_jdb_journal j = TERN_JDB_JOURNAL_ZERO ;
  tern_jdb_hdr h ;
  tern_jdb_pend p = { .h = 0, .ham = ham, .spam = 0, .pos = 0 } ;
  int ok ;
  if (tern_junkdb_open(&d, acct, TERN_JUNKDB_WRITE) || tern_jdb_header(&d, &h)) return 0 ;
  p.h = tern_jdb_hash(d.key, "journalled", 10) ;
  j.kind = TERN_JDB_UPDATE ;
  j.h = h ;
  j.h.gen = h.gen + gendelta ;
  j.h.nham = 7 ;
  j.h.used = h.used + 1 ;
  ok = genalloc_append(tern_jdb_pend, &j.words, &p) && tern_jdb_journal_write(&d, &j) ;
  tern_jdb_journal_free(&j) ;
  tern_junkdb_close(&d) ;
  return ok ;
}

static void tjournal (void)
{
  tern_junkdb d = TERN_JUNKDB_ZERO ;
  uint32_t ham, spam ;
  struct stat st ;
  T(leave("j", 1, 3), "a journal of the next generation") ;
  T(!tern_junkdb_open(&d, "j", TERN_JUNKDB_READ) && d.nham == 0 && !tern_junkdb_word(&d, "journalled", 10, &ham, &spam),
    "readers do not see it") ;
  tern_junkdb_close(&d) ;
  T(!tern_junkdb_open(&d, "j", TERN_JUNKDB_WRITE) && d.nham == 7 && tern_junkdb_word(&d, "journalled", 10, &ham, &spam)
    && ham == 3 && stat("j/junk/journal", &st) < 0, "a WRITE open finishes it") ;
  tern_junkdb_close(&d) ;
  T(leave("j", 0, 9) && !tern_junkdb_open(&d, "j", TERN_JUNKDB_WRITE) && tern_junkdb_word(&d, "journalled", 10, &ham, &spam)
    && ham == 3 && d.nham == 7, "one of the same generation: its words are not applied again") ;
  tern_junkdb_close(&d) ;
  T(leave("j", 2, 9) && !tern_junkdb_open(&d, "j", TERN_JUNKDB_WRITE) && tern_junkdb_word(&d, "journalled", 10, &ham, &spam)
    && ham == 3 && d.nham == 7 && stat("j/junk/journal", &st) < 0, "a stale one is dropped") ;
  tern_junkdb_close(&d) ;
  /* one that claims 4 billion words in 72 bytes: dropped, nothing allocated for them */
  {
    char b[72] ;
    memset(b, 0, sizeof b) ;
    memcpy(b, "ternjrnl\1\0\0\0\1\0\0\0", 16) ;
    memset(b + 32, 0xff, 4) ;
    if (!tern_file_replace("j/junk/journal", b, sizeof b, 0600)) exit(111) ;
    T(!tern_junkdb_open(&d, "j", TERN_JUNKDB_WRITE) && d.nham == 7 && stat("j/junk/journal", &st) < 0, "a journal that lies about its size") ;
    tern_junkdb_close(&d) ;
  }
}

static void poke (char const *path, off_t off, char const *s, size_t n)
{
  int fd = open(path, O_WRONLY | O_CREAT, 0600) ;
  if (fd < 0 || pwrite(fd, s, n, off) != (ssize_t)n) exit(111) ;
  close(fd) ;
}

static void damaged (char const *what, char const *cause)
{
  tern_junkdb d = TERN_JUNKDB_ZERO ;
  int r = tern_junkdb_open(&d, "c", TERN_JUNKDB_READ) ;
  T(r == TERN_TEMP && errno == EUCLEAN && !strcmp(tern_store_damage_path(), "c/junk/words")
    && strstr(tern_store_damage_what(), cause), what) ;
  tern_junkdb_close(&d) ;
  r = tern_junkdb_open(&d, "c", TERN_JUNKDB_WRITE) ;
  T(r == TERN_TEMP && errno == EUCLEAN, what) ;
  tern_junkdb_close(&d) ;
}

static void tdamage (void)
{
  char save[64] ;
  int fd = open("c/junk/words", O_RDONLY) ;
  if (fd < 0 || read(fd, save, 64) != 64) exit(111) ;
  close(fd) ;
  poke("c/junk/words", 0, "TERNJUNK", 8) ; damaged("bad magic", "magic") ;
  poke("c/junk/words", 0, save, 64) ;
  poke("c/junk/words", 20, "\x07", 1) ; damaged("header checksum", "checksum") ;
  poke("c/junk/words", 0, save, 64) ;
  if (truncate("c/junk/words", 64 + 1000 * 16) < 0) exit(111) ;
  damaged("short file", "size") ;
  if (truncate("c/junk/words", 10) < 0) exit(111) ;
  damaged("shorter than the header", "shorter") ;
  {
    tern_junkdb d = TERN_JUNKDB_ZERO ;
    tern_junkwords w = TERN_JUNKWORDS_ZERO ;
    mk(&w, "repaired") ;
    T(!tern_junkdb_open(&d, "c", TERN_JUNKDB_REBUILD) && !tern_junkdb_train(&d, &w, 0, 1) && !tern_junkdb_lock(&d)
      && !tern_junkdb_commit(&d), "a rebuild replaces a damaged filter") ;
    tern_junkdb_close(&d) ;
    T(!tern_junkdb_open(&d, "c", TERN_JUNKDB_READ) && d.nham == 1, "and it opens again") ;
    tern_junkdb_close(&d) ;
    tern_junkwords_free(&w) ;
  }
  /* every slot holds the same hash (the header lies): growing finds it */
  {
    static char t[TERN_JDB_HDR + TERN_JDB_MINSLOTS * TERN_JDB_SLOT] ;
    tern_jdb_hdr h = { .slots = TERN_JDB_MINSLOTS, .used = 0, .nham = 1, .nspam = 1, .gen = 1 } ;
    tern_junkdb d = TERN_JUNKDB_ZERO ;
    tern_junkwords w = TERN_JUNKWORDS_ZERO ;
    for (unsigned int i = 0 ; i < TERN_JDB_MINSLOTS ; i++) tern_jdb_slot_pack(t + TERN_JDB_HDR + i * TERN_JDB_SLOT, 0x1234, 1, 0) ;
    tern_jdb_hdr_pack(t, &h) ;
    if (!tern_file_replace("c/junk/words", t, sizeof t, 0600)) exit(111) ;
    mk(&w, "anything") ;
    T(!tern_junkdb_open(&d, "c", TERN_JUNKDB_WRITE) && !tern_junkdb_train(&d, &w, 1, 1), "open a table with one hash everywhere") ;
    T(tern_junkdb_commit(&d) == TERN_TEMP && errno == EUCLEAN && strstr(tern_store_damage_what(), "hash twice"), "growing it: damage") ;
    tern_junkdb_close(&d) ;
    tern_junkwords_free(&w) ;
  }
  /* a torn journal is dropped, the table rebuilt from nothing is fine */
  if (unlink("c/junk/words") < 0) exit(111) ;
  poke("c/junk/journal", 0, "ternjrnl", 8) ;
  {
    tern_junkdb d = TERN_JUNKDB_ZERO ;
    struct stat st ;
    T(!tern_junkdb_open(&d, "c", TERN_JUNKDB_WRITE) && stat("c/junk/journal", &st) < 0 && errno == ENOENT, "torn journal dropped") ;
    tern_junkdb_close(&d) ;
  }
}

static void tflags (void)
{
  tern_junkflags f = { .on = 1, .have = 0 } ;
  T(!regcomp(&f.re[0], "^(junk|spam)", REG_EXTENDED | REG_NOSUB), "regcomp") ;
  f.have = 1 ;
  T(tern_junkflags_apply(&f, "Spam/x", 0, TERN_F_NOTJUNK | TERN_F_SEEN) == (TERN_F_JUNK | TERN_F_SEEN), "junk regex") ;
  T(tern_junkflags_apply(&f, "Archive", 0, TERN_F_NOTJUNK) == TERN_F_NOTJUNK, "one regex: others unchanged") ;
  T(!regcomp(&f.re[1], "^(inbox|neutral|postmaster|dmarc|tlsrpt|rejects)", REG_EXTENDED | REG_NOSUB), "regcomp") ;
  f.have = 3 ;
  T(tern_junkflags_apply(&f, "INBOX", 0, TERN_F_JUNK) == 0, "neutral clears both") ;
  T(tern_junkflags_apply(&f, "Lists/tern", 0, TERN_F_JUNK) == TERN_F_NOTJUNK, "two regexes: the missing one matches the rest") ;
  T(tern_junkflags_apply(&f, "Archive", TERN_SU_JUNK, 0) == TERN_F_JUNK, "\\Junk special use") ;
  T(!regcomp(&f.re[2], "^(archives|\xc3\xa9t\xc3\xa9)", REG_EXTENDED | REG_NOSUB), "regcomp") ;
  f.have = 7 ;
  T(tern_junkflags_apply(&f, "\xc3\x89T\xc3\x89/2024", 0, TERN_F_JUNK) == TERN_F_NOTJUNK, "non-ASCII names lower-cased") ;
  T(tern_junkflags_apply(&f, "Lists/tern", 0, TERN_F_JUNK) == TERN_F_JUNK, "three regexes, none matches: unchanged") ;
  f.on = 0 ;
  T(tern_junkflags_apply(&f, "Junk", 0, 0) == 0 && tern_junkflags_apply(&f, "x", TERN_SU_JUNK, 0) == TERN_F_JUNK, "off: only \\Junk") ;
  tern_junkflags_free(&f) ;
}

static int put (char const *path, char const *s)
{
  return tern_file_replace(path, s, strlen(s), 0644) ;
}

static void tconf (void)
{
  tern_conftext t = TERN_CONFTEXT_ZERO ;
  tern_conf c = TERN_CONF_ZERO ;
  tern_junkopt o ;
  tern_junkflags f ;
  T(tern_mkdirp("cf/domains", 0755) && tern_mkdirp("cf/accounts", 0755)
    && put("cf/tern.conf", "hostname h.example\ndatadir data\n") && put("cf/domains/example.com", "")
    && put("cf/accounts/bob", "address bob@example.com\njunk-filter threshold=0.9 combine=chi min-ham=3\n"
      "junk-flags yes\njunk-mailbox ^(junk|spam)\nneutral-mailbox ^(inbox|rejects)\n")
    && put("cf/accounts/al", "address al@example.com\n"), "config text") ;
  T(tern_conftext_init(&t, "cf", 0) && tern_conftext_dir(&t) && !t.nerr && tern_conftext_write(&t, "cf/config.cdb"), "compile") ;
  tern_conftext_free(&t) ;
  T(tern_conf_open(&c, "cf"), "open config") ;
  T(tern_junkopt_conf(&c, "bob", &o) == 1 && o.threshold == 0.9 && o.combine == TERN_JUNK_COMBINE_CHI && o.minham == 3
    && o.minspam == 10 && o.topwords == 10 && o.onegrams, "junk-filter options from config.cdb") ;
  T(tern_junkopt_conf(&c, "al", &o) == 0, "no junk-filter") ;
  T(tern_junkflags_conf(&f, &c, "bob") && f.on && f.have == 3, "junk-flags from config.cdb") ;
  T(tern_junkflags_apply(&f, "Spam", 0, 0) == TERN_F_JUNK && tern_junkflags_apply(&f, "Rejects", 0, TERN_F_JUNK) == 0
    && tern_junkflags_apply(&f, "Sent", 0, 0) == TERN_F_NOTJUNK, "configured flags") ;
  tern_junkflags_free(&f) ;
  T(tern_junkflags_conf(&f, &c, "al") && !f.on && !f.have && tern_junkflags_apply(&f, "Junk", 0, 0) == 0, "no junk-flags") ;
  tern_junkflags_free(&f) ;
  tern_conf_close(&c) ;
}

int main (void)
{
  topts() ;
  tclassify() ;
  tgrowth() ;
  tjournal() ;
  tdamage() ;
  tflags() ;
  tconf() ;
  return tdone() ;
}
