/* tern_store.h: the account store (format: lib/tern-store.5, version 2).
   An account is a directory ACCT given by the caller; mailboxes are listed
   in ACCT/mailboxes and live in ACCT/mail/ID/ (maildir + binary index).
   Functions return TERN_OK / TERN_PERM / TERN_TEMP with errno set, or 1/0. */
#ifndef TERN_STORE_H
#define TERN_STORE_H

#include <stdint.h>
#include <stddef.h>
#include <skalibs/stralloc.h>
#include <skalibs/genalloc.h>
#include "tern_fssync.h"

#define TERN_STORE_VERSION 2      /* what writers write */
#define TERN_STORE_VERSION_MIN 1  /* the oldest readers take */
#define TERN_STORE_HDRSIZE 64
#define TERN_STORE_RECSIZE 64
#define TERN_STORE_CHGHDR 16
#define TERN_STORE_CHGSIZE 24
#define TERN_STORE_NAMEMAX 255
#define TERN_STORE_KWMAX 64
#define TERN_STORE_SUBSMAX 10000

/* record flags */
#define TERN_F_SEEN      0x001
#define TERN_F_ANSWERED  0x002
#define TERN_F_FLAGGED   0x004
#define TERN_F_DELETED   0x008
#define TERN_F_DRAFT     0x010
#define TERN_F_FORWARDED 0x020
#define TERN_F_JUNK      0x040
#define TERN_F_NOTJUNK   0x080
#define TERN_F_PHISHING  0x100
#define TERN_F_MDNSENT   0x200
#define TERN_F_USER      0x3ff      /* the flags a client may set */
#define TERN_F_EXPUNGED  0x8000
#define TERN_F_TRAINMASK 0x30000
#define TERN_TRAIN_NONE  0
#define TERN_TRAIN_HAM   1
#define TERN_TRAIN_SPAM  2
#define TERN_F_TRAIN(f) (((f) >> 16) & 3)

/* special use, RFC 6154 */
#define TERN_SU_NONE 0
#define TERN_SU_ALL 1
#define TERN_SU_ARCHIVE 2
#define TERN_SU_DRAFTS 3
#define TERN_SU_FLAGGED 4
#define TERN_SU_JUNK 5
#define TERN_SU_SENT 6
#define TERN_SU_TRASH 7
#define TERN_SU_MAX 7

/* index header flags */
#define TERN_IDX_OBSOLETE 1

/* deliver options */
#define TERN_DELIVER_CREATE 1   /* create the mailbox if missing */

typedef struct tern_mboxent_s tern_mboxent ;
struct tern_mboxent_s
{
  uint32_t id ;
  uint32_t uidvalidity ;
  unsigned int subscribed ;
  unsigned int specialuse ;
  char name[TERN_STORE_NAMEMAX + 1] ;
} ;

typedef struct tern_mboxlist_s tern_mboxlist ;
struct tern_mboxlist_s
{
  uint32_t nextid ;
  uint32_t nextuidvalidity ;
  genalloc ents ;  /* tern_mboxent */
} ;
#define TERN_MBOXLIST_ZERO { .nextid = 1, .nextuidvalidity = 1, .ents = GENALLOC_ZERO }

typedef struct tern_idxhdr_s tern_idxhdr ;
struct tern_idxhdr_s
{
  uint32_t version ;  /* as read (1 or 2); a write always writes TERN_STORE_VERSION */
  uint32_t unseen ;   /* live records below this UID have \Seen (0: unknown; always 0 in version 1) */
  uint32_t uidvalidity ;
  uint32_t uidnext ;
  uint64_t highestmodseq ;
  uint32_t generation ;
  uint32_t tombstones ;
  uint32_t flags ;
  uint32_t recent ;   /* the highest UID a session has taken as \Recent */
  uint64_t vanished ; /* expunges above this MODSEQ are in the changes log (tern-store(5)) */
  uint64_t usage ;    /* 1 + bytes of the messages not expunged; 0: not known */
} ;

typedef struct tern_rec_s tern_rec ;
struct tern_rec_s
{
  uint32_t uid ;
  uint32_t flags ;
  uint64_t keywords ;
  uint64_t modseq ;
  uint64_t size ;
  int64_t internaldate ;
  uint64_t cacheoff ;
} ;

