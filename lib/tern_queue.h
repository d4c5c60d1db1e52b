/* tern_queue.h: the queue's files (queue/tern-queue.5, version 4): the
   envelope at the head of each message file, the per-recipient state file,
   message ids, the retry schedule.  Shared by tern-queue-inject,
   tern-queue-run and tern-queue. */
#ifndef TERN_QUEUE_H
#define TERN_QUEUE_H

#include <stdint.h>
#include <stddef.h>
#include <sys/stat.h>
#include <skalibs/stralloc.h>
#include <skalibs/genalloc.h>
#include "tern_fssync.h"

#define TERN_QUEUE_VERSION 4
#define TERN_QUEUE_ENVMAX 1048576   /* bytes of envelope at most */
#define TERN_QUEUE_ERRMAX 200       /* bytes of a recipient's last error */
#define TERN_QUEUE_IDMAX 31         /* 8 + 5 + "." + 16 + NUL */
#define TERN_QUEUE_TMPAGE 129600    /* tmp/ garbage is removed after 36 h */
#define TERN_QUEUE_NEWAGE 3600      /* pool/n.* of a killed batch after 1 h */
#define TERN_QPOOL_BATCH 16         /* files made at once into pool/, at most (2 at first) */

#define TERN_QENV_8BIT 0x01
#define TERN_QENV_UTF8 0x02
#define TERN_QENV_DKIM 0x04   /* signed by tern-queue-run: never again */

/* The envelope.  Strings are NUL-terminated; addresses are in SMTP form
   without angle brackets, "" for the null sender; rcpts holds nrcpt
   NUL-terminated addresses one after the other. */
typedef struct tern_qenv_s tern_qenv ;
struct tern_qenv_s
{
  uint64_t time ;
  stralloc from ;
  stralloc account ;  /* "" for none */
  stralloc ip ;
  stralloc helo ;
  unsigned int flags ;
  stralloc rcpts ;
  unsigned int nrcpt ;
  size_t hdrlen ;     /* where the message starts in the file */
} ;
#define TERN_QENV_ZERO { .time = 0, .from = STRALLOC_ZERO, .account = STRALLOC_ZERO, .ip = STRALLOC_ZERO, \
  .helo = STRALLOC_ZERO, .flags = 0, .rcpts = STRALLOC_ZERO, .nrcpt = 0, .hdrlen = 0 }

#define TERN_QRCPT_PENDING 0
#define TERN_QRCPT_DELIVERED 1
#define TERN_QRCPT_FAILED 2
#define TERN_QRCPT_BOUNCE 3   /* failed, failure notice owed */
#define TERN_QRCPT_DELAY 4    /* pending, delayed notice owed */
#define TERN_QRCPT_NSTATES 5
#define tern_qrcpt_error(r) ((r)->error ? (r)->error : "")
#define tern_qrcpt_pending(r) ((r)->state == TERN_QRCPT_PENDING || (r)->state == TERN_QRCPT_DELAY)
extern char const *const tern_qrcpt_names[TERN_QRCPT_NSTATES] ;

typedef struct tern_qrcpt_s tern_qrcpt ;
struct tern_qrcpt_s
{
  unsigned int state ;
  uint32_t attempts ;
  uint64_t next ;   /* earliest next attempt, 0 none */
  uint64_t last ;   /* last attempt, 0 none */
  char *error ;     /* the last error (malloc'd, at most TERN_QUEUE_ERRMAX bytes), 0 none */
} ;

typedef struct tern_qstate_s tern_qstate ;
struct tern_qstate_s
{
  int hold ;
  char transport[65] ;  /* "" for none */
  genalloc rcpts ;      /* tern_qrcpt, one per envelope recipient */
} ;
#define TERN_QSTATE_ZERO { .hold = 0, .transport = "", .rcpts = GENALLOC_ZERO }
#define tern_qstate_len(st) genalloc_len(tern_qrcpt, &(st)->rcpts)
#define tern_qstate_rcpt(st, i) (genalloc_s(tern_qrcpt, &(st)->rcpts) + (i))

