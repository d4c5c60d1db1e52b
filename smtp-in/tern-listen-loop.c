/* tern-listen-loop: the listener's event loop.  Waits on the signalfd
   selfpipe and (below the total limit) the listening socket; forks one child
   per accepted connection; enforces the per-client limit; reaps; logs one
   info line per event on stderr.  Returns 0 on SIGTERM, dies 111. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <skalibs/types.h>
#include <skalibs/strerr.h>
#include <skalibs/fmtscan.h>
#include <skalibs/socket.h>
#include <skalibs/ip46.h>
#include <skalibs/tai.h>
#include <skalibs/iopause.h>
#include <skalibs/selfpipe.h>
#include <skalibs/sig.h>
#include <skalibs/djbunix.h>
#include "tern-listen.h"

/* A client is its IPv4 address or its IPv6 /64: the key is 8 bytes. */
typedef struct conn_s conn ;
struct conn_s
{
  pid_t pid ;
  char key[8] ;
} ;

static conn tab[LISTEN_MAXCONN] ;
static unsigned int nconn = 0 ;
static tain resume = TAIN_ZERO ;  /* accept is paused until then after a resource error */

static char *fmtu (char *s, unsigned int u)
{
  s[uint_fmt(s, u)] = 0 ;
  return s ;
}

static unsigned int ipcount (char const *key)
{
  unsigned int n = 0 ;
  for (unsigned int i = 0 ; i < nconn ; i++) if (!memcmp(tab[i].key, key, 8)) n++ ;
  return n ;
}

static void pause_accept (void)
{
  tain_addsec_g(&resume, 1) ;
}

static void log_start (listener const *l)
{
  char u[UINT_FMT], g[UINT_FMT], c[UINT_FMT], p[UINT_FMT] ;
  strerr_warni("start ip=", l->ip, " port=", l->port, " uid=", fmtu(u, getuid()),
    " gid=", fmtu(g, getgid()), " maxconn=", fmtu(c, l->maxconn), " maxperip=", fmtu(p, l->maxperip)) ;
}

static void reap (void)
{
  for (;;)
  {
    char p[PID_FMT], w[UINT_FMT], n[UINT_FMT] ;
    int wstat ;
    pid_t pid = wait_nohang(&wstat) ;
    if (pid < 0 && errno != ECHILD) strerr_diefusys(111, "wait for children") ;
    if (pid <= 0) return ;
    for (unsigned int i = 0 ; i < nconn ; i++) if (tab[i].pid == pid)
    {
      tab[i] = tab[--nconn] ;
      break ;
    }
    p[pid_fmt(p, pid)] = 0 ;
    fmtu(w, WIFSIGNALED(wstat) ? (unsigned int)WTERMSIG(wstat) : (unsigned int)WEXITSTATUS(wstat)) ;
    strerr_warni("end pid=", p, WIFSIGNALED(wstat) ? " signal=" : " status=", w, " conns=", fmtu(n, nconn)) ;
  }
}

/* 1 when told to stop. */
static int handle_signals (void)
{
  for (;;) switch (selfpipe_read())
  {
    case -1 : strerr_diefusys(111, "read selfpipe") ;
    case 0 : return 0 ;
    case SIGCHLD : reap() ; break ;
    case SIGTERM :
    {
      char n[UINT_FMT] ;
      strerr_warni("stop signal=TERM conns=", fmtu(n, nconn)) ;
      return 1 ;
    }
    default : break ;  /* SIGHUP: ignored */
  }
}

static void new_connection (listener const *l, int s, char const *ip, uint16_t port)
{
  char key[8] = { 0 } ;
  char ipf[IP46_FMT], portf[UINT16_FMT], pidf[PID_FMT], a[UINT_FMT], b[UINT_FMT] ;
  unsigned int ipconns ;
  pid_t pid ;
  memcpy(key, ip, l->is6 ? 8 : 4) ;
  ipconns = ipcount(key) ;
  ipf[l->is6 ? ip6_fmt(ipf, ip) : ip4_fmt(ipf, ip)] = 0 ;
  portf[uint16_fmt(portf, port)] = 0 ;
  if (ipconns >= l->maxperip)
  {
    fd_close(s) ;
    strerr_warni("refuse ip=", ipf, " port=", portf, " reason=maxperip ipconns=", fmtu(a, ipconns)) ;
    return ;
  }
  pid = fork() ;
  if (pid < 0)
  {
    fd_close(s) ;
    strerr_warnwusys("fork") ;
    pause_accept() ;
    return ;
  }
  if (!pid)
  {
    fd_close(l->fd) ;  /* close-on-exec, but run (tern-tls -L) does not exec */
    listen_child(s, ipf, portf, ipconns + 1, l->argv, l->run) ;
  }
  fd_close(s) ;
  tab[nconn].pid = pid ;
  memcpy(tab[nconn].key, key, 8) ;
  nconn++ ;
  pidf[pid_fmt(pidf, pid)] = 0 ;
  strerr_warni("accept pid=", pidf, " ip=", ipf, " port=", portf,
    " conns=", fmtu(a, nconn), " ipconns=", fmtu(b, ipconns + 1)) ;
  if (nconn == l->maxconn) strerr_warni("full conns=", a, " maxconn=", a) ;  /* both are nconn */
}

static void accept_all (listener const *l)
{
  while (nconn < l->maxconn)
  {
    char ip[16] ;
    uint16_t port ;
    int s = l->is6 ? socket_accept6(l->fd, ip, &port) : socket_accept4(l->fd, ip, &port) ;
    if (s >= 0) new_connection(l, s, ip, port) ;
    else if (errno == EAGAIN || errno == EWOULDBLOCK) return ;
    else if (errno != ECONNABORTED && errno != EINTR && errno != EPROTO)
    {
      /* EMFILE, ENOBUFS...: the socket stays readable; do not spin on it */
      strerr_warnwusys("accept") ;
      pause_accept() ;
      return ;
    }
  }
}

int listen_loop (listener const *l)
{
  iopause_fd x[2] = { { .events = IOPAUSE_READ }, { .fd = l->fd, .events = IOPAUSE_READ } } ;
  sigset_t set ;
  x[0].fd = selfpipe_init() ;
  if (x[0].fd < 0) strerr_diefusys(111, "create selfpipe") ;
  sigemptyset(&set) ;
  sigaddset(&set, SIGCHLD) ;
  sigaddset(&set, SIGTERM) ;
  sigaddset(&set, SIGHUP) ;
  if (!selfpipe_trapset(&set)) strerr_diefusys(111, "trap signals") ;
  /* a no-op handler, not SIG_IGN, so that children get the default */
  if (!sig_altignore(SIGPIPE)) strerr_diefusys(111, "ignore SIGPIPE") ;
  tain_now_g() ;
  log_start(l) ;
  for (;;)
  {
    int paused = tain_less(&STAMP, &resume) ;
    unsigned int n = !paused && nconn < l->maxconn ? 2 : 1 ;
    if (iopause_g(x, n, paused ? &resume : &tain_infinite) < 0)
    {
      if (errno == EINTR) continue ;
      strerr_diefusys(111, "iopause") ;
    }
    if (x[0].revents & IOPAUSE_READ && handle_signals()) break ;
    if (n == 2 && x[1].revents & (IOPAUSE_READ | IOPAUSE_EXCEPT)) accept_all(l) ;
  }
  fd_close(l->fd) ;
  return 0 ;
}
