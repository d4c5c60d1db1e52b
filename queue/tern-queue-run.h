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
#define HPOS_NONE ((size_t)-1)

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
  int dropped ;       /* tern queue drop: results are ignored */
  uint64_t wake ;     /* no recipient is due before this time (set with msg_wake) */
  size_t hpos ;       /* its place in the wake-time heap, or HPOS_NONE */
  uint64_t pass ;     /* the last msg_schedule pass that looked at it */
  uint64_t dsnwake ;  /* no notice before this time (tern-queue-dsn said 111) */
  unsigned int kills ;  /* local deliveries killed by a signal since loaded */
  int outside ;       /* from a client not logged in (ip, no account): the junk filter looks at it */
  int sign ;          /* the DKIM step is still to run (tern-queue-run-dkim.c) */
  int keys ;          /* and at load its From: domain had dkim keys: no batch takes it unsigned */
  uint32_t gen ;      /* counts the loads into this slot: tells a stale reference */
} ;

/* a local delivery killed by a signal is tried again at once this many
   times per message in memory, then after the normal backoff */
#define KILLS_AGAIN 3

#define JOB_LOCAL 0
#define JOB_REMOTE 1
#define JOB_DSN 2

/* a remote job's message: its recipients are rcpts[off .. off+n) of the job */
typedef struct part_s part ;
struct part_s { size_t m ; unsigned int off, n ; } ;
#define REMOTE_BATCH 50  /* messages in one tern-smtp-out -m at most */

typedef struct job_s job ;
struct job_s
{
  pid_t pid ;
  size_t m ;          /* index in msgs */
  int kind ;          /* JOB_* */
  int out ;           /* remote: the report file, -1 none */
  stralloc account ;  /* NUL-terminated: local the account, remote "DOMKEY LINE", dsn the kind */
  genalloc rcpts ;    /* unsigned int: recipient indexes */
  genalloc parts ;    /* part: remote jobs, one per message (a batch has several) */
  int later ;         /* local: its worker answered 0, the delivery awaits the worker's sync */
  stralloc note ;     /* and the worker's note then ("JUNK\0MAILBOX\0") */
  uint64_t seq ;      /* and the order it answered in (its code's place in the sync's answer) */
} ;

extern genalloc msgs ;          /* msg */
extern genalloc jobs ;          /* job */
extern tern_conf conf ;
extern char const *confdir ;
extern stralloc qdir ;          /* DATADIR/queue, no NUL */
extern stralloc remoteto ;      /* deliver-remote-to account, "" none, NUL-terminated */
extern unsigned int concurrency ;
extern unsigned int maxattempts ;
extern unsigned int domconcurrency ;
extern unsigned int activemax ;    /* queue-active-max: messages in memory at most */
extern int basedelay ;          /* TERN_QUEUE_BASE_DELAY, -1 unset */

#define MSG(i) (genalloc_s(msg, &msgs) + (i))
#define NMSGS genalloc_len(msg, &msgs)
#define JOB(i) (genalloc_s(job, &jobs) + (i))
#define NJOBS genalloc_len(job, &jobs)
extern size_t jobslater ;       /* jobs with later set */
#define NRUNNING (NJOBS - jobslater)  /* the jobs queue-concurrency counts */

/* QDIR/sub/name (name may be 0), NUL-terminated, in a static buffer per slot */
extern char const *qpath (unsigned int slot, char const *sub, char const *name) ;

/* tern-queue-run-conf.c */
extern void conf_read (int first) ;   /* (re)read the settings; the first time, find the queue */
extern void conf_check (int force) ;  /* a new config.cdb mapped and read (force: read again anyway) */

/* tern-queue-run-scan.c */
extern void scan_start (uint64_t now) ;  /* tmp cleanup, orphan states, mess/ */
/* new messages, and due ones left on disk; periodic: also log the names
   of todo/ that are not ids (once per periodic pass, not per trigger) */
