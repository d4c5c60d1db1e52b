/* tern-imap.h: the parts of tern-imap.  The parser (tern-imap-parse.c) and
   the mailbox-name codec (tern-imap-name.c) do no I/O; the rest works on
   the one session of this process. */
#ifndef TERN_IMAP_H
#define TERN_IMAP_H

#include <stdint.h>
#include <sys/types.h>
#include <stddef.h>
#include <skalibs/stralloc.h>
#include <skalibs/genalloc.h>
#include "tern_store.h"
#include "tern_conf.h"

#define IMAP_LINEMAX 65536       /* one line of a command */
#define IMAP_CMDMAX 262144       /* a whole command with its small literals */
#define IMAP_NESTMAX 32          /* parenthesis depth */
#define IMAP_NODEMAX 4096        /* tokens in one command */
#define IMAP_FILEMAX 8           /* literals streamed to files (APPEND) */

/* parser: a command is a flat array of nodes in pre-order */
#define N_ATOM 1
#define N_STRING 2    /* quoted or literal, unescaped */
#define N_LIST 3      /* children follow; end = index after the last one */
#define N_FILE 4      /* a literal streamed to file number len */
typedef struct inode_s inode ;
struct inode_s
{
  unsigned int type ;
  unsigned int end ;   /* N_LIST: index past its subtree; else own index + 1 */
  char *s ;            /* into the command buffer, NUL-terminated in place */
  size_t len ;
} ;

typedef struct icmd_s icmd ;
struct icmd_s
{
  inode nodes[IMAP_NODEMAX] ;
  unsigned int n ;
  char const *err ;    /* why parsing failed */
} ;

/* Parses the command in s (len bytes, CRLF removed, literals as "{n}\r\n"
   followed by their bytes, streamed ones as "\0" + digit).  Modifies s,
   s[len] included (it must be writable): atoms and strings end with NUL.
   1 ok, 0 syntax error (c->err). */
extern int imap_parse (icmd *c, char *s, size_t len) ;
/* Scans a literal marker "{n}" or "{n+}" ending a line: 1 and *n, *plus. */
extern int imap_litscan (char const *s, size_t len, uint64_t *n, int *plus) ;
/* A sequence set: ranges with 0 meaning "*".  1 ok, 0 bad. */
typedef struct iseq_s iseq ;
struct iseq_s { uint32_t lo, hi ; } ;
extern int imap_seqparse (char const *s, size_t len, genalloc *ranges) ;
extern int imap_seqhas (genalloc const *ranges, uint32_t x, uint32_t star) ;
extern int imap_isatom (inode const *n, char const *word) ;   /* case-insensitive */
extern int imap_isliteral (inode const *) ;
extern int imap_isastring (inode const *n) ;
extern int imap_num (inode const *n, uint64_t *x) ;

/* mailbox names (tern-imap-name.c): modified UTF-7 <-> UTF-8 */
extern int imap_mutf7_decode (stralloc *out, char const *s, size_t len) ;
extern int imap_mutf7_encode (stralloc *out, char const *s, size_t len) ;

/* session */
#define S_NOAUTH 0
#define S_AUTH 1
#define S_SELECTED 2
#define S_LOGOUT 3

typedef struct imsg_s imsg ;
struct imsg_s
{
  uint32_t uid ;
  uint32_t flags ;
  uint64_t kw ;
  uint64_t modseq ;
  uint64_t size ;
  int64_t date ;
  unsigned int dirty ;   /* flags changed by someone: report FETCH */
  unsigned int recent ;  /* \Recent to this session */
  uint32_t coff ;        /* header cache entry offset + 1, or 0 */
} ;