typedef struct tern_change_s tern_change ;
struct tern_change_s
{
  uint32_t uid ;
  uint32_t flags ;
  uint64_t modseq ;
  uint64_t keywords ;
} ;

/* An open mailbox.  dir is ACCT/mail/ID (NUL-terminated). */
typedef struct tern_mbox_s tern_mbox ;
struct tern_mbox_s
{
  stralloc dir ;
  int fd ;         /* index */
  int cfd ;        /* changes, opened on demand, or -1 */
  int locked ;     /* 0, LOCK_SH or LOCK_EX */
  size_t count ;   /* records, as of the last header read */
  int torn ;       /* and the index then ended in a partial record */
  tern_idxhdr hdr ;
  stralloc kw ;    /* keyword names, each NUL-terminated */
  unsigned int nkw ;
} ;
#define TERN_MBOX_ZERO { .dir = STRALLOC_ZERO, .fd = -1, .cfd = -1, .locked = 0, .count = 0, .torn = 0, .kw = STRALLOC_ZERO, .nkw = 0 }

/* tern_store_name.c */
extern int tern_store_namevalid (char const *s, size_t len) ;
extern int tern_store_isinbox (char const *s, size_t len) ;
extern int tern_store_isinboxtree (char const *s, size_t len) ;  /* INBOX or INBOX/..., any case */
extern char const *tern_store_sufmt (unsigned int su) ;         /* "-" for none */
extern int tern_store_suscan (char const *s, size_t len) ;      /* -1 if unknown */
extern uint32_t tern_store_flagscan (char const *s, size_t len) ; /* 0 if not a flag */
extern char const *tern_store_flagname (unsigned int bit) ;     /* bit 0..9 */

/* tern_store_damage.c: a function that finds a file breaking tern-store.5
   records its path (dir/file) and what is wrong (with "line N: " when line
   is not 0; what 0 keeps the last reason) and returns TERN_TEMP, EUCLEAN */
extern int tern_store_damage (char const *dir, char const *file, unsigned int line, char const *what) ;
extern char const *tern_store_damage_path (void) ;
extern char const *tern_store_damage_what (void) ;

/* tern_store_acctfile.c: ACCT/NAME read whole (TERN_OK or a code with
   errno), a parser's answer r with its damage recorded under ACCT/NAME,
   ACCT/NAME replaced atomically */
extern int tern_store_acctread (stralloc *sa, char const *acct, char const *name) ;
extern int tern_store_acctdamage (int r, char const *acct, char const *name) ;
extern int tern_store_acctwrite (char const *acct, char const *name, char const *s, size_t len) ;

/* tern_store_list.c: the mailbox list */
extern int tern_mboxlist_parse (tern_mboxlist *l, char const *s, size_t len) ;
extern int tern_mboxlist_fmt (stralloc *sa, tern_mboxlist const *l) ;
extern int tern_mboxlist_read (tern_mboxlist *l, char const *acct) ;
extern int tern_mboxlist_write (tern_mboxlist const *l, char const *acct) ;
extern tern_mboxent *tern_mboxlist_find (tern_mboxlist const *l, char const *name) ;
extern void tern_mboxlist_free (tern_mboxlist *l) ;
#define tern_mboxlist_len(l) genalloc_len(tern_mboxent, &(l)->ents)
#define tern_mboxlist_ent(l, i) (genalloc_s(tern_mboxent, &(l)->ents) + (i))

/* tern_store_subs.c: ACCT/subscriptions, a set of NUL-terminated names */
extern int tern_subs_parse (stralloc *sa, char const *s, size_t len) ;
extern int tern_subs_read (stralloc *sa, char const *acct, tern_mboxlist const *l, int *found) ;
extern size_t tern_subs_find (stralloc const *sa, char const *name) ;  /* offset+1, or 0 */
extern int tern_subs_set (stralloc *sa, char const *name, int on) ;   /* 1 changed, 0 not, -1 */
extern int tern_subs_write (stralloc const *sa, char const *acct) ;
extern size_t tern_subs_fields (tern_mboxlist *l, stralloc const *sa) ;

