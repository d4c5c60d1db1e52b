/* tern-queue-run: the queue's scheduler: delivers queued messages, local
   recipients in a forked child, remote ones through tern-smtp-out, owed
   notices through tern-queue-dsn, and records per-recipient state.
   usage: tern-queue-run [ -c confdir ] [ -t seconds ]
   stdout: nothing; log lines on stderr.  exit: 0 after SIGTERM, 100 usage
   or unknown queue version, 111 cannot start.  See tern-queue-run(8). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <skalibs/types.h>
#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>
#include <skalibs/buffer.h>
#include <skalibs/selfpipe.h>
#include "tern.h"
#include "tern_log.h"
#include "tern-queue-run.h"

#define USAGE "tern-queue-run [ -c confdir ] [ -t seconds ]"

genalloc msgs = GENALLOC_ZERO ;
genalloc jobs = GENALLOC_ZERO ;
tern_conf conf = TERN_CONF_ZERO ;
char const *confdir = 0 ;
stralloc qdir = STRALLOC_ZERO ;
stralloc remoteto = STRALLOC_ZERO ;
unsigned int concurrency = 10 ;
unsigned int maxattempts = 8 ;
unsigned int domconcurrency = 1 ;
unsigned int activemax = 20000 ;
int basedelay = -1 ;

/* the FIFO's read end, kept from seeing EOF by our own write end */
static int trigger (void)
{
  int fd = open(qpath(0, "trigger", 0), O_RDONLY | O_NONBLOCK | O_CLOEXEC) ;
  if (fd < 0 || open(qpath(0, "trigger", 0), O_WRONLY | O_NONBLOCK | O_CLOEXEC) < 0)
    strerr_diefusys(111, "open ", qpath(0, "trigger", 0)) ;
  return fd ;
}

static int sigs (int *stopping)
{
  int r, todo = 0 ;
  while ((r = selfpipe_read()) > 0)
    switch (r)
    {
      case SIGTERM : *stopping = 1 ; break ;
      case SIGHUP : conf_check(1) ; todo = 1 ; break ;
      case SIGALRM : todo = 1 ; break ;
      default : break ;
    }
  if (r < 0) strerr_diefusys(111, "read the selfpipe") ;
  return todo ;
}

/* a number from the environment within [min, max], else dflt */
static unsigned int envnum (char const *name, unsigned int min, unsigned int max, unsigned int dflt)
{
  char const *v = getenv(name) ;
  unsigned int u ;
  return v && *v && uint0_scan(v, &u) && u >= min && u <= max ? u : dflt ;
}

static void loop (int sfd, int tfd, int cfd, unsigned int every)
{
  int stopping = 0, todo = 1 ;
  uint64_t lastscan = 0 ;
  genalloc pfds = GENALLOC_ZERO ;  /* struct pollfd: ours, then the busy workers' */
  for (;;)
  {
    struct pollfd base[3] = { { .fd = sfd, .events = POLLIN }, { .fd = tfd, .events = POLLIN }, { .fd = cfd, .events = POLLIN } } ;
    struct pollfd *p ;
    uint64_t now = (uint64_t)time(0), next = now + every ;
    int timeout, sw ;
    if (!stopping) conf_check(0) ;
    deliver_reap(now) ;
    if (!stopping && now >= lastscan + every) remote_wakeall() ;  /* a lost wake-up costs a minute at most */
    if (!stopping && (todo || now >= lastscan + every || scan_due(now)))
    {
      scan_todo(now, now >= lastscan + every) ;
      lastscan = now ;
      todo = 0 ;
    }
    if (stopping && !NJOBS) break ;
    /* before new jobs take the idle workers: deliveries due for their sync */
    sw = worker_sync(stopping) ;
    if (!stopping)
    {
      uint64_t w = msg_schedule(now) ;
      if (w < next && (w > now || NRUNNING < concurrency)) next = w ;
      w = scan_next() ;
      if (w < next) next = w > now ? w : now ;
    }
    timeout = next <= now ? 0 : next - now > 3600 ? 3600000 : (int)(next - now) * 1000 ;
    if (sw >= 0 && sw < timeout) timeout = sw ;
    genalloc_setlen(struct pollfd, &pfds, 0) ;
    if (!genalloc_catb(struct pollfd, &pfds, base, 3)) strerr_diefusys(111, "allocate") ;
    worker_pollfds(&pfds) ;
    p = genalloc_s(struct pollfd, &pfds) ;
    if (poll(p, genalloc_len(struct pollfd, &pfds), timeout) < 0 && errno != EINTR) strerr_diefusys(111, "poll") ;
    worker_answers(p + 3, genalloc_len(struct pollfd, &pfds) - 3, (uint64_t)time(0)) ;
    if (p[2].revents & POLLIN) ctl_read(cfd, (uint64_t)time(0)) ;
    if (p[0].revents & POLLIN) todo |= sigs(&stopping) ;
    if (p[1].revents & POLLIN)
    {
      char buf[256] ;
      while (read(tfd, buf, sizeof buf) > 0) ;
      todo = 1 ;
    }
  }
  genalloc_free(struct pollfd, &pfds) ;
}

