/* tern-tls: TLS helper (BearSSL) for one connection on fds 0/1; reads the
   key, runs prog as UID/GID, drops to TLS_UID/TLS_GID, relays TLS <-> prog.
   With -L it is also the listener (tern-listen's code): the key is read
   once and each connection is a fork, without an exec.
   usage: tern-tls [ -S ] [ -t secs ] -k key -c cert [ -k key2 -c cert2 ] { prog... | -L listen-args... }
   exit: prog's; 100 usage or (-S) failed handshake; 111 bad key, system. */
#include <stdlib.h>
#include <errno.h>
#include <unistd.h>
#include <signal.h>
#include <skalibs/sgetopt.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/strerr.h>
#include <skalibs/buffer.h>
#include <skalibs/types.h>
#include <skalibs/bytestr.h>
#include <skalibs/djbunix.h>
#include <skalibs/random.h>
#include <skalibs/tai.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include "tern-tls.h"
#include "tern-listen.h"

#define USAGE "tern-tls [ -S ] [ -t secs ] -k keyfile -c certfile [ -k keyfile2 -c certfile2 ] { prog... | [ -Z ] -L [ listen-options ] ip port prog... }"

static tlspair pairs[2] ;
static br_ssl_server_context sc ;
static unsigned char iobuf[BR_SSL_BUFSIZE_BIDI] ;

typedef struct opts_s opts ;
struct opts_s
{
  char const *keys[2], *certs[2] ;
  unsigned int nk, nc, timeout ;
  int implicit, listen, zygote ;
} ;

static opts o = { .timeout = 60 } ;

/* the arguments after the options: prog..., or (-L) tern-listen's with
   the -L argument itself in the place of its argv[0] */
static char const *const *options (int argc, char const *const *argv, opts *o)
{
  subgetopt l = SUBGETOPT_ZERO ;
  for (int opt ; !o->listen && (opt = subgetopt_r(argc, argv, "Sht:k:c:LZ", &l)) != -1 ;)
    switch (opt)
    {
      case 'Z' : o->zygote = 1 ; break ;
      case 'L' : o->listen = 1 ; break ;
      case 'S' : o->implicit = 1 ; break ;
      case 't' : if (!uint0_scan(l.arg, &o->timeout) || !o->timeout) strerr_dieusage(100, USAGE) ; break ;
      case 'k' : if (o->nk >= 2) strerr_dieusage(100, USAGE) ; o->keys[o->nk++] = l.arg ; break ;
      case 'c' : if (o->nc >= 2) strerr_dieusage(100, USAGE) ; o->certs[o->nc++] = l.arg ; break ;
      case 'h' :
        buffer_putsflush(buffer_1, "usage: " USAGE "\n") ;
        _exit(0) ;
      default : strerr_dieusage(100, USAGE) ;
    }
  if (!o->nk && !o->nc && getenv("KEYFILE") && getenv("CERTFILE"))
  {
    o->keys[0] = getenv("KEYFILE") ; o->certs[0] = getenv("CERTFILE") ; o->nk = o->nc = 1 ;
  }
  /* after -L, l.ind is still on the -L argument: it ends tern-tls's options */
  if (o->listen && argv[l.ind][l.pos]) strerr_dieusage(100, USAGE) ;
  if (l.ind + o->listen >= argc || !o->nk || o->nk != o->nc) strerr_dieusage(100, USAGE) ;
  if (o->zygote && (!o->listen || o->implicit)) strerr_dieusage(100, USAGE) ;
  return argv + l.ind ;
}

static void drop (pid_t pid)
{
  char const *r = tls_ids("TLS_UID", "TLS_GID", 1) ;
  if (r)
  {
    int e = errno ;
    if (pid > 0) kill(pid, SIGKILL) ;
    errno = e ;
    strerr_diefusys(111, "drop privileges: ", r) ;
  }
}

/* STARTTLS mode: Y or y from prog, or 0 if it declined. */
static int command (tlsio *io)
{
  char c = 0 ;
  if (fd_read(io->note, &c, 1) == 1 && (c == 'Y' || c == 'y')) return c ;
  /* the connection is prog's alone now */
  fd_close(0) ; fd_close(1) ; fd_close(io->ar) ; fd_close(io->aw) ; fd_close(io->note) ;
  return 0 ;
}

/* The engine of one connection: its buffer and its own entropy (with -L,
   every connection is a fork of one process, whose context main set up). */
