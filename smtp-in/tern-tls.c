/* tern-tls: TLS helper (BearSSL) for one connection on fds 0/1; reads the
   key, runs prog as UID/GID, drops to TLS_UID/TLS_GID, relays TLS <-> prog.
   usage: tern-tls [ -S ] [ -t secs ] -k key -c cert [ -k key2 -c cert2 ] prog...
   exit: prog's; 100 usage or (-S) failed handshake; 111 bad key, system. */
#include <stdlib.h>
#include <errno.h>
#include <unistd.h>
#include <signal.h>
#include <sys/wait.h>
#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>
#include <skalibs/buffer.h>
#include <skalibs/types.h>
#include <skalibs/bytestr.h>
#include <skalibs/djbunix.h>
#include <skalibs/socket.h>
#include <skalibs/random.h>
#include <skalibs/tai.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include "tern-tls.h"

#define USAGE "tern-tls [ -S ] [ -t secs ] -k keyfile -c certfile [ -k keyfile2 -c certfile2 ] prog..."

static tlspair pairs[2] ;
static br_ssl_server_context sc ;
static unsigned char iobuf[BR_SSL_BUFSIZE_BIDI] ;
static unsigned char filebuf[TLS_FILE_MAX] ;

static size_t readfile (char const *what, char const *path)
{
  ssize_t n = openreadnclose(path, (char *)filebuf, sizeof filebuf) ;
  if (n < 0) strerr_diefusys(111, "read ", what, " ", path) ;
  if ((size_t)n == sizeof filebuf) strerr_diefu(111, "read ", what, " ", path, ": file too large") ;
  return n ;
}

static void load (tlspair *p, char const *key, char const *cert)
{
  size_t n = readfile("key", key) ;
  char const *r = tls_pem_key(p, filebuf, n) ;
  byte_zzero((char *)filebuf, n) ;
  if (r) strerr_diefu(111, "read key ", key, ": ", r) ;
  n = readfile("certificate", cert) ;
  r = tls_pem_chain(p, filebuf, n) ;
  if (r) strerr_diefu(111, "read certificate ", cert, ": ", r) ;
  if (!tls_pair_match(p)) strerr_dief(111, "key ", key, " does not match certificate ", cert) ;
}

/* Forks prog; fills the helper's side of io. */
static pid_t spawn (char const *const *argv, int implicit, tlsio *io)
{
  int a[2], b[2], x[2], f[3] ;
  pid_t pid ;
  if (pipecoe(a) < 0 || pipecoe(b) < 0) strerr_diefusys(111, "pipe") ;
  if (implicit ? pipecoe(x) < 0 : ipc_pair_coe(x) < 0) strerr_diefusys(111, "create control channel") ;
  pid = fork() ;
  if (pid < 0) strerr_diefusys(111, "fork") ;
  if (!pid)
  {
    tls_pair_wipe(pairs) ; tls_pair_wipe(pairs + 1) ;
    fd_close(b[0]) ; fd_close(a[1]) ; fd_close(x[1]) ;
    f[0] = a[0] ; f[1] = b[1] ; f[2] = x[0] ;
    tls_child(argv, implicit, f) ;
  }
  fd_close(a[0]) ; fd_close(b[1]) ; fd_close(x[0]) ;
  io->ar = b[0] ; io->aw = a[1] ; io->note = x[1] ;
  return pid ;
}

static int reap (pid_t pid)
{
  int wstat ;
  if (wait_pid(pid, &wstat) < 0) strerr_diefusys(111, "wait for prog") ;
  return WIFSIGNALED(wstat) ? 111 : WEXITSTATUS(wstat) ;
}

static void failed (int err)
{
  char const *ip = getenv("TCPREMOTEIP") ;
  char fmt[INT_FMT] ;
  char name[40] ;
  fmt[int_fmt(fmt, err)] = 0 ;
  strerr_warni("handshake failed ip=", ip ? ip : "unknown", " err=", fmt, " (", tls_err_name(err, name), ")") ;
}

