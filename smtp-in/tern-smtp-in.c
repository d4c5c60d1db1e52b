/* tern-smtp-in: ESMTP server for one client on fds 0/1 (see tern-smtp-in.8);
   MX by default, submission with -s; messages go to tern-queue-inject.
   usage: tern-smtp-in [ -c confdir ] [ -s ] [ -S ] [ -t timeout ]
   With TERN_ZYGOTE_FD, a pool of sessions that each serve several clients.
   exit: 0 the client quit or went away, 100 usage, 111 conf, system, timeout. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include <skalibs/buffer.h>
#include <skalibs/djbunix.h>
#include "tern.h"
#include "tern_log.h"
#include "tern_conf.h"
#include "tern-smtp-in.h"

#define USAGE "tern-smtp-in [ -c confdir ] [ -s ] [ -S ] [ -t timeout ]"

static smtp sess ;

static void usage (void)
{
  buffer_putsflush(buffer_1, "usage: " USAGE "\n") ;
  _exit(0) ;
}

/* the configuration, or 421; a reused session's is still mapped (it
   holds nothing of a connection): opened again only if it was replaced */
static void setup (smtp *s)
{
  stralloc v = STRALLOC_ZERO ;
  int r ;
  if (!(s->conf.path.len ? tern_conf_refresh(&s->conf) : tern_conf_open(&s->conf, s->confdir)))
  {
    strerr_warnwu2sys("open the configuration in ", s->confdir) ;
    smtp_quit(s, "421 4.3.0 service not available, try later", "conf", 111) ;
  }
  r = tern_conf_global(&s->conf, "hostname", &s->hostname) ;
  if (!r) errno = ENOENT ;
  if (r <= 0 || !stralloc_0(&s->hostname))
  {
    smtp_syserr(s, "hostname", s->conf.path.s) ;
    smtp_quit(s, "421 4.3.0 service not available, try later", "conf", 111) ;
  }
  s->maxsize = 104857600 ;
  r = tern_conf_global(&s->conf, "max-message-size", &v) ;
  if (r < 0)
  {
    smtp_syserr(s, "max-message-size", s->conf.path.s) ;
    smtp_quit(s, "421 4.3.0 service not available, try later", "conf", 111) ;
  }
  if (r && stralloc_0(&v))
  {
    uint64_t n ;
    if (uint640_scan(v.s, &n) && n) s->maxsize = n ;
  }
  stralloc_free(&v) ;
}

/* a number from the environment (TERN_SMTPIN_*), else def */
static unsigned int knob (char const *name, unsigned int def)
{
  char const *x = getenv(name) ;
  unsigned int n ;
  if (!x || !*x) return def ;
  if (!uint0_scan(x, &n)) strerr_dief(111, "bad ", name, ": ", x) ;
  return n ;
}

/* a session id for logs and Received:, hex time "." hex pid "." the
   connection's number in this process */
static void sessionid (smtp *s, unsigned int n)
{
  size_t i = uint64_xfmt(s->session, (uint64_t)time(0)) ;
  s->session[i++] = '.' ;
  i += uint64_xfmt(s->session + i, (uint64_t)getpid()) ;
  s->session[i++] = '.' ;
  i += uint_xfmt(s->session + i, n) ;
  s->session[i] = 0 ;
}