static void engine (void)
{
  char seed[32] ;
  if (!o.listen) tls_server_init(&sc, pairs, o.nk) ;
  br_ssl_engine_set_buffer(&sc.eng, iobuf, sizeof iobuf, 1) ;
  random_buf(seed, sizeof seed) ;
  br_ssl_engine_inject_entropy(&sc.eng, seed, sizeof seed) ;
  byte_zzero(seed, sizeof seed) ;
}

/* TLS on the connection, prog's side being io->ar/io->aw; reaps pid if set */
static void relay (tlsio *io, pid_t pid)
{
  int err ;
  if (ndelay_on(io->nr) < 0 || ndelay_on(io->nw) < 0 || ndelay_on(io->ar) < 0 || ndelay_on(io->aw) < 0)
    strerr_diefusys(111, "set fds non-blocking") ;
  if (!br_ssl_server_reset(&sc)) strerr_diefu(111, "reset the TLS engine") ;
  if (!tls_run(&sc.eng, io, &err))
  {
    tls_failed(err) ;
    if (o.implicit) { tls_reap(pid) ; _exit(100) ; }
  }
  _exit(pid ? tls_reap(pid) : 0) ;
}

/* SIGTERM (the listener evicting the connection) takes prog along: before
   STARTTLS, prog holds the connection too */
static pid_t progpid = 0 ;

static void term (int sig)
{
  (void)sig ;
  if (progpid > 0) kill(progpid, SIGTERM) ;
  _exit(111) ;
}

/* One connection on fds 0/1: never returns. */
static void session (char const *const *argv)
{
  tlsio io = { .nr = 0, .nw = 1, .sendinfo = 1 } ;
  pid_t pid ;
  PROG = "tern-tls" ;
  signal(SIGPIPE, SIG_IGN) ;
  signal(SIGTERM, &term) ;
  if (tls_zfd >= 0) fd_close(tls_zfd) ;  /* the zygote was busy: ours is the exec */
  tain_now_set_stopwatch_g() ;
  io.timeout = o.timeout ;
  pid = progpid = tls_spawn(argv, o.implicit, &io, pairs) ;
  drop(pid) ;
  if (!o.implicit && !(io.sendinfo = command(&io))) _exit(pid ? tls_reap(pid) : 0) ;
  io.sendinfo = io.sendinfo != 'y' ;
  engine() ;
  relay(&io, pid) ;
}

/* -Z: the helper of a handed-over connection that asked for TLS (req is
   Y or y), forked by the listener: fd[0] the connection, fd[1] the
   plaintext from the session, fd[2] the decrypted data to it; ctl takes
   the facts.  Never returns. */
static void serve (int req, int const *fd, int ctl)
{
  tlsio io = { .nr = 0, .nw = 1, .ar = fd[1], .aw = fd[2], .note = ctl, .sendinfo = req != 'y', .timeout = o.timeout } ;
  PROG = "tern-tls" ;
  signal(SIGPIPE, SIG_IGN) ;
  fd_close(tls_zfd) ;
  if (fd_move(0, fd[0]) < 0 || fd_copy(1, 0) < 0) strerr_diefusys(111, "move the connection to fds 0 and 1") ;
  tain_now_set_stopwatch_g() ;
  drop(0) ;
  engine() ;
  relay(&io, 0) ;
}

static void zstart (char const *const *argv)
{
  tls_zygote_start(argv, pairs) ;
}

int main (int argc, char const *const *argv)
{
  PROG = "tern-tls" ;
#ifdef __linux__
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) ;  /* no core file, no ptrace: the key */
#endif
  argv = options(argc, argv, &o) ;
  for (unsigned int i = 0 ; i < o.nk ; i++) tls_load(pairs + i, o.keys[i], o.certs[i]) ;
  if (o.nk == 2 && pairs[0].type == pairs[1].type) strerr_dief(100, "the two keys must be of different types") ;
  if (o.listen)
  {
    static listen_hooks const plain = { .run = &session } ;
    static listen_hooks const zygote = { .run = &session, .start = &zstart, .hand = &tls_zhand, .take = &tls_ztake, .serve = &serve } ;
    int n = 0 ;
    while (argv[n]) n++ ;
    tls_server_init(&sc, pairs, o.nk) ;  /* once: it runs CPUID, which traps on a VM */
    return listen_main(n, argv, o.zygote ? &zygote : &plain) ;
  }
  session(argv) ;
  return 111 ;  /* not reached */
}