typedef struct isession_s isession ;
struct isession_s
{
  int state ;
  int tls ;
  int loginok ;          /* logins allowed (TLS or loopback) */
  int utf8 ;             /* UTF-8 mailbox names: 1 ENABLE UTF8=ACCEPT, 2 IMAP4rev2 */
  int rev2 ;             /* ENABLE IMAP4rev2 (tern-imap(8) IMAP4REV2) */
  int condstore ;        /* ENABLE CONDSTORE or a CONDSTORE-using command */
  int qresync ;          /* ENABLE QRESYNC (implies condstore) */
  int infd, outfd ;
  unsigned int timeout ;
  char const *ip ;
  char pid[16] ;  /* the session's key in the log: tern-listen's accept pid= */
  tern_conf conf ;
  stralloc account ;     /* name, NUL-terminated */
  stralloc acct ;        /* account directory, NUL-terminated */
  char const *tag ;
  /* selected mailbox */
  tern_mbox mbox ;
  tern_mboxent ent ;
  int readonly ;
  genalloc msgs ;        /* imsg, by UID */
  size_t seen ;          /* index records read */
  uint32_t generation ;
  uint64_t chgoff ;
  uint64_t highestmodseq ;
  size_t reported ;      /* EXISTS last reported */
  int curfd ;            /* cur/ of the selected mailbox, or -1 */
  int cachescan ;        /* the header cache may have grown */
  int expok ;            /* the current command may report expunges */
  /* streamed literals of the current command */
  stralloc files[IMAP_FILEMAX] ;
  uint64_t filesize[IMAP_FILEMAX] ;
  unsigned int nfiles ;
} ;

extern isession S ;

/* output (tern-imap-out.c) */
extern void out_put (char const *s, size_t len) ;
extern void out_puts (char const *s) ;
extern void out_u64 (uint64_t x) ;
extern void out_astring (char const *s, size_t len) ;
extern void out_nstring (char const *s, size_t len) ;
extern void out_mailbox (char const *name) ;
extern void out_flush (void) ;
extern void out_tagged (char const *status, char const *text) ;
extern void out_untagged (char const *text) ;
extern void out_temp (char const *text) ;   /* logs errno, tagged NO */
extern void log_damage (char const *text) ;  /* store damage, once a session */
/* input: reads one command into sa (see imap_parse).  1 ok, 0 EOF,
   -1 refused (a tagged or untagged reply went out already). */
extern int in_command (stralloc *sa) ;
extern int in_line (stralloc *sa) ;
extern int in_pending (void) ;              /* input is buffered */         /* a line (AUTHENTICATE), no CRLF */
extern int in_idle (unsigned int ms) ;      /* 1 readable, 0 timeout */
extern int in_idlefd (int fd, unsigned int ms) ;  /* 1 input, 2 fd readable, 0 timeout */
extern void io_init (int in, int out) ;
extern size_t io_discard (void) ;   /* bytes of buffered input dropped */
extern char const *io_rest (size_t *n) ;   /* buffered input, taken away */

/* tern-imap-zip.c: COMPRESS=DEFLATE (RFC 4978) */
extern int zip_on (void) ;
extern int zip_pending (void) ;   /* inflate holds input or output */
extern void zip_start (char const *pending, size_t n) ;
extern ssize_t zip_in (char *buf, size_t max) ;   /* inflated bytes, 0: needs input, -1 corrupt */
extern char const *zip_error (void) ;
extern ssize_t zip_read (int fd) ;
extern void zip_out (char const *s, size_t n, int end) ;
extern void zip_end (void) ;

/* commands: each gets the parsed arguments after the command name */
typedef struct iargs_s iargs ;
struct iargs_s { inode *a ; unsigned int n ; unsigned int off ; int uid ; } ;
#define REND(x, i) ((x)->a[i].end - (x)->off)   /* index past argument i's subtree */
extern void cmd_capability (iargs *) ;
extern void cmd_login (iargs *) ;
extern void cmd_authenticate (iargs *) ;
extern void cmd_starttls (iargs *) ;
extern void cmd_id (iargs *) ;
extern void cmd_enable (iargs *) ;
extern void cmd_select (iargs *) ;
extern void cmd_examine (iargs *) ;
extern void cmd_create (iargs *) ;
extern void cmd_delete (iargs *) ;
extern void cmd_rename (iargs *) ;
extern void cmd_subscribe (iargs *) ;
extern void cmd_unsubscribe (iargs *) ;
extern void cmd_list (iargs *) ;
extern void cmd_lsub (iargs *) ;
extern void cmd_status (iargs *) ;
extern void cmd_getquotaroot (iargs *) ;
extern void cmd_getquota (iargs *) ;
extern void cmd_setquota (iargs *) ;
extern void cmd_namespace (iargs *) ;
extern void cmd_append (iargs *) ;
extern void cmd_close (iargs *) ;
extern void cmd_unselect (iargs *) ;
extern void cmd_expunge (iargs *) ;
extern void cmd_fetch (iargs *) ;
extern void cmd_store (iargs *) ;
extern void cmd_copy (iargs *) ;
extern void cmd_move (iargs *) ;
extern void cmd_search (iargs *) ;
extern void cmd_idle (iargs *) ;
extern void cmd_compress (iargs *) ;   /* tern-imap-zip.c */
extern void cmd_noop (iargs *) ;