extern void scan_todo (uint64_t now, int periodic) ;
extern int scan_due (uint64_t now) ;     /* 1: scan_todo has messages to load now */
extern uint64_t scan_next (void) ;       /* when a message left on disk is due */
extern int scan_one (char const *id) ;   /* id into memory, room or not: 1 if on disk */

/* tern-queue-run-msg.c */
extern void msg_load (char const *id, int isnew) ;
extern size_t msg_find (char const *id) ;  /* its index in msgs, or (size_t)-1 */
/* up to max messages due at now (wake <= now), earliest first along each
   branch of the wake-time heap: out[], their number; the work is in the
   number found, not in the messages in memory */
extern size_t msg_duelist (uint64_t now, size_t *out, size_t max) ;
extern size_t msg_loaded (void) ;  /* messages in memory */
extern uint64_t msg_due (msg const *m) ;  /* its next attempt or notice, WAKE_NEVER none */
extern size_t msg_evict (uint64_t now, size_t n) ;  /* up to n idle messages leave memory */
extern uint64_t msg_schedule (uint64_t now) ;  /* starts deliveries; returns the next wake */
extern void msg_wake (size_t m, uint64_t when) ;  /* sets its wake time */
extern void msg_settle (size_t m, uint64_t now) ;  /* after its deliveries: remove or write */
/* tern-queue-run-route.c: where rcpt goes: R_* below, the account or
   "DOMKEY LINE" appended, NUL-terminated */
extern int msg_route (msg const *m, char const *rcpt, unsigned int attempts, stralloc *acct) ;
/* the route of every due recipient of m not busy: kinds (one R_* or 0 per
   recipient), offs (size_t: where in accts its account or key starts);
   recipients with no such address fail, *wake lowered to the earliest
   next attempt of those not due; 0 on ENOMEM */
extern int msg_routes (msg *m, uint64_t now, uint64_t *wake, stralloc *kinds, genalloc *offs, stralloc *accts) ;

/* tern-queue-run-deliver.c */
extern int deliver_start (size_t m, char const *account, unsigned int const *rcpts, unsigned int n, uint64_t now) ;
extern void deliver_reap (uint64_t now) ;
/* the job of pid ended; note: a worker's "JUNK\0MAILBOX\0" (tern-queue-local.h), or 0 */
extern void deliver_ended (pid_t pid, int wstat, char const *note, uint64_t now) ;
/* worker pid answered LATER for its job, which now awaits its sync (note
   and its length as for deliver_ended; without memory, none): 1, or 0 (no
   such job) */
extern int deliver_later (pid_t pid, char const *note, size_t len) ;
/* worker pid's sync ended with codes[0..n) (0 done, else a temporary
   failure), one per job of it that awaited the sync, in the order they
   were answered (codes 0, or n not their number: each failed
   temporarily; codes 0 when it is gone) */
extern void deliver_synced (pid_t pid, char const *codes, size_t n, uint64_t now) ;
extern char const *localagent ;  /* TERN_QUEUE_LOCAL, or 0 */

/* tern-queue-run-worker.c */
struct pollfd ;
extern unsigned int workeridle ;  /* ms a worker waits for a job before it leaves */
extern unsigned int syncwait ;    /* ms a delivery may wait for its sync; 0: each syncs alone */
extern unsigned int syncquiet ;   /* ms without a new delivery after which the kept ones sync; 0: never early */
extern int worker_sync (int stopping) ;  /* "sync" to the workers due: ms to the next, -1 none */
extern pid_t worker_start (int fd, char const *account, uint64_t date, unsigned int opts) ;  /* -1 on error */
extern int worker_gone (pid_t pid, int wstat, uint64_t now) ;  /* 1 if pid was a worker */
extern void worker_pollfds (genalloc *p) ;  /* struct pollfd of the busy workers, appended */
extern void worker_answers (struct pollfd const *p, size_t n, uint64_t now) ;
extern int job_add (job *j, unsigned int const *rcpts, unsigned int n) ;  /* after fork */
extern void job_drop (size_t ji) ;
/* the result of one attempt for recipient k: code 0 ok, 100 permanent,
   else temporary; via "account", "transport" with its value */
