/* tern-listen-child: in the forked child, set the UCSPI-TCP environment,
   make the socket fds 0 and 1 and exec prog (or call run: tern-tls -L).
   exit (if the exec fails): 127 prog not found, 126 other exec error, 111
   system error. */
#include <stdlib.h>
#include <string.h>
#include <skalibs/types.h>
#include <skalibs/strerr.h>
#include <skalibs/fmtscan.h>
#include <skalibs/ip46.h>
#include <skalibs/socket.h>
#include <skalibs/selfpipe.h>
#include <skalibs/djbunix.h>
#include <skalibs/exec.h>
#include "tern-listen.h"

static size_t add (char *s, size_t m, char const *k, char const *v)
{
  size_t a = strlen(k), b = strlen(v) ;
  memcpy(s + m, k, a) ;
  memcpy(s + m + a, v, b + 1) ;
  return m + a + b + 1 ;
}

/* the modifications of xmexec_n, on our own environment */
static void setenvs (char const *modifs, size_t m)
{
  for (size_t i = 0 ; i < m ; i += strlen(modifs + i) + 1)
  {
    char const *eq = strchr(modifs + i, '=') ;
    char name[32] ;
    size_t n = eq ? (size_t)(eq - modifs - i) : strlen(modifs + i) ;
    if (n >= sizeof name) n = sizeof name - 1 ;  /* never: our names are short */
    memcpy(name, modifs + i, n) ; name[n] = 0 ;
    if (eq ? setenv(name, eq + 1, 1) < 0 : unsetenv(name) < 0) strerr_diefusys(111, "set the environment") ;
  }
}

size_t listen_env (char *modifs, int s, char const *ipf, char const *portf, unsigned int ipconns)
{
  char lip[IP46_FMT], lport[UINT16_FMT], num[UINT_FMT] ;
  size_t m = 0 ;
  ip46 loc ;
  uint16_t port ;
  if (socket_local46(s, &loc, &port) < 0) return 0 ;
  lip[ip46_fmt(lip, &loc)] = 0 ;
  lport[uint16_fmt(lport, port)] = 0 ;
  num[uint_fmt(num, ipconns)] = 0 ;
  m = add(modifs, m, "PROTO=", "TCP") ;
  m = add(modifs, m, "TCPLOCALIP=", lip) ;
  m = add(modifs, m, "TCPLOCALPORT=", lport) ;
  m = add(modifs, m, "TCPREMOTEIP=", ipf) ;
  m = add(modifs, m, "TCPREMOTEPORT=", portf) ;
  m = add(modifs, m, "TCPCONNNUM=", num) ;
  m = add(modifs, m, "TCPLOCALHOST", "") ;
  m = add(modifs, m, "TCPREMOTEHOST", "") ;
  m = add(modifs, m, "TCPREMOTEINFO", "") ;
  return m ;
}

void listen_child (int s, char const *ipf, char const *portf, unsigned int ipconns, char const *const *argv,
  listen_run_fn *run)
{
  char modifs[LISTEN_ENVMAX] ;
  size_t m ;
  selfpipe_finish() ;  /* closes the signalfd, unblocks the signals */
  m = listen_env(modifs, s, ipf, portf, ipconns) ;
  if (!m) strerr_diefusys(111, "get local address of connection") ;
  if (fd_move(0, s) < 0 || fd_copy(1, 0) < 0) strerr_diefusys(111, "move the connection to fds 0 and 1") ;
  if (run)
  {
    setenvs(modifs, m) ;
    (*run)(argv) ;
  }
  xmexec_n(argv, modifs, m, LISTEN_ENVN) ;
}
