/* tern-listen-loop: the listener's event loop.  Waits on the signalfd
   selfpipe, (below the total limit) the listening socket and the control
   fds of handed-over connections; forks one child per accepted connection
   (or per request of a handed-over one); enforces the per-client limit and,
   when full, makes room by evicting (tern-listen.8); reaps; logs one info
   line per event on stderr.  Returns 0 on SIGTERM, dies 111. */
#include <errno.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
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

/* one more than maxconn: a newcomer is served while its victim exits */
static listen_conn tab[LISTEN_MAXCONN + 1] ;
static unsigned int nconn = 0 ;
static unsigned int nevict = 0 ;  /* evicted children not yet reaped */
static uint64_t seq = 0 ;
static iopause_fd x[LISTEN_MAXCONN + 3] ;
static tain resume = TAIN_ZERO ;  /* accept is paused until then after a resource error */

static char *fmtu (char *s, unsigned int u)
{
  s[uint_fmt(s, u)] = 0 ;
  return s ;
}

static unsigned int ipcount (listener const *l, char const *ip)
{
  unsigned int n = 0 ;
  for (unsigned int i = 0 ; i < nconn ; i++) if (!memcmp(tab[i].ip, ip, l->is6 ? 8 : 4)) n++ ;
  return n ;
}

static void add (pid_t pid, int ctl, int sock, char const *ip, uint16_t port)
{
  listen_conn *c = tab + nconn++ ;
  c->pid = pid ; c->ctl = ctl ; c->sock = sock ; c->evicted = 0 ;
  c->seq = seq++ ; c->start = STAMP ; c->kill = tain_infinite ; c->port = port ;
  memcpy(c->ip, ip, 16) ;
}

/* slot i is gone: our fds of it closed */
static void drop (unsigned int i)
{
  if (tab[i].ctl >= 0) fd_close(tab[i].ctl) ;
  if (tab[i].sock >= 0) fd_close(tab[i].sock) ;
  tab[i] = tab[--nconn] ;
}