/* tern_store_acct.c: account and mailbox operations (take ACCT/lock) */
extern int tern_store_create (char const *acct) ;
extern int tern_store_lock (char const *acct) ;   /* fd, or -1 */
extern int tern_store_mbox_create (char const *acct, char const *name, unsigned int su, uint32_t *id) ;
extern int tern_store_mbox_delete (char const *acct, char const *name) ;
extern int tern_store_mbox_rename (char const *acct, char const *from, char const *to) ;
extern int tern_store_subscribe (char const *acct, char const *name, int on) ;
extern int tern_store_mbox_init (char const *acct, uint32_t id, uint32_t uidvalidity) ;
extern int tern_store_mbox_lookup (char const *acct, char const *name, tern_mboxent *e) ;
extern void tern_store_mbox_canon (char const *acct, char *name) ;  /* inbox/x is Inbox/x */

/* tern_store_pack.c */
extern void tern_idxhdr_pack (char *s, tern_idxhdr const *h) ;
extern int tern_idxhdr_unpack (char const *s, tern_idxhdr *h) ;   /* 1 if valid */
extern void tern_rec_pack (char *s, tern_rec const *r) ;
extern void tern_rec_unpack (char const *s, tern_rec *r) ;
extern void tern_change_pack (char *s, tern_change const *c) ;
extern void tern_change_unpack (char const *s, tern_change *c) ;
extern void tern_chghdr_pack (char *s, uint32_t generation) ;
extern int tern_chghdr_unpack (char const *s, uint32_t *generation) ;

/* tern_store_mbox.c: open, lock (with O(1) recovery when exclusive), close.
   Call tern_mbox_close after tern_mbox_open even when it failed. */
extern int tern_mbox_open (tern_mbox *m, char const *acct, uint32_t id) ;
extern int tern_mbox_openent (tern_mbox *m, char const *acct, tern_mboxent const *e) ; /* checked */
extern int tern_mbox_lock (tern_mbox *m, int how) ;   /* LOCK_SH or LOCK_EX */
extern void tern_mbox_unlock (tern_mbox *m) ;
extern void tern_mbox_close (tern_mbox *m) ;
extern int tern_mbox_header (tern_mbox *m) ;          /* re-read header, count */
extern int tern_mbox_recover (tern_mbox *m) ;         /* called by lock(EX) */
extern int tern_mbox_path (stralloc *sa, tern_mbox const *m, char const *sub, uint32_t uid) ;

/* tern_store_rec.c: single-record I/O used by the functions above */
extern int tern_mbox_puthdr (tern_mbox *m) ;
extern int tern_mbox_getrec (tern_mbox *m, size_t pos, tern_rec *r) ;
extern int tern_mbox_putrec (tern_mbox *m, size_t pos, tern_rec const *r) ;
extern int tern_mbox_chgopen (tern_mbox *m) ;   /* opens m->cfd, creating the file */
extern int tern_mbox_chgreset (tern_mbox *m) ;  /* empty changes file of m's generation */

/* tern_store_read.c: reading, no lock needed (records are whole-written) */
extern int tern_mbox_records (tern_mbox *m, size_t from, genalloc *recs) ; /* appends tern_rec; order checked */
extern int tern_mbox_allrecords (tern_mbox *m, genalloc *recs) ;  /* as they are: check, repair */
extern int tern_mbox_find (tern_mbox *m, uint32_t uid, tern_rec *r, size_t *pos) ;
/* the position of the first record with a UID >= uid (count if none) */
extern int tern_mbox_lower (tern_mbox *m, uint32_t uid, size_t *pos) ;
/* f on records from..to-1 (to clipped to count) in order until f returns
   non-zero; reads 256 records at a time */
typedef int tern_recscan_func (tern_rec const *r, size_t pos, void *data) ;
extern int tern_mbox_scan (tern_mbox *m, size_t from, size_t to, tern_recscan_func *f, void *data) ;
/* tern_store_compact.c: the unseen boundary of records (sorted) */
extern uint32_t tern_mbox_unseenof (tern_rec const *recs, size_t n, uint32_t uidnext) ;
extern int tern_mbox_changes (tern_mbox *m, uint32_t generation, uint64_t *off, genalloc *chg, int *resync) ;
extern int tern_mbox_openmsg (tern_mbox *m, uint32_t uid) ;  /* fd, or -1 */
/* tern_store_usage.c: bytes and number of the messages (not expunged):
   the header's total, or a read of the records when it is not known */