/* one connection, until the client's QUIT was answered */
static void serve (smtp *s, int implicit, unsigned int n)
{
  char const *x ;
  s->tls = implicit ;
  s->ip = getenv("TCPREMOTEIP") ;
  if (!s->ip) s->ip = "unknown" ;
  x = getenv("SSLCTLFD") ;
  if (!implicit && x)
  {
    unsigned int fd ;
    if (uint0_scan(x, &fd) && (s->handed || (getenv("SSLREADFD") && getenv("SSLWRITEFD")))) s->ctlfd = fd ;
  }
  /* an inject child must not hold the TLS helper's fds */
  for (unsigned int i = 0 ; i < 3 ; i++)
  {
    unsigned int fd ;
    x = getenv(i == 0 ? "SSLCTLFD" : i == 1 ? "SSLREADFD" : "SSLWRITEFD") ;
    if (x && uint0_scan(x, &fd) && fd > 2) coe(fd) ;
  }
  s->helotimeout = knob("TERN_SMTPIN_HELO_TIMEOUT", 300) ;
  s->sesstimeout = knob("TERN_SMTPIN_SESSION_TIMEOUT", 3600) ;
  s->minrate = knob("TERN_SMTPIN_MIN_RATE", 500) ;
  sessionid(s, n) ;
  smtp_io_init(s) ;
  tern_log_info("connect", "session", s->session, "ip", s->ip,
    "mode", s->submission ? "submission" : "mx", "tls", implicit ? getenv("SSL_PROTOCOL") : "no", TERN_LOG_END) ;
  setup(s) ;
  smtp_reply3("220 ", s->hostname.s, " ESMTP") ;
  smtp_loop(s) ;
}

/* a session's start state, from the options; the configuration stays */
static void init (smtp *s, smtp const *opt)
{
  tern_conf c = s->conf ;
  *s = (smtp){ .confdir = opt->confdir, .submission = opt->submission, .timeout = opt->timeout, .handed = opt->handed } ;
  s->conf = c ;
  s->ctlfd = -1 ;
  s->infd = s->outfd = s->yfd = -1 ;
  s->pid = -1 ;
  s->q.fd = -1 ;
}

int main (int argc, char const *const *argv)
{
  smtp *s = &sess ;
  smtp opt = { .timeout = 300 } ;
  subgetopt l = SUBGETOPT_ZERO ;
  char const *x ;
  int implicit = 0 ;
  unsigned int maxuse = 1 ;
  PROG = "tern-smtp-in" ;
  for (int o ; (o = subgetopt_r(argc, argv, "c:sSt:h", &l)) != -1 ;)
    switch (o)
    {
      case 'c' : opt.confdir = l.arg ; break ;
      case 's' : opt.submission = 1 ; break ;
      case 'S' : implicit = 1 ; break ;
      case 't' : if (!uint0_scan(l.arg, &opt.timeout) || !opt.timeout) strerr_dieusage(100, USAGE) ; break ;
      case 'h' : usage() ; break ;
      default : strerr_dieusage(100, USAGE) ;
    }
  if (l.ind != argc) strerr_dieusage(100, USAGE) ;
  x = getenv("TERN_ZYGOTE_FD") ;
  if (x)
  {
    int zfd ;
    if (!int0_scan(x, &zfd)) strerr_dief(111, "bad TERN_ZYGOTE_FD: ", x) ;
    smtp_zygote_tune(argv) ;
    if (unsetenv("TERN_ZYGOTE_FD") < 0) strerr_diefusys(111, "unsetenv") ;
    /* submission: credentials come, a process per client (PROCESSES) */
    maxuse = opt.submission ? 1 : knob("TERN_SMTPIN_MAX_USE", 100) ;
    smtp_zygote(zfd, knob("TERN_SMTPIN_MAX_IDLE", 100)) ;  /* returns in a session */
    opt.handed = 1 ;
  }
  signal(SIGPIPE, SIG_IGN) ;
  opt.confdir = tern_confdir(opt.confdir) ;
  for (unsigned int n = 1 ;; n++)
  {
    if (opt.handed && !smtp_pool_take()) { tern_conf_close(&s->conf) ; return 0 ; }
    init(s, &opt) ;
    serve(s, implicit, n) ;
    if (n >= maxuse || !smtp_reusable(s)) smtp_quit(s, 0, "quit", 0) ;
    if (!smtp_end(s, 0, "quit")) _exit(0) ;
    smtp_reset(s) ;
  }
}
