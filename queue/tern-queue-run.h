/* tern-queue-run.h: what the parts of tern-queue-run share: the messages
   it knows, the deliveries running, the configuration. */
#ifndef TERN_QUEUE_RUN_H
#define TERN_QUEUE_RUN_H

#include <stdint.h>
#include <sys/types.h>
#include <skalibs/stralloc.h>
#include <skalibs/genalloc.h>
#include "tern_conf.h"
#include "tern_queue.h"

#define WAKE_NEVER UINT64_MAX

typedef struct msg_s msg ;
struct msg_s
{
  int used ;
  char id[TERN_QUEUE_IDMAX] ;
  tern_qenv env ;
  tern_qstate st ;
  uint64_t size ;
  stralloc busy ;     /* one byte per recipient: 1 while a delivery has it */
  unsigned int running ;
  int dirty ;         /* st changed since written */
  uint64_t wake ;     /* no recipient is due before this time */
} ;

typedef struct job_s job ;
struct job_s
{
  pid_t pid ;
  size_t m ;          /* index in msgs */
  stralloc account ;  /* NUL-terminated */
  genalloc rcpts ;    /* unsigned int: recipient indexes */
} ;

extern genalloc msgs ;          /* msg */
extern genalloc jobs ;          /* job */
extern tern_conf conf ;
extern char const *confdir ;
extern stralloc qdir ;          /* DATADIR/queue, no NUL */
extern stralloc remoteto ;      /* deliver-remote-to account, "" none, NUL-terminated */
extern unsigned int concurrency ;
extern unsigned int maxattempts ;

#define MSG(i) (genalloc_s(msg, &msgs) + (i))
#define NMSGS genalloc_len(msg, &msgs)
#define JOB(i) (genalloc_s(job, &jobs) + (i))
#define NJOBS genalloc_len(job, &jobs)

/* QDIR/sub/name (name may be 0), NUL-terminated, in a static buffer per slot */
extern char const *qpath (unsigned int slot, char const *sub, char const *name) ;

/* tern-queue-run-scan.c */
extern void scan_start (void) ;   /* tmp cleanup, orphan states, mess/ */
extern void scan_todo (void) ;    /* new messages */

/* tern-queue-run-msg.c */
extern void msg_load (char const *id, int isnew) ;
extern uint64_t msg_schedule (uint64_t now) ;  /* starts deliveries; returns the next wake */
extern void msg_settle (size_t m, uint64_t now) ;  /* after its deliveries: remove or write */

/* tern-queue-run-deliver.c */
extern int deliver_start (size_t m, char const *account, unsigned int const *rcpts, unsigned int n) ;
extern void deliver_reap (uint64_t now) ;

#endif