extern int tern_mbox_usage (tern_mbox *m, uint64_t *bytes, uint64_t *messages) ;
extern int tern_mbox_usagecount (tern_mbox *m) ;   /* EX lock: recompute hdr.usage */

/* tern_store_keywords.c */
extern int tern_keywords_parse (stralloc *kw, unsigned int *n, char const *s, size_t len) ;
extern int tern_keyword_valid (char const *s, size_t len) ;
extern int tern_mbox_keywords (tern_mbox *m) ;        /* (re)load m->kw */
extern int tern_mbox_keyword (tern_mbox *m, char const *name, size_t len, unsigned int *bit) ; /* EX lock */
extern char const *tern_mbox_keywordname (tern_mbox const *m, unsigned int bit) ;

/* tern_store_deliver.c.  mailbox is a store name, taken as given (as by
   tern_store_mbox_lookup): a name from outside under INBOX is spelt with
   tern_store_mbox_canon once, where it comes in (tern-imap's mbox_name,
   tern-queue-local -m), before anything looks it up. */
extern int tern_store_deliver (char const *acct, char const *mailbox, char const *s, size_t len,
  uint32_t flags, char const *const *kw, unsigned int nkw, int64_t internaldate, unsigned int opts, uint32_t *uid) ;
extern int tern_store_deliverfd (char const *acct, char const *mailbox, int fd,
  uint32_t flags, char const *const *kw, unsigned int nkw, int64_t internaldate, unsigned int opts, uint32_t *uid) ;

/* the state file (tern_dirsync.h) through which a delivery shares its
   fsync of cur/ with concurrent ones; 0 (the default): its own fsync */
extern char const *tern_store_dirsync ;
/* the state file (tern_fssync.h) through which a delivery written from
   bytes or an fd shares syncs of the file system (one before its rename
   into cur/, one after) with concurrent ones instead of an fsync of the
   file and one of cur/; 0 (the default): those fsyncs */
extern char const *tern_store_fssync ;
/* A delivery written into its mailbox's tmp/ and not yet committed (no
   name in cur/, no record): what tern_store_commit needs. */
typedef struct tern_store_pending_s tern_store_pending ;
struct tern_store_pending_s
{
  tern_mbox m ;        /* the mailbox, open, not locked */
  stralloc tmp ;       /* the file in its tmp/, NUL-terminated; empty once committed */
  tern_rec rec ;       /* the record to be, without UID and MODSEQ */
  stralloc kw ;        /* keyword names, each NUL-terminated */
  unsigned int nkw ;
  int fd ;             /* the file, opened before its writes, not synced */
  tern_fssync mk ;     /* its marks (tern_fssync_begin) */
} ;
#define TERN_STORE_PENDING_ZERO { .m = TERN_MBOX_ZERO, .tmp = STRALLOC_ZERO, .kw = STRALLOC_ZERO, .nkw = 0, .fd = -1, .mk = TERN_FSSYNC_ZERO }
/* with tern_store_fssync: if set, a delivery written from bytes or an fd
   stops once its file is written into tmp/ (no
   sync, no name in cur/, no record: *uid is 0) and hands it to this
   function, which takes it (moves *p) and returns 1, or returns 0 (then
   the delivery is made durable and committed before it returns).  The
   taker makes it a delivery (tern-queue-run(8), the workers' bulk sync):
   tern_fssync_wait through p->fd and p->mk (the data durable before any
   name), tern_store_commit, a second sync of the file system (the name
   and the record durable; tern_fssync_again for its marks), and only
   then counts it done; tern_store_pending_free in every case. */
extern int (*tern_store_later) (tern_store_pending *p) ;
/* the file renamed into cur/UIDNEXT and recorded, under the mailbox's
   lock, with no sync: 0 (its UID in *uid if uid), or 100/111 (the file
   removed) */
extern int tern_store_commit (tern_store_pending *p, uint32_t *uid) ;
/* closes and frees; a file never committed is removed from tmp/ */
extern void tern_store_pending_free (tern_store_pending *p) ;