extern void rcpt_result (size_t m, unsigned int k, int code, char const *what, char const *via, char const *vval) ;
/* attempts+1, last = now, next = now + backoff */
extern void rcpt_count (tern_qrcpt *r, uint64_t now) ;
extern char const *rcpt_addr (msg const *m, unsigned int k) ;
/* an address of m (SMTP form) as logged: "q@bücher.test/q@xn--bcher-kva.test"
   (tern_addr_logtext, the rule of tern-smtp-in); in a static buffer, valid
   until the next call */
extern char const *logaddr (msg const *m, char const *addr) ;
extern int tmpfile_open (void) ;  /* an unlinked file in QDIR/tmp, -1 errno */

/* tern-queue-run-remote.c */
#define R_LOCAL 1
#define R_REMOTE 2
#define R_BAD 3
#define R_TEMP 4
#define R_NOTRANSPORT 5
/* the transport for rcpt: R_REMOTE and "DOMKEY LINE\0" appended to key,
   R_NOTRANSPORT and the forced name, R_TEMP */
extern int remote_route (msg const *m, char const *rcpt, unsigned int attempts, stralloc *key) ;
extern int remote_busy (char const *key) ;   /* 1 if key's domain is at its limit */
extern void remote_wait (size_t m, unsigned int k) ;
extern void remote_wakeall (void) ;
extern int remote_start (size_t m, char const *key, unsigned int const *rcpts, unsigned int n, uint64_t now) ;
extern void remote_ended (size_t ji, int wstat, uint64_t now) ;  /* records, settles */
/* tern-queue-run-report.c: the run's report lines into results; the
   recipients without one fail temporarily */
extern void report_read (job const *j, int wstat, char const *name) ;
/* tern-queue-run-spawn.c: tern-smtp-out for m's rcpts (or, batch, the list
   on in) through the transport line, its report to out: pid, or -1 errno */
extern pid_t remote_spawn (int in, int out, msg const *m, char const *line, unsigned int const *rcpts, unsigned int n, int batch) ;
/* j's parts: mi's rcpts, then due ones of other messages waiting for the
   same domain and transport (at most REMOTE_BATCH messages); 0 ENOMEM */
extern int batch_gather (size_t mi, char const *key, unsigned int const *rcpts, unsigned int n, uint64_t now, job *j) ;

/* tern-queue-run-batch.c: tern-smtp-out -m */
extern int batch_ok (msg const *m) ;     /* its addresses fit in the list (no tab, no newline) */
extern int batch_list (job const *j) ;   /* the list in an unlinked file: fd, -1 errno */
extern void batch_add (job *j) ;         /* marks its recipients busy, adds it (room made before) */
extern void batch_undo (job const *j) ;  /* a start that failed: its messages scheduled again */
extern int batch_dropped (job const *j) ;  /* 1 if all its messages are dropped */

/* tern-queue-run-dsn.c */
extern int dsn_owed (msg const *m) ;
extern int dsn_start (size_t m, uint64_t now) ;  /* 1 started, 0 not (wake later) */
extern void dsn_ended (size_t ji, int wstat, uint64_t now) ;

/* tern-queue-run-dkim.c: message i signed if it should be (the signed
   file in place of mess/ID, m->sign cleared): 1; 0 not now (a key
   unreadable: logged), *wake the time to try again */
extern int dkim_step (size_t i, uint64_t now, uint64_t *wake) ;
/* at load, m to be signed (m->sign): 1 if its From: domain has dkim keys
   (or its header could not be read), 0 if nothing will be signed */
extern int dkim_wanted (msg const *m, int fd) ;

/* tern-queue-run-ctl.c */
extern int ctl_open (void) ;     /* lock, control FIFO: its read fd */
extern void ctl_read (int fd, uint64_t now) ;

#endif