/* in a child: every fd of every connection but except's */
static void closeall (unsigned int except)
{
  listen_park_closeall() ;
  for (unsigned int i = 0 ; i < nconn ; i++) if (i != except)
  {
    if (tab[i].ctl >= 0) fd_close(tab[i].ctl) ;
    if (tab[i].sock >= 0) fd_close(tab[i].sock) ;
  }
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
    for (unsigned int i = 0 ; i < nconn ; i++) if (tab[i].ctl < 0 && tab[i].pid == pid)
    {
      if (tab[i].evicted) nevict-- ;
      drop(i) ;
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

static char *fmtip (char *s, listener const *l, char const *ip)
{
  s[l->is6 ? ip6_fmt(s, ip) : ip4_fmt(s, ip)] = 0 ;
  return s ;
}

/* Full and a newcomer: the victim's child is told to go (SIGTERM, SIGKILL
   5 s later) and counted until reaped; a handed-over connection is shut
   down and its slot freed at once. */
static void evict (listener const *l)
{
  char ipf[IP46_FMT], portf[UINT16_FMT], f[PID_FMT], a[UINT64_FMT], n[UINT_FMT] ;
  unsigned int count, i = listen_victim(tab, nconn, l->is6 ? 8 : 4, &count) ;
  listen_conn *c = tab + i ;
  tain age ;
  if (i == nconn) return ;
  tain_sub(&age, &STAMP, &c->start) ;
  a[uint64_fmt(a, tai_sec(&age.sec))] = 0 ;
  fmtip(ipf, l, c->ip) ;
  portf[uint16_fmt(portf, c->port)] = 0 ;
  f[c->ctl >= 0 ? int_fmt(f, c->ctl) : pid_fmt(f, c->pid)] = 0 ;
  strerr_warni("evict ", c->ctl >= 0 ? "fd=" : "pid=", f, " ip=", ipf, " port=", portf,
    " ipconns=", fmtu(n, count), " age=", a, " reason=full") ;
  if (c->ctl >= 0)
  {
    shutdown(c->sock, SHUT_RDWR) ;
    drop(i) ;
    return ;
  }
  kill(c->pid, SIGTERM) ;
  c->evicted = 1 ;
  tain_addsec_g(&c->kill, 5) ;
  nevict++ ;
}

/* evicted children still there after 5 s; the earliest deadline left */
static void killstuck (tain *deadline)
{
  for (unsigned int i = 0 ; i < nconn ; i++) if (tab[i].evicted)
  {
    if (!tain_less(&STAMP, &tab[i].kill))
    {
      kill(tab[i].pid, SIGKILL) ;
      tab[i].kill = tain_infinite ;
    }
    else if (tain_less(&tab[i].kill, deadline)) *deadline = tab[i].kill ;
  }
}

/* hand-over: 1 if the connection went to the running process */
static int hand (listener const *l, int s, char const *ip, uint16_t port, char const *ipf, char const *portf,
  unsigned int ipconns)
{
  char modifs[LISTEN_ENVMAX], f[INT_FMT], a[UINT_FMT], b[UINT_FMT] ;
  size_t m = listen_env(modifs, s, ipf, portf, ipconns + 1) ;
  int ctl = m ? (*l->h->hand)(s, modifs, m) : -1 ;
  if (ctl < 0) return 0 ;
  add(0, ctl, s, ip, port) ;  /* s kept: shut down if evicted */
  f[int_fmt(f, ctl)] = 0 ;
  strerr_warni("accept fd=", f, " ip=", ipf, " port=", portf, " conns=", fmtu(a, nconn), " ipconns=", fmtu(b, ipconns + 1)) ;
  return 1 ;
}

static void refuse (int s, char const *ipf, char const *portf, unsigned int ipconns)
{
  char a[UINT_FMT] ;
  fd_close(s) ;
  strerr_warni("refuse ip=", ipf, " port=", portf, " reason=maxperip ipconns=", fmtu(a, ipconns)) ;
}

static void new_connection (listener const *l, int s, char const *ip, uint16_t port)
{
  char ipf[IP46_FMT], portf[UINT16_FMT], pidf[PID_FMT], a[UINT_FMT], b[UINT_FMT] ;
  unsigned int ipconns = ipcount(l, ip) ;
  int wasfull = nconn >= l->maxconn ;
  pid_t pid ;
  fmtip(ipf, l, ip) ;
  portf[uint16_fmt(portf, port)] = 0 ;
  /* at a limit, children that have ended but whose SIGCHLD is still
     unread (accept_all runs before it) must not count */
  if (wasfull || ipconns >= l->maxperip)
  {
    reap() ;
    wasfull = nconn >= l->maxconn ;
    ipconns = ipcount(l, ip) ;
  }
  if (ipconns >= l->maxperip)
  {
    if (!listen_park(s, ip, port)) refuse(s, ipf, portf, ipconns) ;
    return ;
  }
  if (wasfull)
  {
    evict(l) ;
    ipconns = ipcount(l, ip) ;  /* the victim may have been this client's */
  }
  if (l->h && l->h->hand && hand(l, s, ip, port, ipf, portf, ipconns)) goto full ;
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
    closeall(nconn) ;
    listen_child(s, ipf, portf, ipconns + 1, l->argv, l->h ? l->h->run : 0) ;
  }
  fd_close(s) ;
  add(pid, -1, -1, ip, port) ;
  pidf[pid_fmt(pidf, pid)] = 0 ;
  strerr_warni("accept pid=", pidf, " ip=", ipf, " port=", portf,
    " conns=", fmtu(a, nconn), " ipconns=", fmtu(b, ipconns + 1)) ;
 full:
  if (nconn == l->maxconn && !wasfull) strerr_warni("full conns=", fmtu(a, nconn), " maxconn=", a) ;  /* both are nconn */
}

/* a held connection (listen_park_scan): served once its client is under
   -C again, refused when its time is up */
static listener const *plisten ;

static int unpark (int s, char const *ip, uint16_t port, int expired)
{
  char ipf[IP46_FMT], portf[UINT16_FMT] ;
  unsigned int ipconns = ipcount(plisten, ip) ;
  if (ipconns < plisten->maxperip) new_connection(plisten, s, ip, port) ;
  else if (expired)
  {
    fmtip(ipf, plisten, ip) ;
    portf[uint16_fmt(portf, port)] = 0 ;
    refuse(s, ipf, portf, ipconns) ;
  }
  else return 0 ;
  return 1 ;
}

/* the control fd of handed-over connection i is readable */
static void request (listener const *l, unsigned int i)
{
  char f[INT_FMT], p[PID_FMT], n[UINT_FMT], ipf[IP46_FMT] ;
  int fd[LISTEN_TAKEFDS] = { -1, -1, -1 } ;
  int ctl = tab[i].ctl ;
  int r = (*l->h->take)(ctl, fd) ;
  pid_t pid = -1 ;
  if (r < 0) return ;
  f[int_fmt(f, ctl)] = 0 ;
  if (r)
  {
    pid = fork() ;
    if (!pid)
    {
      selfpipe_finish() ;
      fd_close(l->fd) ;
      closeall(i) ;
      fd_close(tab[i].sock) ;
      if (setenv("TCPREMOTEIP", fmtip(ipf, l, tab[i].ip), 1) < 0) strerr_diefusys(111, "setenv") ;
      (*l->h->serve)(r, fd, ctl) ;
      _exit(111) ;
    }
    for (unsigned int j = 0 ; j < LISTEN_TAKEFDS ; j++) fd_close(fd[j]) ;
    if (pid < 0) strerr_warnwusys("fork") ;
  }
  if (pid > 0)
  {
    fd_close(ctl) ; fd_close(tab[i].sock) ;
    tab[i].pid = pid ; tab[i].ctl = -1 ; tab[i].sock = -1 ;
    p[pid_fmt(p, pid)] = 0 ;
    strerr_warni("request fd=", f, " pid=", p) ;
    return ;
  }
  drop(i) ;
  strerr_warni("end fd=", f, " conns=", fmtu(n, nconn)) ;
}

static void accept_all (listener const *l)
{
  while (nconn < l->maxconn || !nevict)
  {
    char ip[16] = { 0 } ;
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

/* the ready control fds, each looked up again: a request or a reap may
   have moved the table */
static void requests (listener const *l, unsigned int from, unsigned int to)
{
  for (unsigned int k = from ; k < to ; k++)
    if (x[k].revents & (IOPAUSE_READ | IOPAUSE_EXCEPT))
      for (unsigned int i = 0 ; i < nconn ; i++) if (tab[i].ctl == x[k].fd)
      {
        request(l, i) ;
        break ;
      }
}

int listen_loop (listener const *l)
{
  sigset_t set ;
  x[0].fd = selfpipe_init() ;
  x[0].events = IOPAUSE_READ ;
  if (x[0].fd < 0) strerr_diefusys(111, "create selfpipe") ;
  sigemptyset(&set) ;
  sigaddset(&set, SIGCHLD) ;
  sigaddset(&set, SIGTERM) ;
  sigaddset(&set, SIGHUP) ;
  if (!selfpipe_trapset(&set)) strerr_diefusys(111, "trap signals") ;
  /* a no-op handler, not SIG_IGN, so that children get the default */
  if (!sig_altignore(SIGPIPE)) strerr_diefusys(111, "ignore SIGPIPE") ;
  tain_now_g() ;
  plisten = l ;
  log_start(l) ;
  for (;;)
  {
    int paused = tain_less(&STAMP, &resume) ;
    /* full: a newcomer evicts, unless an eviction is under way */
    int accepting = !paused && (nconn < l->maxconn || !nevict) ;
    unsigned int n = 1 ;
    tain deadline = paused ? resume : tain_infinite ;
    if (nevict) killstuck(&deadline) ;
    listen_park_deadline(&deadline) ;
    if (accepting) { x[n].fd = l->fd ; x[n++].events = IOPAUSE_READ ; }
    for (unsigned int i = 0 ; i < nconn ; i++)
      if (tab[i].ctl >= 0) { x[n].fd = tab[i].ctl ; x[n++].events = IOPAUSE_READ ; }
    if (iopause_g(x, n, &deadline) < 0)
    {
      if (errno == EINTR) continue ;
      strerr_diefusys(111, "iopause") ;
    }
    requests(l, 1 + accepting, n) ;
    if (x[0].revents & IOPAUSE_READ && handle_signals()) break ;
    if (listen_parked()) listen_park_scan(&unpark) ;
    if (accepting && x[1].revents & (IOPAUSE_READ | IOPAUSE_EXCEPT)) accept_all(l) ;
  }
  /* signals back as they were: LeakSanitizer's check at exit (make
     check-asan) was seen to spin forever with SIGCHLD still blocked */
  selfpipe_finish() ;
  fd_close(l->fd) ;
  return 0 ;
}