/* the file at path, hard-linked (copied if it cannot be) */
extern int tern_store_deliverlink (char const *acct, char const *mailbox, char const *path,
  uint32_t flags, char const *const *kw, unsigned int nkw, int64_t internaldate, unsigned int opts, uint32_t *uid) ;

/* tern_store_copy.c: COPY keeps client flags, keywords (by name) and the
   internal date, never the training state.  moveall copies then expunges
   each message (a crash leaves a duplicate, never a loss): RENAME INBOX. */
extern int tern_store_copy (tern_mbox *m, uint32_t uid, char const *acct, char const *dest, uint32_t *newuid) ;
extern int tern_store_moveall (char const *acct, char const *from, char const *to) ;

/* tern_store_flags.c: all need the EX lock */
extern int tern_mbox_setflags (tern_mbox *m, uint32_t uid, uint32_t flags, uint64_t keywords, uint64_t unchangedsince, uint64_t *modseq) ;
extern int tern_mbox_expunge (tern_mbox *m, uint32_t uid, uint64_t *modseq) ;
extern int tern_mbox_settrain (tern_mbox *m, uint32_t uid, unsigned int state) ;

/* tern_store_compact.c: need the EX lock */
extern int tern_mbox_compact (tern_mbox *m, int force) ;  /* force=0: only when worth it */
extern int tern_mbox_rewrite (tern_mbox *m, tern_rec const *recs, size_t n, uint32_t uidnext, uint32_t uidvalidity) ;

/* tern_store_scan.c: directory walks for check and repair.  f gets each
   entry of cur/ with its UID (0: not a UID name); tmpclean removes (or with
   dryrun only reports) tmp/ files older than 36 hours (f, if not 0, hears
   each). */
typedef int tern_store_scan_func (void *data, char const *name, uint32_t uid) ;
extern int tern_mbox_curscan (tern_mbox *m, tern_store_scan_func *f, void *data) ;
extern int tern_mbox_tmpclean (tern_mbox *m, int dryrun, tern_store_scan_func *f, void *data) ;
/* tmpclean (no dryrun) if tmp/'s last scan is 8 hours old: its atime,
   set to now before each scan (tern-store(5), Messages).  At most one
   stat(2) of tmp/ per mailbox per hour and process (the process
   remembers 16 mailboxes); called where a mailbox is opened for
   delivery or by SELECT (not EXAMINE); TERN_OK, or the error of the stat, the mark or
   the scan, for the caller to ignore: the next one tries again. */
extern int tern_mbox_tmpdue (tern_mbox *m) ;
extern uint32_t tern_store_uidscan (char const *s) ;

/* tern_store_repair.c, tern_store_check.c */
typedef void tern_store_problem_func (void *data, char const *path, char const *what) ;
extern int tern_store_check (char const *acct, tern_store_problem_func *f, void *data, unsigned int *nproblems) ;
/* the same, counting mailboxes and messages (not tombstones) into st, and
   calling progress (if not 0) with data after each mailbox */
typedef struct tern_store_checkstat_s tern_store_checkstat ;
struct tern_store_checkstat_s
{
  unsigned int problems ;
  uint64_t mailboxes ;
  uint64_t messages ;
  uint64_t trained[4] ;  /* records (tombstones too) by TERN_F_TRAIN */
} ;
#define TERN_STORE_CHECKSTAT_ZERO { .problems = 0, .mailboxes = 0, .messages = 0, .trained = { 0, 0, 0, 0 } }
typedef void tern_store_progress_func (void *data, tern_store_checkstat const *st) ;
/* tern_store_checkacct.c, for tern_store_checkst: mail/ and ACCT's files
   (adds to *nproblems); an account without a list (an empty list, or
   damage when mail/ holds messages) */
extern int tern_store_checkacct (char const *acct, tern_mboxlist const *l, tern_store_problem_func *f, void *data, unsigned int *nproblems) ;
extern int tern_store_checknolist (char const *acct, tern_mboxlist *l) ;
extern int tern_store_checkst (char const *acct, tern_store_problem_func *f, void *data, tern_store_checkstat *st, tern_store_progress_func *progress) ;
extern int tern_store_repair (char const *acct) ;
/* the same, f hears each change as (path, what) */
extern int tern_store_repairf (char const *acct, tern_store_problem_func *f, void *data) ;

#endif