/* mailbox helpers (tern-imap-mbox.c) */
extern int mbox_name (inode const *n, stralloc *out) ;   /* 1, or 0 after a tagged NO/BAD */
extern int mbox_isinboxtree (char const *s, size_t len) ;
extern void out_boxname (char const *name) ;   /* INBOX for Inbox */
/* selected state (tern-imap-sel.c) */
extern void sel_sync (void) ;            /* read others' changes, report */
extern void sel_close (void) ;
extern int sel_openmsg (uint32_t uid) ;  /* fd, or -1 */
extern imsg *sel_msgs (void) ;
extern size_t sel_count (void) ;
extern size_t sel_finduid (uint32_t uid) ;            /* index, or count */
extern int sel_set (inode const *n, int uid, genalloc *idx) ; /* message indexes; 0 bad */
extern void sel_dirty (size_t i) ;       /* report its FLAGS at the next sync */
extern void out_flags (imsg const *m) ;
extern void sel_condstore (void) ;      /* a CONDSTORE enabling command */
extern void sel_kwtell (uint64_t kw) ;   /* untagged FLAGS first if kw names a keyword new to the client */
extern int sel_kwbit (char const *s, size_t len, uint64_t *bit, int create) ;


extern void io_maxmsg (uint64_t n) ;
extern void imap_conf (void) ;     /* see a newer config.cdb, before a decision that reads it */
extern void io_timeouts (void) ;   /* pre-login limits from the environment; the login clock starts */
extern void cmd_capability_list (void) ;
extern void imap_dispatch (icmd *c, int parsed) ;
extern void imap_ok (char const *text) ;  /* sync the selected mailbox, then tagged OK */
/* tern-imap-env.c, tern-imap-mime.c: no I/O; each appends IMAP text to sa
   and returns 1, or 0 on ENOMEM */
extern int mime_catstring (stralloc *sa, char const *s, size_t len) ;   /* quoted or literal */
extern int mime_field (stralloc *v, char const *h, size_t len, char const *name) ; /* 1 found */
extern int mime_envelope (stralloc *sa, char const *h, size_t len) ;
extern int mime_addrtext (stralloc *out, char const *h, size_t len, char const *name) ; /* 1, 0 ENOMEM */
extern int mime_structure (stralloc *sa, char const *s, size_t len, int ext) ;
extern int mime_global ;   /* message/global is an attached message too (IMAP4rev2) */
/* The entity (MIME header + body) at part path "1.2" (plen 0: the whole
   message) as [*es, *es + *el); *ismsg if it is message/rfc822.  1, or 0
   if there is no such part. */
extern int mime_section (char const *s, size_t len, char const *path, size_t plen, size_t *es, size_t *el, int *ismsg) ;
extern size_t mime_hdrlen (char const *s, size_t len) ;
/* tern-imap-limit.c: failed logins per IP and per user, across sessions */
extern int limit_blocked (char const *user, size_t len) ;   /* 1: refuse */
extern void limit_failed (char const *user, size_t len) ;
/* tern-imap-text.c: no I/O.  textmatch: n occurs in h, case ignored
   (ASCII, and UTF-8 letters of the common alphabets); sentday: the day
   (since 1970) written in a Date: field's value, 1 or 0 if unreadable */
