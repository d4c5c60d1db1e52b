/* tern-queue-dsn: tell a queued message's sender that recipients failed
   or are delayed: compose a DSN and deliver it locally.
   usage: tern-queue-dsn [ -c confdir ] [ -d ] [ -a attempts ] [ -t time ] file
   stdin: "failed|delayed RCPT CODE TEXT" lines.  stdout: nothing.
   exit: 0 delivered or not due (null sender), 100 permanent, 111 temporary. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <skalibs/types.h>
#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>
#include <skalibs/buffer.h>
#include "tern.h"
#include "tern_log.h"
#include "tern_crypto.h"
#include "tern-queue-dsn.h"

#define USAGE "tern-queue-dsn [ -c confdir ] [ -d ] [ -a attempts ] [ -t time ] file"

static void global (tern_conf const *c, char const *key, stralloc *sa, char const *dflt)
{
  int r = tern_conf_global(c, key, sa) ;
  if (r < 0) strerr_diefusys(111, "read ", key, " in the configuration") ;
  if (!r && !dflt) strerr_dief(111, "no ", key, " in the configuration") ;
  if ((!r && !stralloc_cats(sa, dflt)) || !stralloc_0(sa)) strerr_diefusys(111, "allocate") ;
}

/* the message: all of it up to what a notice can attach */
static void readmsg (int fd, tern_qenv const *e, stralloc *sa, uint64_t *size)
{
  struct stat st ;
  size_t want ;
  if (fstat(fd, &st) < 0) strerr_diefusys(111, "stat the queue file") ;
  *size = (uint64_t)st.st_size > e->hdrlen ? (uint64_t)st.st_size - e->hdrlen : 0 ;
  want = *size < TERN_DSN_FULLMAX ? (size_t)*size : TERN_DSN_FULLMAX ;
  if (!stralloc_ready(sa, want)) strerr_diefusys(111, "allocate") ;
  while (sa->len < want)
  {
    ssize_t r = pread(fd, sa->s + sa->len, want - sa->len, (off_t)(e->hdrlen + sa->len)) ;
    if (r < 0 && errno == EINTR) continue ;
    if (r < 0) strerr_diefusys(111, "read the queue file") ;
    if (!r) break ;
    sa->len += (size_t)r ;
  }
}

static void uniq (stralloc *sa)
{
  unsigned char rnd[8] ;
  char hex[17] ;
  tern_random(rnd, sizeof rnd) ;
  tern_hex_fmt(hex, rnd, sizeof rnd) ;
  if (!stralloc_catb(sa, hex, 16) || !stralloc_catb(sa, ".", 1) || !tern_uniqname(sa) || !stralloc_0(sa))
    strerr_diefusys(111, "allocate") ;
}

static void logdone (char const *id, tern_dsn const *d, char const *from, int utf8, char const *acct, size_t size)
{
  char n[UINT_FMT], sz[SIZE_FMT] ;
  stralloc lf = STRALLOC_ZERO ;  /* the sender's log form (REFERENCE.md 12) */
  int failed = 0 ;
  for (unsigned int i = 0 ; i < d->nrcpt ; i++) if (d->rcpts[i].action == TERN_DSN_FAILED) failed = 1 ;
  n[uint_fmt(n, d->nrcpt)] = 0 ;
  sz[size_fmt(sz, size)] = 0 ;
  if (!from)
    tern_log_info("no-notice", "id", id, "kind", failed ? "failed" : "delayed", "reason", "null sender", "nrcpt", n, TERN_LOG_END) ;
  else
  {
    if (!tern_addr_logtext(&lf, from, utf8) || !stralloc_0(&lf)) lf.len = 0 ;
    tern_log_info("notice", "id", id, "kind", failed ? "failed" : "delayed", "from", lf.len ? lf.s : from,
      "account", acct, "nrcpt", n, "size", sz, TERN_LOG_END) ;
    stralloc_free(&lf) ;
  }
}

/* the settings, the attempts, and DATADIR/queue/tmp in tmp */
static void settings (tern_conf const *c, char const *id, tern_qenv const *e, genalloc *rcpts, tern_dsn *d,
  uint32_t att, uint64_t last, stralloc *host, stralloc *tmp)
{
  stralloc max = STRALLOC_ZERO ;
  size_t base ;
  int ok = tern_queue_idvalid(id) ;
  global(c, "hostname", host, 0) ;
  global(c, "queue-max-attempts", &max, "8") ;
  global(c, "datadir", tmp, 0) ;
  if (!uint0_scan(max.s, &d->maxattempts) || !d->maxattempts) d->maxattempts = 8 ;
  base = tmp->len - 1 ;
  tmp->len = base ;
  if (!stralloc_cats(tmp, "/queue/state/") || !stralloc_cats(tmp, ok ? id : "") || !stralloc_0(tmp)) strerr_diefusys(111, "allocate") ;
  dsn_attempts(rcpts, e, ok ? tmp->s : 0, att, last, d->now) ;
  tmp->len = base ;
  if (!stralloc_cats(tmp, "/queue/tmp") || !stralloc_0(tmp)) strerr_diefusys(111, "allocate") ;
  stralloc_free(&max) ;
}

