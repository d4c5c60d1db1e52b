/* tern-smtp-in: ESMTP server for one client on fds 0/1 (see tern-smtp-in.8);
   MX by default, submission with -s; messages go to tern-queue-inject.
   usage: tern-smtp-in [ -c confdir ] [ -s ] [ -S ] [ -t timeout ]
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

/* the configuration, or 421 */
static void setup (smtp *s)
{
  stralloc v = STRALLOC_ZERO ;
  int r ;
  if (!tern_conf_open(&s->conf, s->confdir))
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

/* a session id for logs and Received:, hex time "." hex pid */
static void sessionid (smtp *s)
{
  size_t n = uint64_xfmt(s->session, (uint64_t)time(0)) ;
  s->session[n++] = '.' ;
  n += uint64_xfmt(s->session + n, (uint64_t)getpid()) ;
  s->session[n] = 0 ;
}

int main (int argc, char const *const *argv)
{
  smtp *s = &sess ;
  subgetopt l = SUBGETOPT_ZERO ;
  char const *x ;
  int implicit = 0 ;
  PROG = "tern-smtp-in" ;
  s->timeout = 300 ;
  s->ctlfd = -1 ;
  s->infd = s->outfd = s->yfd = -1 ;
  s->q.fd = -1 ;
  for (int opt ; (opt = subgetopt_r(argc, argv, "c:sSt:h", &l)) != -1 ;)
    switch (opt)
    {
      case 'c' : s->confdir = l.arg ; break ;
      case 's' : s->submission = 1 ; break ;
      case 'S' : implicit = 1 ; break ;
      case 't' : if (!uint0_scan(l.arg, &s->timeout) || !s->timeout) strerr_dieusage(100, USAGE) ; break ;
      case 'h' : usage() ; break ;
      default : strerr_dieusage(100, USAGE) ;
    }
  if (l.ind != argc) strerr_dieusage(100, USAGE) ;
  x = getenv("TERN_ZYGOTE_FD") ;
  if (x)
  {
    int zfd ;
    if (!int0_scan(x, &zfd) || unsetenv("TERN_ZYGOTE_FD") < 0) strerr_dief(111, "bad TERN_ZYGOTE_FD: ", x) ;
    smtp_zygote(zfd) ;  /* returns in a session */
    s->handed = 1 ;
  }
  signal(SIGPIPE, SIG_IGN) ;
  s->confdir = tern_confdir(s->confdir) ;
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
  sessionid(s) ;
  smtp_io_init(s) ;
  tern_log_info("connect", "session", s->session, "ip", s->ip,
    "mode", s->submission ? "submission" : "mx", "tls", implicit ? getenv("SSL_PROTOCOL") : "no", TERN_LOG_END) ;
  setup(s) ;
  smtp_reply3("220 ", s->hostname.s, " ESMTP") ;
  smtp_loop(s) ;
  return 0 ;
}
