/* tern-gentestdata.h: what the parts of tern-gentestdata share: the
   seeded generator, the start time, the paths, and dying on errors. */
#ifndef TERN_GENTESTDATA_H
#define TERN_GENTESTDATA_H

#include <stdint.h>
#include <skalibs/stralloc.h>

#define GEN_PWSUFFIX "-password"

extern char const *gen_dest ;   /* DESTDIR, absolute */
extern uint64_t gen_t0 ;        /* the seed's start time */
extern uint64_t gen_seed ;

/* tern-gentestdata.c */
extern uint64_t gen_next (uint64_t *st) ;            /* splitmix64 */
extern uint64_t gen_rand (void) ;                    /* gen_next of the seed's stream */
extern uint32_t gen_below (uint32_t n) ;             /* 0 .. n-1 */
extern char const *gen_pick (char const *const *list, unsigned int n) ;
extern char const *gen_path (stralloc *sa, char const *a, char const *b) ;  /* a/b */
extern void gen_die (int r, char const *what, char const *arg) ;  /* exit 111 if r */

/* tern-gentestdata-conf.c: the configuration and the accounts' credentials */
extern void gen_conf (void) ;
extern char const *gen_acct (char const *name) ;     /* ACCT dir, static storage */

/* tern-gentestdata-mail.c: mailboxes and messages */
extern void gen_mail (void) ;
extern void gen_message (stralloc *sa, char const *from, char const *to, int kind, uint64_t date, unsigned int n) ;
#define GEN_HAM 0
#define GEN_SPAM 1
#define GEN_UTF8 2

/* tern-gentestdata-junk.c: train the filters from the flags */
extern void gen_junk (void) ;

/* tern-gentestdata-queue.c */
extern void gen_queue (void) ;
extern void gen_queue_times (void) ;

#endif