/* compose the notice for the message in fd, deliver it, log it */
static void notice (char const *confdir, char const *id, int fd, tern_qenv const *e, genalloc *rcpts, uint32_t att, uint64_t last)
{
  tern_conf conf = TERN_CONF_ZERO ;
  tern_dsn d = { .now = (uint64_t)time(0), .fullmax = TERN_DSN_FULLMAX } ;
  stralloc host = STRALLOC_ZERO, tmp = STRALLOC_ZERO, acct = STRALLOC_ZERO, msg = STRALLOC_ZERO,
    u = STRALLOC_ZERO, out = STRALLOC_ZERO ;
  if (!tern_conf_open(&conf, confdir)) strerr_diefusys(111, "open the configuration in ", confdir) ;
  settings(&conf, id, e, rcpts, &d, att, last, &host, &tmp) ;
  d.postmaster = dsn_account(&conf, e, &acct) ;
  readmsg(fd, e, &msg, &d.msgsize) ;
  uniq(&u) ;
  d.hostname = host.s ; d.sender = e->from.s ; d.uniq = u.s ; d.arrival = e->time ;
  d.utf8 = !!(e->flags & TERN_QENV_UTF8) ;
  d.msg = msg.s ; d.msglen = msg.len ;
  d.rcpts = genalloc_s(tern_dsn_rcpt, rcpts) ; d.nrcpt = genalloc_len(tern_dsn_rcpt, rcpts) ;
  if (!tern_dsn_fmt(&out, &d)) strerr_diefusys(111, "compose the notice") ;
  dsn_deliver(confdir, tmp.s, acct.s, &out) ;
  logdone(id, &d, e->from.s, !!(e->flags & TERN_QENV_UTF8), acct.s, out.len) ;
  /* all freed: clean under LeakSanitizer */
  stralloc_free(&host) ; stralloc_free(&tmp) ; stralloc_free(&acct) ;
  stralloc_free(&msg) ; stralloc_free(&u) ; stralloc_free(&out) ;
  tern_conf_close(&conf) ;
}

int main (int argc, char const *const *argv)
{
  subgetopt l = SUBGETOPT_ZERO ;
  char const *confdir = 0, *id ;
  int delayonly = 0, fd, r ;
  uint32_t att = 0 ;
  uint64_t last = 0 ;
  tern_qenv env = TERN_QENV_ZERO ;
  stralloc in = STRALLOC_ZERO ;
  genalloc rcpts = GENALLOC_ZERO ;
  PROG = "tern-queue-dsn" ;
  for (int opt ; (opt = subgetopt_r(argc, argv, "hc:da:t:", &l)) != -1 ;)
    switch (opt)
    {
      case 'h' : buffer_putsflush(buffer_1, "usage: " USAGE "\n") ; return 0 ;
      case 'c' : confdir = l.arg ; break ;
      case 'd' : delayonly = 1 ; break ;
      case 'a' : if (!uint320_scan(l.arg, &att)) strerr_dieusage(100, USAGE) ; break ;
      case 't' : if (!uint640_scan(l.arg, &last)) strerr_dieusage(100, USAGE) ; break ;
      default : strerr_dieusage(100, USAGE) ;
    }
  argc -= l.ind ; argv += l.ind ;
  if (argc != 1) strerr_dieusage(100, USAGE) ;
  confdir = tern_confdir(confdir) ;
  id = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0] ;
  fd = open(argv[0], O_RDONLY | O_CLOEXEC) ;
  if (fd < 0) strerr_diefusys(111, "open ", argv[0]) ;
  r = tern_qenv_read(&env, fd) ;
  if (r == TERN_PERM) strerr_dief(100, "malformed queue file or unknown version: ", argv[0]) ;
  if (r) strerr_diefusys(111, "read ", argv[0]) ;
  dsn_input(&env, delayonly, &in, &rcpts) ;
  if (!env.from.s[0])
  {
    tern_dsn d = { .rcpts = genalloc_s(tern_dsn_rcpt, &rcpts), .nrcpt = genalloc_len(tern_dsn_rcpt, &rcpts) } ;
    logdone(id, &d, 0, 0, 0, 0) ;
  }
  else notice(confdir, id, fd, &env, &rcpts, att, last) ;
  close(fd) ;
  tern_qenv_free(&env) ;
  stralloc_free(&in) ;
  genalloc_free(tern_dsn_rcpt, &rcpts) ;
  return 0 ;
}
