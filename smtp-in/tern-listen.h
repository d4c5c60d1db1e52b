/* tern-listen.h: what the parts of tern-listen share (see tern-listen.8). */
#ifndef TERN_LISTEN_H
#define TERN_LISTEN_H

#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>
#include <skalibs/tai.h>
#include <skalibs/gccattributes.h>
#include <skalibs/types.h>
#include <skalibs/ip46.h>

#define LISTEN_MAXCONN 16384

/* In the child, instead of the exec of prog (tern-tls -L): never returns. */
typedef void listen_run_fn (char const *const *argv) ;

/* Hand-over (tern-tls -Z): a connection is given, without a fork, to a
   process already running, and watched by a control fd until it asks for
   a process of its own.  hand: called in the listener with the session's
   environment (as listen_env makes it); returns the control fd to watch,
   or -1 to fork as usual.  take: the control fd is readable; returns -1
   (nothing yet), 0 (the connection is over) or a request, with its fds in
   fd[LISTEN_TAKEFDS].  serve: in the child forked for a request, with the
   control fd; never returns. */
#define LISTEN_TAKEFDS 3
typedef int listen_hand_fn (int s, char const *env, size_t len) ;
typedef int listen_take_fn (int ctl, int *fd) ;
typedef void listen_serve_fn (int req, int const *fd, int ctl) ;

/* What tern-tls -L changes; 0 for tern-listen. */
typedef struct listen_hooks_s listen_hooks ;
struct listen_hooks_s
{
  listen_run_fn *run ;       /* 0: exec prog */
  listen_run_fn *start ;     /* if set, called once with argv before the loop */
  listen_hand_fn *hand ;     /* if set (with take and serve), the hand-over */
  listen_take_fn *take ;
  listen_serve_fn *serve ;
} ;

typedef struct listener_s listener ;
struct listener_s
{
  int fd ;                   /* listening socket, non-blocking, close-on-exec */
  int is6 ;
  unsigned int maxconn ;
  unsigned int maxperip ;
  char const *ip ;           /* as given, for the start line */
  char const *port ;
  char const *const *argv ;  /* prog and its args */
  listen_hooks const *h ;
} ;

/* A connection is its child (pid) or, handed over, its control fd (ctl)
   and our copy of the connection (sock, shut down to evict it); its client
   is its IPv4 address or its IPv6 /64 (ip, 16 bytes as accepted); seq
   orders the connections by age. */
typedef struct listen_conn_s listen_conn ;
struct listen_conn_s
{
  pid_t pid ;
  int ctl ;
  int sock ;
  int evicted ;  /* sent SIGTERM; SIGKILL at kill */
  uint64_t seq ;
  tain start ;
  tain kill ;
  uint16_t port ;
  char ip[16] ;
} ;

/* When full: the slot of tab[n] to evict (the oldest connection not yet
   evicted of the client with the most slots, the one whose oldest is the
   oldest among equals) and that client's slots in *count; n if none.
   iplen: 4 (IPv4) or 8 (IPv6 /64). */
extern unsigned int listen_victim (listen_conn const *tab, unsigned int n, size_t iplen, unsigned int *count) ;

/* Over -C: a connection is held (parked) for LISTEN_GRACE seconds at most,
   until its client has a slot again: a child that has sent its last byte
   may not have been reaped yet when the client's next connection comes.
   park: 0 if LISTEN_PARKMAX are held already.  scan: each held connection
   is offered to fn, with expired set once its time is up; fn returns 1 if
   it took it (served or closed), 0 to keep it held.  deadline: lowered to
   the earliest expiry.  closeall: in a child. */
#define LISTEN_GRACE 1
#define LISTEN_PARKMAX 64
typedef int listen_park_fn (int s, char const *ip, uint16_t port, int expired) ;
extern int listen_park (int s, char const *ip, uint16_t port) ;
extern unsigned int listen_parked (void) ;
extern void listen_park_scan (listen_park_fn *fn) ;
extern void listen_park_deadline (tain *deadline) ;
extern void listen_park_closeall (void) ;

/* argv as tern-listen's (argv[0] ignored): parse, bind, drop, loop.  Dies
   100 (usage) or 111; returns 0 after SIGTERM. */
extern int listen_main (int argc, char const *const *argv, listen_hooks const *h) ;

/* Accept and fork until SIGTERM; returns the exit code (0). Dies 111. */
extern int listen_loop (listener const *) ;
/* The UCSPI-TCP variables of connection s as env_merge modifications
   (LISTEN_ENVMAX bytes, LISTEN_ENVN of them); their length, or 0 (errno). */
#define LISTEN_ENVN 9
#define LISTEN_ENVMAX (sizeof "PROTO=TCP TCPLOCALIP= TCPLOCALPORT= TCPREMOTEIP= TCPREMOTEPORT= TCPCONNNUM= TCPLOCALHOST TCPREMOTEHOST TCPREMOTEINFO " \
  + 2 * (IP46_FMT + UINT16_FMT) + UINT_FMT)
extern size_t listen_env (char *modifs, int s, char const *ipf, char const *portf, unsigned int ipconns) ;
/* In the child: env, fds 0/1 = socket s, exec argv (or run(argv)). Never returns. */
extern void listen_child (int s, char const *ipf, char const *portf, unsigned int ipconns, char const *const *argv,
  listen_run_fn *run) gccattr_noreturn ;

#endif
