/* tern-listen.h: what the parts of tern-listen share (see tern-listen.8). */
#ifndef TERN_LISTEN_H
#define TERN_LISTEN_H

#include <stdint.h>
#include <skalibs/gccattributes.h>

#define LISTEN_MAXCONN 16384

/* In the child, instead of the exec of prog (tern-tls -L): never returns. */
typedef void listen_run_fn (char const *const *argv) ;

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
  listen_run_fn *run ;       /* 0: exec prog */
  listen_run_fn *start ;     /* if set, called once with argv before the loop */
} ;

/* argv as tern-listen's (argv[0] ignored): parse, bind, drop, loop.  Dies
   100 (usage) or 111; returns 0 after SIGTERM. */
extern int listen_main (int argc, char const *const *argv, listen_run_fn *run, listen_run_fn *start) ;

/* Accept and fork until SIGTERM; returns the exit code (0). Dies 111. */
extern int listen_loop (listener const *) ;
/* In the child: env, fds 0/1 = socket s, exec argv (or run(argv)). Never returns. */
extern void listen_child (int s, char const *ipf, char const *portf, unsigned int ipconns, char const *const *argv,
  listen_run_fn *run) gccattr_noreturn ;

#endif