int main (int argc, char const *const *argv)
{
  subgetopt l = SUBGETOPT_ZERO ;
  char const *keys[2] = { 0, 0 }, *certs[2] = { 0, 0 } ;
  unsigned int nk = 0, nc = 0, timeout = 60 ;
  int implicit = 0, err ;
  tlsio io = { .nr = 0, .nw = 1, .sendinfo = 1 } ;
  pid_t pid ;
  PROG = "tern-tls" ;
#ifdef __linux__
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) ;  /* no core file, no ptrace: the key */
#endif
  for (int opt ; (opt = subgetopt_r(argc, argv, "Sht:k:c:", &l)) != -1 ;)
    switch (opt)
    {
      case 'S' : implicit = 1 ; break ;
      case 't' : if (!uint0_scan(l.arg, &timeout) || !timeout) strerr_dieusage(100, USAGE) ; break ;
      case 'k' : if (nk >= 2) strerr_dieusage(100, USAGE) ; keys[nk++] = l.arg ; break ;
      case 'c' : if (nc >= 2) strerr_dieusage(100, USAGE) ; certs[nc++] = l.arg ; break ;
      case 'h' :
        buffer_putsflush(buffer_1, "usage: " USAGE "\n") ;
        return 0 ;
      default : strerr_dieusage(100, USAGE) ;
    }
  argc -= l.ind ; argv += l.ind ;
  if (!nk && !nc && getenv("KEYFILE") && getenv("CERTFILE"))
  {
    keys[0] = getenv("KEYFILE") ; certs[0] = getenv("CERTFILE") ; nk = nc = 1 ;
  }
  if (!argc || !nk || nk != nc) strerr_dieusage(100, USAGE) ;
  for (unsigned int i = 0 ; i < nk ; i++) load(pairs + i, keys[i], certs[i]) ;
  if (nk == 2 && pairs[0].type == pairs[1].type) strerr_dief(100, "the two keys must be of different types") ;
  tls_server_init(&sc, pairs, nk) ;
  br_ssl_engine_set_buffer(&sc.eng, iobuf, sizeof iobuf, 1) ;
  {
    char seed[32] ;
    random_buf(seed, sizeof seed) ;
    br_ssl_engine_inject_entropy(&sc.eng, seed, sizeof seed) ;
    byte_zzero(seed, sizeof seed) ;
  }
  signal(SIGPIPE, SIG_IGN) ;
  tain_now_set_stopwatch_g() ;
  io.timeout = timeout ;
  pid = spawn(argv, implicit, &io) ;
  {
    char const *r = tls_ids("TLS_UID", "TLS_GID", 1) ;
    if (r)
    {
      int e = errno ;
      kill(pid, SIGKILL) ;
      errno = e ;
      strerr_diefusys(111, "drop privileges: ", r) ;
    }
  }
  if (!implicit)
  {
    char c = 0 ;
    if (fd_read(io.note, &c, 1) != 1 || (c != 'Y' && c != 'y'))
    {
      /* prog declined TLS: the connection is its own */
      fd_close(0) ; fd_close(1) ; fd_close(io.ar) ; fd_close(io.aw) ; fd_close(io.note) ;
      return reap(pid) ;
    }
    io.sendinfo = c == 'Y' ;
  }
  if (ndelay_on(0) < 0 || ndelay_on(1) < 0 || ndelay_on(io.ar) < 0 || ndelay_on(io.aw) < 0)
    strerr_diefusys(111, "set fds non-blocking") ;
  if (!br_ssl_server_reset(&sc)) strerr_diefu(111, "reset the TLS engine") ;
  if (!tls_run(&sc.eng, &io, &err))
  {
    failed(err) ;
    if (implicit) { reap(pid) ; return 100 ; }
  }
  return reap(pid) ;
}
