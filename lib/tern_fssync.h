/* tern_fssync.h: group commit of whole file system syncs (syncfs) across
   processes: one sync makes every write, rename and link made before it
   on its file system durable, for every concurrent committer. */
#ifndef TERN_FSSYNC_H
#define TERN_FSSYNC_H
#include <stdint.h>

/* The state file (tern-queue.5): 4096 bytes, a 64-byte header
   ("tern-fssync 1\n", then zeros) and 63 slots of 64 bytes, each eight
   64-bit counters in the host's order (the TERN_FSSYNC_* indexes below).
   A file system uses the slot its device number hashes to; the slot is
   locked by an OFD lock (fcntl) on its bytes. */
#define TERN_FSSYNC_SIZE 4096
#define TERN_FSSYNC_MAGIC "tern-fssync 1\n"
#define TERN_FSSYNC_STARTED 0  /* number of the last sync begun */
#define TERN_FSSYNC_DONE 1     /* number of the last sync that succeeded */
#define TERN_FSSYNC_DEV 2      /* its file system */
#define TERN_FSSYNC_DTICKET 3  /* the ticket of the descriptor it used */
#define TERN_FSSYNC_TICKETS 4  /* tickets given (taken without the lock) */
#define TERN_FSSYNC_FAILED 5   /* number of the last sync that failed, 0 none */
#define TERN_FSSYNC_GEN 6      /* bumped when damaged counters are reset */

/* how a call made the writes durable (for tests and counts) */
#define TERN_FSSYNC_SHARED 1  /* another committer's sync, begun after ours was asked */
#define TERN_FSSYNC_OWN 2     /* our sync, under the slot's lock */
#define TERN_FSSYNC_PLAIN 3   /* our sync: no usable state file */

/* A committer's marks, taken by begin right after it opened fd and before
   it writes anything the sync must cover (dticket: the ticket of fd's own
   begin, what a sync through fd records). */
typedef struct tern_fssync_s tern_fssync ;
struct tern_fssync_s { uint64_t gen, sync, ticket, dticket, after ; int ok, aok ; } ;
#define TERN_FSSYNC_ZERO { .gen = 0, .sync = 0, .ticket = 0, .dticket = 0, .after = 0, .ok = 0, .aok = 0 }

extern void tern_fssync_begin (char const *state, int fd, tern_fssync *m) ;

/* New marks in *m for writes from now on that a sync through fd (given
   to begin with *m, still open) must cover: fd keeps its age, so that a
   sync through it still stands for the committers that came after its
   first begin (a delivery's second sync, after the rename and the
   index record, tern-queue-run(8)). */
extern void tern_fssync_again (char const *state, int fd, tern_fssync *m) ;

/* The writes the sync must cover are all done (after: the last sync begun
   now, aok = 1): tern_fssync_wait may then share a sync that began after
   this call even if it began before the wait (a delivery worker's files,
   written long before its "sync").  A failure leaves aok 0. */
extern void tern_fssync_written (char const *state, int fd, tern_fssync *m) ;

/* Make every write, rename and link done on fd's file system before this
   call durable: 1 (how in *how if how) or 0 with errno.  fd must be the one
   given to begin, still open.  A sync is syncfs(fd) then fdatasync(fd)
   (syncfs writes some metadata through the block device after its
   device flush on ext2-like file systems; the fdatasync flushes again).
   It shares another committer's sync only if that one began after this
   call and used a descriptor opened before our begin (so that its syncfs
   reported any writeback error on our files), and no sync that could have
   seen an error of ours failed (then 0 and EIO).  Without a usable
   STATE (0, missing, damaged, unwritable) it syncs itself. */
extern int tern_fssync_wait (char const *state, int fd, tern_fssync const *m, unsigned int *how) ;

/* Microseconds a committer of this process that must sync waits first,
   holding the slot's lock, so that the commits of others that arrive
   meanwhile share its sync (0, the default: none).  For committers whose
   latency matters less than the number of syncs (the delivery workers). */
extern unsigned int tern_fssync_patience ;

/* 1: the calls of this process keep the state file mapped (and its
   descriptor open, close-on-exec) from one to the next instead of six
   system calls each; for a process making many commits (a delivery
   worker).  Set it only in a process that will not fork a child that
   commits too: the child would share the descriptor, whose OFD locks
   then exclude nothing between the two.  0 by default. */
extern int tern_fssync_keepmap ;

/* Create STATE (mode 0660) if it is missing or damaged; 1 or 0 with errno */
extern int tern_fssync_init (char const *state) ;

/* the sync method asked by TERN_SYNC: 1 for "syncfs", 0 for anything
   else (the default: an fsync of the file and a shared one of its
   directory per commit; a syncfs also waits for every other program's
   dirty data on the file system, tern-queue(5)); TERN_SYNC is read at
   the first call only */
extern int tern_fssync_on (void) ;
#endif
