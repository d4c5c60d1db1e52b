/* tern-sendmail.h: the parts of tern-sendmail (see tern-sendmail.8): the
   flags, the configuration file, the message and its header, the address
   lists, running tern-queue-inject or tern-smtp-out, the dead letter. */
#ifndef TERN_SENDMAIL_H
#define TERN_SENDMAIL_H

#include <stddef.h>
#include <skalibs/gccattributes.h>
#include <skalibs/stralloc.h>

/* sysexits.h, spelt out: the numbers are the contract */
#define SM_OK 0
#define SM_USAGE 64
#define SM_DATAERR 65
#define SM_NOUSER 67
#define SM_UNAVAILABLE 69
#define SM_SOFTWARE 70
#define SM_CANTCREAT 73
#define SM_TEMPFAIL 75
#define SM_CONFIG 78

#define SM_LINEMAX 998       /* RFC 5322 2.1.1, without the CRLF */
#define SM_MAXRCPT 10000

/* tern-sendmail-opt.c: the command line */
typedef struct smopt_s smopt ;
struct smopt_s
{
  int t, i, v ;
  char mode ;               /* 'm' send (default), 'i' newaliases, 'p' list the queue */
  char const *sender ;      /* -f/-r, or 0 */
  char const *fullname ;    /* -F, or 0 */
  char const *conffile ;    /* -C, or 0 */
  char const *const *rcpt ; /* the recipient arguments */
  unsigned int nrcpt ;
} ;
/* Fills o; 0, or a reason for a usage error (64) in static storage. */
extern char const *sm_opts (smopt *o, int argc, char const *const *argv) ;

/* tern-sendmail-conf.c: the configuration file */
enum { SMC_MODE, SMC_CONFDIR, SMC_HOST, SMC_PORT, SMC_TLS, SMC_CAFILE, SMC_USER, SMC_PWFILE,
  SMC_MECHS, SMC_FROM, SMC_HOSTNAME, SMC_DEFDOMAIN, SMC_DEAD, SMC_N } ;
typedef struct smconf_s smconf ;
struct smconf_s
{
  stralloc text ;          /* the values, each NUL-terminated */
  size_t off[SMC_N] ;      /* offset of each value in text, +1 (0: absent) */
  unsigned int line ;      /* the line of the problem, 0 for the whole file */
  char err[160] ;          /* the problem */
} ;
#define SMCONF_ZERO { .text = STRALLOC_ZERO, .off = { 0 }, .line = 0, .err = "" }
/* Parse a file's text: 1 good, 0 problem in err/line, -1 out of memory. */
extern int sm_conf_parse (smconf *c, char const *s, size_t len) ;
/* The value of key k, or 0. */
extern char const *sm_conf (smconf const *c, unsigned int k) ;

/* tern-sendmail-msg.c: the message */
typedef struct smmsg_s smmsg ;
struct smmsg_s
{
  stralloc out ;     /* normalised: header fields, an empty line, the body; CRLF */
  size_t hdrend ;    /* where the header fields end (the empty line starts) */
  int hasfrom, hasdate, hasmsgid, eightbit ;
  stralloc rcpt ;    /* To, Cc, Bcc values, unfolded, each ending with \n */
} ;
#define SMMSG_ZERO { .out = STRALLOC_ZERO, .hdrend = 0, .hasfrom = 0, .hasdate = 0, .hasmsgid = 0, .eightbit = 0, .rcpt = STRALLOC_ZERO }
/* Normalise s; dotstop: a line "." ends it.  1, or 0 (ENOMEM). */
extern int sm_msg (smmsg *m, char const *s, size_t len, int dotstop) ;
extern void sm_msg_free (smmsg *m) ;

/* tern-sendmail-addr.c: RFC 5322 address lists */
/* Appends each addr-spec of the list (display names, comments, groups,
   routes removed) to out, each ending with \0.  TERN_OK, TERN_PERM (bad
   syntax), TERN_TEMP (ENOMEM). */
extern int sm_addrlist (char const *s, size_t len, stralloc *out) ;
/* One address: qualified with @domain when it has no @, parsed, and
   appended in SMTP form (A-labels) with a \0 to out unless its key is in
   keys already.  TERN_OK, TERN_PERM (does not parse), TERN_TEMP. */
extern int sm_addradd (char const *s, char const *domain, stralloc *out, stralloc *keys, unsigned int *n) ;

/* An address in SMTP form as logged (tern_addr_logfmt: the U-label form,
   then the A-label one), in sa; s itself when it does not parse. */
extern char const *sm_logaddr (stralloc *sa, char const *s) ;

/* tern-sendmail-id.c: who and where */
extern char const *sm_login (void) ;
/* tern's global hostname from confdir, else the node name; static storage */
extern char const *sm_hostname (char const *confdir) ;
/* The fields to add to m (From, Date, Message-ID when missing) into sa. */
extern int sm_addfields (stralloc *sa, smmsg const *m, char const *from, char const *name, char const *host) ;
/* "Received: by HOST (tern-sendmail uid N); DATE\r\n" */
extern int sm_received (stralloc *sa, char const *host) ;

/* tern-sendmail-run.c: the helpers */
/* Run tern-PROG from our own directory with msg on stdin, stdout into
   out, stderr into errout.  Returns its exit code (127: not found, 126:
   could not run), 256 + signal, or -1 (errno). */
extern int sm_run (char const *const *argv, char const *msg, size_t len, stralloc *out, stralloc *errout) ;
/* The exit code for tern-smtp-out's report on the n recipients (each
   ending with \0); prints the failures (and with verbose the successes). */
extern int sm_report (char const *out, size_t len, char const *rcpts, unsigned int n, int verbose, unsigned int *nfail) ;

/* tern-sendmail-dead.c: the dead letter */
/* Append msg (mbox form) to the first writable place; 1 with the path in
   path (NUL-terminated), or 0. */
extern int sm_dead (char const *conf, char const *sender, char const *msg, size_t len, stralloc *path) ;

/* tern-sendmail.c and tern-sendmail-send.c: one run */
typedef struct sm_s sm ;
struct sm_s
{
  smopt o ;
  smconf c ;
  stralloc in ;         /* the message as read */
  smmsg m ;
  char const *host ;    /* local-hostname */
  char const *domain ;  /* default-domain */
  stralloc sender ;     /* SMTP form, "" for <>, NUL-terminated */
  stralloc from ;       /* the From: address, NUL-terminated */
  stralloc rcpt ;       /* SMTP form, each ending with \0 */
  stralloc keys ;
  unsigned int n ;
  stralloc msg ;        /* what is sent */
} ;
/* Say why (the parts a b c), save the message, exit with code (or 73). */
extern void sm_fail (sm *x, int code, char const *a, char const *b, char const *c) gccattr_noreturn ;
/* The sender, the recipients, the message to send; fails on problems. */
extern void sm_prepare (sm *x) ;
/* Hand it on; the exit code. */
extern int sm_local (sm *x) ;
extern int sm_submit (sm *x) ;

#endif