extern int imap_textmatch (char const *h, size_t hl, char const *n, size_t nl) ;
extern int imap_sentday (char const *v, size_t len, int64_t *day) ;
/* tern-imap-cache.c: the header cache of the selected mailbox */
extern int cache_get (imsg const *m, char const **h, size_t *len) ;  /* 1 found */
extern void cache_put (imsg const *m, char const *h, size_t len) ;
extern void cache_done (void) ;    /* end of a command that used it */
extern void cache_reset (void) ;   /* the message list was rebuilt */
extern void cache_close (void) ;
/* tern-imap-sortkey.c: SORT and THREAD keys (RFC 5256) of the selected
   mailbox, parallel to sel_msgs(); strings casemapped (i;unicode-casemap),
   at sort_str(offset), NUL-terminated */
#define SK_SUBJ 0        /* base subject */
#define SK_FROM 1        /* first address's local part: FROM, TO, CC */
#define SK_TO 2
#define SK_CC 3
#define SK_DFROM 4       /* first address's display name, or its addr-spec */
#define SK_DTO 5
#define SK_MSGID 6       /* "<id>" or "" (not casemapped) */
#define SK_REFS 7        /* References' ids (or In-Reply-To's first), spaced */
#define SF_NSTR 8
#define SK_NSORT 6       /* SK_SUBJ to SK_DTO: the strings SORT ranks */
typedef struct skey_s skey ;
struct skey_s
{
  uint32_t uid ;
  int64_t date ;         /* sent date (UTC seconds), or the internal date */
  int reply ;            /* the subject was a reply or forward (Re:, Fwd:, (fwd)) */
  uint32_t s[SF_NSTR] ;  /* SK_* */
  int ranked ;           /* from the sort-key file: fr holds its ranks */
  uint32_t fr[SK_NSORT] ;  /* the places of s[0..SK_NSORT) among the file's */
} ;
extern skey const *sort_keys (void) ;
extern int sort_current (void) ;   /* 1: sort_keys() would make nothing */
extern char const *sort_str (uint32_t off) ;
extern uint32_t sort_generation (void) ;   /* changes when sort_keys() changes */
extern void sort_casemap (stralloc *out, char const *s, size_t len) ;
extern void sort_free (void) ;
/* tern-imap-sortfile.c: MBOXDIR/sortkeys, in columns each checked
   before it is used (its head and UIDs when opened, all when whole) */
typedef struct sfile_s sfile ;
struct sfile_s { void *map ; size_t maplen ; uint32_t n, slen, uidnext ; size_t i ; unsigned int ok ; } ;
extern int sortfile_open (sfile *f, int whole) ;    /* 1 valid, 0 missing or damaged */
extern int sortfile_head (sfile *f, void *map, size_t len, uint32_t uidvalidity, uint32_t uidnext) ;  /* no I/O */
extern int sortfile_check (sfile *f, void *map, size_t len, uint32_t uidvalidity, uint32_t uidnext) ;  /* no I/O */
extern int sortfile_section (sfile *f, unsigned int k) ;   /* 0 UIDs, 1 dates, 2 + j rank j, 2 + SK_NSORT strings */
extern uint32_t sortfile_uid (sfile const *f, size_t i) ;
extern uint32_t sortfile_rank (sfile const *f, unsigned int j, size_t i) ;
extern int64_t sortfile_date (sfile const *f, size_t i) ;
extern int sortfile_next (sfile *f, uint32_t *uid, int64_t *date, int *reply, uint32_t *rk, char const **str) ;
extern void sortfile_close (sfile *f) ;
extern void sortfile_write (skey const *k, size_t n) ;
extern int search_match (iargs *a, unsigned int start, int uid, genalloc *hits, uint64_t *ms) ;
/* tern-imap-sort.c, tern-imap-thread.c */
extern int sort_return (iargs *a, unsigned int *p, unsigned int *ret, int *es) ;  /* RETURN (...): 0 bad */
extern int sort_charset (inode const *n) ;   /* 1 UTF-8 or US-ASCII, else 0 after NO/BAD */
extern void cmd_sort (iargs *) ;
/* the place of each of k[0..n)'s string s (< SK_NSORT) among them: the
   file's ranks merged with the others' (O(n) and O(log n) string
   comparisons for each key not from the file) */