/* Envelope.  fmt appends the text with its ending blank line: 1, 0 ENOMEM.
   parse reads s (the file's head, at least up to the blank line):
   TERN_OK (sets hdrlen), TERN_PERM malformed or no blank line in s,
   TERN_TEMP ENOMEM.  read parses the head of an open file (pread, at most
   TERN_QUEUE_ENVMAX): TERN_OK/PERM, or TERN_TEMP with errno. */
extern int tern_qenv_fmt (stralloc *sa, tern_qenv const *e) ;
extern int tern_qenv_fmtlines (stralloc *sa, tern_qenv const *e) ;  /* without the first line */
extern int tern_qenv_parse (tern_qenv *e, char const *s, size_t len) ;
extern int tern_qenv_read (tern_qenv *e, int fd) ;
extern void tern_qenv_free (tern_qenv *e) ;

/* State.  init: nrcpt pending recipients, no hold, no transport (1, 0
   ENOMEM).  parse: TERN_OK, TERN_PERM malformed or not nrcpt recipients,
   TERN_TEMP ENOMEM.  read: an absent file gives init's state.  write:
   atomic durable replace; 1, or 0 with errno.  mark: atomic replace
   without fsync (survives a killed process, not a power loss). */
extern int tern_qstate_init (tern_qstate *st, unsigned int nrcpt) ;
extern int tern_qstate_fmt (stralloc *sa, tern_qstate const *st) ;
extern int tern_qstate_parse (tern_qstate *st, char const *s, size_t len, unsigned int nrcpt) ;
extern int tern_qstate_read (tern_qstate *st, char const *path, unsigned int nrcpt) ;
extern int tern_qstate_write (tern_qstate const *st, char const *path) ;
extern int tern_qstate_mark (tern_qstate const *st, char const *path) ;
extern void tern_qstate_free (tern_qstate *st) ;
/* Set r's error to s, control characters as '?', cut at TERN_QUEUE_ERRMAX
   ("" clears it; without memory the error is dropped, never the state). */
extern void tern_qrcpt_seterror (tern_qrcpt *r, char const *s) ;

/* Ids: "TTTTTTTTUUUUU.INODE" in lower-case hex (seconds, microseconds,
   inode).  fmt writes the NUL too and returns the length; valid returns 1
   if s is an id, of this form or of queue version 1 ("TTTTTTTT.INODE"). */
extern size_t tern_queue_idfmt (char *s, uint64_t time, uint32_t usec, uint64_t ino) ;
extern int tern_queue_idvalid (char const *s) ;
/* Seconds to wait after an attempt that failed temporarily: (450 + jitter)
   * 2^attempts, attempts made before it, jitter in [-5, 4]; capped at 2^20
   times to stay in range. */
extern uint64_t tern_queue_backoff (unsigned int attempts, int jitter) ;
/* Replace control characters and DEL in s by '?'. */
extern void tern_queue_clean (char *s, size_t len) ;
/* Take the runner's lock QDIR/lock (fcntl, not inherited by children)
   without waiting: the fd holding it, or -1 with errno (EAGAIN: held). */
extern int tern_queue_lock (char const *qdir) ;
/* Create QDIR's missing directories, trigger and control FIFOs and version file.
   1, or 0 with errno (EPROTO: a version other than ours). */
extern int tern_queue_init (char const *qdir) ;

/* One message file being written (tern_qfile.c, tern-queue.5 "Committing
   a message").  open creates tmp/UNIQUE (tern-queue-inject); take renames
   a file of pool/ into tmp/ (tern_qpool_take; tern-smtp-in).  Either locks
   it (flock), sets id and env->time and writes the unsealed first line and
   the envelope; write appends message bytes through buf (cap bytes, the
   caller's), summing them (CRC-32); commit writes the rest and the seal, then:
   taken from the pool, one fdatasync and the rename into todo/; else
   fsync, rename, and the fsync of todo/ (or a concurrent commit's, begun
   after the rename: QDIR/dirsync, tern_dirsync.h); with TERN_SYNC=syncfs
   the rename and a sync of the file system (or a concurrent commit's:
   QDIR/fssync, tern_fssync.h).  Then it pokes the trigger: the message is
   queued durably when it returns TERN_OK.  Each returns TERN_OK or
   TERN_TEMP with errno; after an error, and after abort, the tmp file is
   gone (abort may be called at any time, twice too). */