int main (int argc, char const *const *argv)
{
  subgetopt l = SUBGETOPT_ZERO ;
  unsigned int every = 60 ;
  sigset_t set ;
  int sfd, cfd ;
  PROG = "tern-queue-run" ;
  for (int opt ; (opt = subgetopt_r(argc, argv, "hc:t:", &l)) != -1 ;)
    switch (opt)
    {
      case 'h' : buffer_putsflush(buffer_1, "usage: " USAGE "\n") ; return 0 ;
      case 'c' : confdir = l.arg ; break ;
      case 't' : if (!uint0_scan(l.arg, &every) || !every) strerr_dieusage(100, USAGE) ; break ;
      default : strerr_dieusage(100, USAGE) ;
    }
  if (argc != (int)l.ind) strerr_dieusage(100, USAGE) ;
  confdir = tern_confdir(confdir) ;
  if (!tern_conf_open(&conf, confdir)) strerr_diefusys(111, "open the configuration in ", confdir) ;
  conf_read(1) ;
  if (!stralloc_0(&qdir)) strerr_diefusys(111, "allocate") ;
  qdir.len-- ;
  if (!tern_queue_init(qdir.s))
  {
    if (errno == EPROTO) strerr_dief(100, "unknown queue version in ", qdir.s, "/version") ;
    strerr_diefusys(111, "set up the queue in ", qdir.s) ;
  }
  signal(SIGPIPE, SIG_IGN) ;
  basedelay = (int)envnum("TERN_QUEUE_BASE_DELAY", 0, 0xffff, (unsigned int)basedelay) ;
  workeridle = envnum("TERN_QUEUE_WORKER_IDLE", 1, 3600000, workeridle) ;
  syncwait = envnum("TERN_QUEUE_SYNC_WAIT", 0, 10000, syncwait) ;
  syncquiet = envnum("TERN_QUEUE_SYNC_QUIET", 0, 10000, syncquiet) ;
  localagent = getenv("TERN_QUEUE_LOCAL") ;
  if (localagent && !*localagent) localagent = 0 ;
  cfd = ctl_open() ;
  sfd = selfpipe_init() ;
  if (sfd < 0) strerr_diefusys(111, "create the selfpipe") ;
  sigemptyset(&set) ;
  sigaddset(&set, SIGCHLD) ; sigaddset(&set, SIGTERM) ; sigaddset(&set, SIGHUP) ; sigaddset(&set, SIGALRM) ;
  if (selfpipe_trapset(&set) < 0) strerr_diefusys(111, "trap signals") ;
  scan_start((uint64_t)time(0)) ;
  loop(sfd, trigger(), cfd, every) ;
  /* signals back as they were: LeakSanitizer's check at exit (make
     check-asan) hangs with SIGCHLD still blocked, as in tern-listen */
  selfpipe_finish() ;
  return 0 ;
}