extern uint32_t const *sort_rank (skey const *k, size_t n, unsigned int s) ;
extern void cmd_thread (iargs *) ;
/* tern-imap-msg.c: a message file in memory; mapmsg: 1, or 0 with errno
   (ENOENT: expunged, the file is gone) */
typedef struct msgmap_s msgmap ;
struct msgmap_s { char const *s ; size_t len ; size_t hdrlen ; int mapped ; } ;
extern int mapmsg (uint32_t uid, msgmap *m) ;
extern void unmapmsg (msgmap *m) ;
extern int sel_expunge (genalloc const *idx, int silent) ;
/* tern-imap-junk.c: automatic junk flags and training (tern-imap(8) JUNK
   FILTER).  junk_begin(train) reads the account's junk settings (again
   when config.cdb changed) and, when train and the account has a filter,
   takes the junk lock: before any mailbox lock.  1 if training is on.
   junk_sync under the mailbox's EX lock, junk_commit before it goes;
   junk_end releases the junk lock.  Errors are logged, never returned. */
extern int junk_begin (int train) ;
extern uint32_t junk_flags (char const *mailbox, unsigned int su, uint32_t flags) ;
extern int junk_training (void) ;
extern void junk_sync (tern_mbox *m, uint32_t uid, int gone) ;
extern void junk_commit (void) ;
extern void junk_syncbox (tern_mboxent const *e, uint32_t const *uids, size_t n) ;
extern void junk_syncall (char const *name, int gone) ;   /* DELETE, RENAME INBOX */
extern void junk_end (void) ;
/* tern-imap-recent.c: \Recent (tern-imap(8) RECENT) */
extern void recent_reset (void) ;
extern void recent_take (void) ;        /* after new messages joined the list */
extern void recent_gone (imsg const *m) ;
extern void recent_recount (void) ;
extern void recent_select (size_t n, uint32_t last) ;
extern void recent_report (int always) ;
extern int recent_count (tern_mbox *m, uint64_t *n) ;
/* tern-imap-rev2.c: what IMAP4rev2 (ENABLE IMAP4rev2) adds */
extern void sel_rev2list (void) ;       /* SELECT's LIST response */
extern void search_results (genalloc const *hits, int uid, int es, unsigned int ret, uint64_t ms) ;
extern int searchres_is (inode const *n) ;   /* "$" */
extern void searchres_save (genalloc const *hits, int uid, unsigned int ret) ;
extern int searchres_has (uint32_t uid) ;
extern int searchres_idx (genalloc *idx) ;   /* sel_set of "$" */
extern void searchres_reset (void) ;
/* tern-imap-lazy.c: SELECT from the index header; the message list read
   at the first command that needs it (sel_msgs, sel_count) */
extern int lazy_select (size_t *exists, size_t *nrecent, size_t *unseen) ;
extern int lazy_pending (void) ;
extern void lazy_load (void) ;
extern void lazy_reset (void) ;
extern void sel_chgsnap (void) ;
extern void sel_counts (size_t pending, size_t dirty) ;
/* tern-imap-qresync.c: QRESYNC (tern-imap(8) QRESYNC) */
typedef struct qsel_s qsel ;
struct qsel_s { int on, hasknown, hasmatch ; uint32_t uidvalidity ; uint64_t modseq ; genalloc known, seqs, uids ; } ;
#define QSEL_ZERO { .on = 0, .hasknown = 0, .hasmatch = 0, .uidvalidity = 0, .modseq = 0, .known = GENALLOC_ZERO, .seqs = GENALLOC_ZERO, .uids = GENALLOC_ZERO }
extern int qresync_params (iargs *a, qsel *q) ;   /* SELECT's parameters; 0 after a BAD */
extern void qresync_select (qsel *q) ;
extern void qresync_free (qsel *q) ;
extern int qresync_fetchmods (iargs *a, unsigned int i, uint64_t *since, int *vanished) ;
extern void qresync_fetchvanished (inode const *set, uint64_t since) ;
extern void qresync_earlier (uint64_t since, genalloc *set, uint32_t from) ;
extern void qresync_vanished (uint32_t const *u, size_t n, int earlier) ;
extern void qresync_expunged (void) ;
#endif