typedef struct tern_qfile_s tern_qfile ;
struct tern_qfile_s
{
  int fd ;
  stralloc tmp ;
  char *buf ;
  size_t len, cap ;
  uint64_t size ;     /* message bytes written, envelope excluded */
  uint64_t sealed ;   /* bytes after the first line so far (summed) */
  uint64_t flushed ;  /* bytes written to the file (buf holds the next ones) */
  char id[TERN_QUEUE_IDMAX] ;
  int fs ;            /* syncfs (tern_fssync_on) */
  int pool ;          /* taken from pool/: the commit is one fdatasync */
  size_t head ;       /* bytes of the first line (not summed) */
  uint32_t sum ;      /* CRC-32 of the bytes after the first line so far */
  tern_fssync sync ;  /* its marks, taken after the open */
} ;
#define TERN_QFILE_ZERO { .fd = -1, .tmp = STRALLOC_ZERO, .buf = 0, .len = 0, .cap = 0, .size = 0, .sealed = 0, .flushed = 0, .id = "", .fs = 0, .pool = 0, .head = 0, .sum = 0, .sync = TERN_FSSYNC_ZERO }
extern int tern_qfile_open (tern_qfile *q, char const *qdir, tern_qenv *env, char *buf, size_t cap) ;
extern int tern_qfile_take (tern_qfile *q, char const *qdir, tern_qenv *env, char *buf, size_t cap) ;
extern int tern_qfile_write (tern_qfile *q, char const *s, size_t n) ;
/* The bytes buffered so far into the tmp file (which stays open), so that
   tmp's message can be read before the commit (tern-smtp-in's junk check). */
extern int tern_qfile_flush (tern_qfile *q) ;
extern int tern_qfile_commit (tern_qfile *q, char const *qdir) ;
extern void tern_qfile_abort (tern_qfile *q) ;

/* The seal (tern_qseal.c, tern-queue.5 "Message files"): the first line
   "tern-queue 3 SIZE SUM ID\n", SIZE 16 hex digits at offset 13, SUM 8
   (the CRC-32 of the bytes after the line) at 30, ID at 39; format 2,
   still read, has a SHA-256 of 64 digits at 30 and ID at 95.  sum adds n
   bytes at s to a running CRC-32 (start from 0).  fmt writes the sealed
   line for id into s (TERN_QSEAL_MAX bytes) and returns its length;
   unsealed writes the line of an open file (x's for the digits), of the
   same length.  is: the format (2 or 3) if the len bytes at s start with a
   seal's magic, else 0.  check reads the file open on fd (st_size its
   size), format 3 or 2: 1 whole, its id into id (TERN_QUEUE_IDMAX bytes);
   0 not whole (no seal, unsealed, wrong size, wrong sum, bad id: errno
   EPROTO); -1 a read error (errno). */
#define TERN_QSEAL_MAGIC "tern-queue 3 "
#define TERN_QSEAL2_MAGIC "tern-queue 2 "
#define TERN_QSEAL_SIZEAT 13
#define TERN_QSEAL_SUMAT 30
#define TERN_QSEAL_IDAT 39
#define TERN_QSEAL2_IDAT 95
#define TERN_QSEAL_MAX (TERN_QSEAL2_IDAT + TERN_QUEUE_IDMAX)
extern uint32_t tern_qseal_sum (uint32_t sum, char const *s, size_t n) ;
extern size_t tern_qseal_fmt (char *s, char const *id, uint64_t size, uint32_t sum) ;
extern size_t tern_qseal_unsealed (char *s, char const *id) ;
extern int tern_qseal_is (char const *s, size_t len) ;
extern int tern_qseal_check (int fd, uint64_t st_size, char *id) ;

/* The pool (tern_qpool.c, tern-queue.5 "The pool").  take renames a file
   of this process's batch in QDIR/pool into QDIR/tmp (making a durable
   batch first if none is left), opens it read-write and locks it (flock,
   waiting: only a recoverer holds another's lock, briefly); a file found
   not empty is recovered (tern_qfile_recover) and another taken.  It
   appends the tmp path (NUL-terminated) to tmp, puts the file's fstat in
   st and returns the descriptor, or -1 with errno.  fill makes a batch (2
   files at a process's first, twice as many each time after, up to
   TERN_QPOOL_BATCH), which becomes this process's (the names of the last
   are dropped): 1, or 0 with errno.  The caller's buffer for
   tern_qfile_open or take must hold TERN_QSEAL_MAX bytes at least (else
   EINVAL). */
