/* tern-tlsc: TLS client helper (BearSSL) for one connection on fds 0/1,
   UCSPI-TLS like tern-tls: runs prog, or serves its parent on fds 3/4/5.
   usage: tern-tlsc [ -S ] [ -k ] [ -n name ] [ -a cafile ] [ -t secs ] [ prog... ]
   exit: prog's, or 0; 100 usage or (-S prog) failed handshake; 111 system. */
#include <errno.h>
#include <unistd.h>
#include <signal.h>
#include <sys/stat.h>
#include <skalibs/sgetopt.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/strerr.h>
#include <skalibs/buffer.h>
#include <skalibs/types.h>
#include <skalibs/bytestr.h>
#include <skalibs/djbunix.h>
#include <skalibs/stralloc.h>
#include <skalibs/random.h>
#include <skalibs/tai.h>
#include "tern-tlsc.h"
#include "../smtp-in/tern-tls.h"

#define USAGE "tern-tlsc [ -S ] [ -k ] [ -n servername ] [ -a cafile ] [ -t secs ] [ prog... ]"

static br_ssl_client_context cc ;
static br_x509_minimal_context xc ;
static tlsc_nocheck nc ;
static tlspair nopairs[2] ;
static unsigned char iobuf[BR_SSL_BUFSIZE_BIDI] ;

typedef struct opts_s opts ;
struct opts_s
{
  char const *name, *cafile ;
  unsigned int timeout ;
  int implicit, nocheck ;
} ;

static char const *const *options (int argc, char const *const *argv, opts *o)
{
  subgetopt l = SUBGETOPT_ZERO ;
  for (int opt ; (opt = subgetopt_r(argc, argv, "Shkn:a:t:", &l)) != -1 ;)
    switch (opt)
    {
      case 'S' : o->implicit = 1 ; break ;
      case 'k' : o->nocheck = 1 ; break ;
      case 'n' : if (!*l.arg || str_len(l.arg) > 255) strerr_dieusage(100, USAGE) ; o->name = l.arg ; break ;
      case 'a' : o->cafile = l.arg ; break ;
      case 't' : if (!uint0_scan(l.arg, &o->timeout) || !o->timeout) strerr_dieusage(100, USAGE) ; break ;
      case 'h' :
        buffer_putsflush(buffer_1, "usage: " USAGE "\n") ;
        _exit(0) ;
      default : strerr_dieusage(100, USAGE) ;
    }
  return argv + l.ind ;
}

static void anchors (char const *file)
{
  stralloc sa = STRALLOC_ZERO ;
  br_x509_trust_anchor *tas ;
  struct stat st ;
  int fd = open_readb(file), n ;
  if (fd < 0) strerr_diefu2sys(111, "read trust anchors ", file) ;
  if (fstat(fd, &st) < 0) strerr_diefu2sys(111, "read trust anchors ", file) ;
  if (st.st_size > TLSC_CAFILE_MAX) strerr_dief(111, "trust anchor file ", file, " is too large") ;
  if (!slurp(&sa, fd)) strerr_diefu2sys(111, "read trust anchors ", file) ;
  fd_close(fd) ;
  n = tlsc_ca_parse(sa.s, sa.len, &tas) ;
  if (n < 0) strerr_diefu2sys(111, "read trust anchors ", file) ;
  if (!n) strerr_dief(111, "no trust anchor in ", file) ;
  stralloc_free(&sa) ;
  br_ssl_client_init_full(&cc, &xc, tas, n) ;
}

static void failed (char const *name, int err)
{
  char fmt[INT_FMT] ;
  char s[40] ;
  fmt[int_fmt(fmt, err)] = 0 ;
  strerr_warni("handshake-failed name=", name ? name : "none", " err=", fmt, " reason=", tlsc_err_name(err, s)) ;
}

/* STARTTLS: Y or y from the plaintext side, or 0 if it declined. */
static int command (tlsio *io)
{
  char c = 0 ;
  if (fd_read(io->note, &c, 1) == 1 && (c == 'Y' || c == 'y')) return c ;
  fd_close(0) ; fd_close(1) ; fd_close(io->ar) ; fd_close(io->aw) ; fd_close(io->note) ;
  return 0 ;
}

static void engine (opts const *o)
{
  char seed[32] ;
  if (o->nocheck)
  {
    br_ssl_client_init_full(&cc, &xc, 0, 0) ;
    tlsc_nocheck_init(&nc) ;
    br_ssl_engine_set_x509(&cc.eng, &nc.vtable) ;
  }
  else anchors(o->cafile) ;
  br_ssl_engine_set_buffer(&cc.eng, iobuf, sizeof iobuf, 1) ;
  random_buf(seed, sizeof seed) ;
  br_ssl_engine_inject_entropy(&cc.eng, seed, sizeof seed) ;
}

int main (int argc, char const *const *argv)
{
  opts o = { .cafile = "/etc/ssl/certs/ca-certificates.crt", .timeout = 60 } ;
  tlsio io = { .nr = 0, .nw = 1, .ar = 4, .aw = 5, .note = 3, .sendinfo = 1 } ;
  pid_t pid = 0 ;
  int err ;
  PROG = "tern-tlsc" ;
  argv = options(argc, argv, &o) ;
  engine(&o) ;
  signal(SIGPIPE, SIG_IGN) ;
  tain_now_set_stopwatch_g() ;
  io.timeout = o.timeout ;
  if (*argv) pid = tls_spawn(argv, o.implicit, &io, nopairs) ;
  else if (coe(3) < 0 || coe(4) < 0 || coe(5) < 0) strerr_diefusys(111, "use fds 3, 4 and 5") ;
  if (!o.implicit && !(io.sendinfo = command(&io))) return pid ? tls_reap(pid) : 0 ;
  io.sendinfo = io.sendinfo != 'y' ;
  if (ndelay_on(0) < 0 || ndelay_on(1) < 0 || ndelay_on(io.ar) < 0 || ndelay_on(io.aw) < 0)
    strerr_diefusys(111, "set fds non-blocking") ;
  if (!br_ssl_client_reset(&cc, o.name, 0)) strerr_diefu(111, "reset the TLS engine") ;
  if (!tls_run(&cc.eng, &io, &err))
  {
    failed(o.name, err) ;
    if (!pid) return 111 ;
    if (o.implicit) { tls_reap(pid) ; return 100 ; }
  }
  return pid ? tls_reap(pid) : 0 ;
}