extern int tern_qpool_take (char const *qdir, stralloc *tmp, struct stat *st) ;
extern int tern_qpool_fill (char const *qdir) ;

/* A path in the queue (tern_qpath.c): qdir, then sub (with its slashes:
   "/todo/"), then the n bytes of name, NUL-terminated, into p (what it
   held is replaced).  1, or 0 ENOMEM. */
extern int tern_qpath (stralloc *p, char const *qdir, char const *sub, char const *name, size_t n) ;

/* Recovery (tern_qrecover.c, tern-queue.5 "Recovery").  recover: the file
   at path (in QDIR/pool or QDIR/tmp), open on fd and flocked by the
   caller: TERN_QREC_EMPTY empty, left; TERN_QREC_TORN not whole, left (the
   caller removes or keeps it); else, whole (id filled), as place.  place:
   the whole file at path, st its stat, id its seal's, its flock held by
   the caller: TERN_QREC_DONE renamed to todo/ID; TERN_QREC_DUP todo/ID or
   mess/ID is this same inode: path unlinked; TERN_QREC_CLASH another file
   has its id: left; -1 an error (errno), left. */
#define TERN_QREC_DONE 0
#define TERN_QREC_EMPTY 1
#define TERN_QREC_TORN 2
#define TERN_QREC_DUP 3
#define TERN_QREC_CLASH 4
#define TERN_QREC_WHOLE 5
#define TERN_QREC_HELD 6
#define TERN_QREC_GONE 7
#define TERN_QREC_NOTREG 8
extern int tern_qfile_recover (char const *qdir, char const *path, int fd, char *id) ;
extern int tern_qfile_place (char const *qdir, char const *path, struct stat const *st, char const *id) ;

/* A file that a crash may have left in QDIR/pool or QDIR/tmp, looked at
   as the runner's recovery, tern-verify and tern-backup do (tern_qleft.c):
   name (relative to the directory open on dfd; AT_FDCWD: to the current
   one, or absolute) opened read-only, never through a symbolic link,
   never waiting on a FIFO; if regular and not empty, flocked with op
   (LOCK_SH to read it, LOCK_EX to recover it) without waiting; once
   locked, name must still be this file (else its writer, whose lock it
   was, has renamed or unlinked it); then tern_qseal_check.  Returns
     TERN_QREC_WHOLE   whole: its id in id (TERN_QUEUE_IDMAX bytes);
     TERN_QREC_TORN    not empty, not whole (errno EPROTO);
     TERN_QREC_EMPTY   empty (not locked);
     TERN_QREC_HELD    locked by another (a live writer, or a recoverer);
     TERN_QREC_GONE    no such name, or no longer this file's once locked;
     TERN_QREC_NOTREG  not a regular file (a symbolic link, a directory...);
     -1                an error (errno).
   For WHOLE and TORN, st holds its stat (taken once locked); if fdp is
   not 0, *fdp is the file, open and still locked, for the caller to
   close (tern_qfile_place with it); else, and in every other case,
   nothing is left open or locked. */
extern int tern_qleft_check (int dfd, char const *name, int op, int *fdp, struct stat *st, char *id) ;

/* The envelope from its parts as given to tern-queue-inject (tern_qenv_make.c):
   addresses parsed and stored in SMTP form with A-label domains ("" sender:
   the null path; one with "<" or ">" in a quoted localpart is refused), account checked (1 to 64 of a-z0-9._-, or 0 for none),
   ip and helo cut at 255 bytes with control characters as '?'.  rcpts: n
   NUL-terminated strings one after the other.  TERN_OK; TERN_PERM with
   *what the kind of bad part ("sender", "recipient", "account") and *bad
   the part itself; TERN_TEMP ENOMEM. */
extern int tern_qenv_make (tern_qenv *e, char const *from, char const *rcpts, unsigned int n, char const *account,
  char const *ip, char const *helo, unsigned int flags, char const **what, char const **bad) ;

#endif
