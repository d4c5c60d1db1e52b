/* tern-smtp-in.h: the parts of tern-smtp-in (see tern-smtp-in.8) shared
   between its files: the session, the I/O layer, the pure parsers (no I/O,
   fuzzed by fuzz/fuzz-smtpin.c), commands, message data, the queue. */
#ifndef TERN_SMTP_IN_H
#define TERN_SMTP_IN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <skalibs/stralloc.h>
#include "tern_addr.h"
#include "tern_conf.h"
#include "tern_queue.h"

#define SMTP_LINEMAX 1000     /* a command line, CRLF included */
#define SMTP_TEXTMAX 998      /* a message line, CRLF excluded */
#define SMTP_AUTHMAX 5464     /* a base64 SASL reply: TERN_SASL_MAX bytes */
#define SMTP_MAXRCPT 100
#define SMTP_MAXBAD 20        /* bad commands before 421 */
#define SMTP_MAXAUTHFAIL 3

/* the parsers (tern-smtp-in-parse.c), no I/O */
enum smtp_verb_e
{
  V_UNKNOWN, V_EHLO, V_HELO, V_MAIL, V_RCPT, V_DATA, V_BDAT, V_RSET, V_NOOP,
  V_QUIT, V_VRFY, V_HELP, V_STARTTLS, V_AUTH, V_EXPN
} ;
/* The command in line (len bytes, CRLF removed); *arg is the index of its
   argument: after "MAIL FROM:" / "RCPT TO:" (blanks skipped), else after
   the verb and one space. */
extern int smtp_verb (char const *line, size_t len, size_t *arg) ;

typedef struct smtp_mailparams_s smtp_mailparams ;
struct smtp_mailparams_s
{
  uint64_t size ;     /* SIZE=, 0 if absent; UINT64_MAX if it overflows */
  int body8 ;         /* BODY=8BITMIME */
  int utf8 ;          /* SMTPUTF8 */
} ;
/* Each returns 0 if good, else the reply to send ("501 5.5.4 ..."). */
extern char const *smtp_parse_mail (tern_addr *a, char const *s, size_t len, smtp_mailparams *p) ;
extern char const *smtp_parse_rcpt (tern_addr *a, char const *s, size_t len, int utf8) ;
extern char const *smtp_parse_helo (char const *s, size_t len) ;
/* BDAT "SIZE [LAST]": 0 or a reply; *size and *last set. */
extern char const *smtp_parse_bdat (char const *s, size_t len, uint64_t *size, int *last) ;

/* The message-data filter: CRLF lines, dot-unstuffing (dot mode, DATA),
   bare CR/LF, NUL, long lines, size.  Bytes out never exceed bytes in + 2. */
#define BODY_BARE 0x01
#define BODY_NUL  0x02
#define BODY_LONG 0x04
#define BODY_BIG  0x08
typedef struct smtp_body_s smtp_body ;
struct smtp_body_s
{
  int st ;
  int dot ;           /* 1: DATA (dot-stuffing, ends at CRLF.CRLF) */
  size_t linelen ;
  uint64_t size ;     /* bytes of the message out so far */
  uint64_t max ;
  unsigned int bad ;  /* BODY_* bits; once set, nothing more goes out */
} ;
extern void smtp_body_init (smtp_body *b, int dot, uint64_t max) ;
/* Filters in; appends to out (room for len + 2), adds to *outlen.  Returns
   the bytes of in consumed; *done is set when the DATA end was consumed. */
extern size_t smtp_body_feed (smtp_body *b, char const *in, size_t len, char *out, size_t *outlen, int *done) ;
/* End of a BDAT message: a pending CR is bare; adds a final CRLF if needed. */
extern void smtp_body_end (smtp_body *b, char *out, size_t *outlen) ;
/* The reply for bad bits, or 0. */
extern char const *smtp_body_reply (unsigned int bad) ;

/* the session */
typedef struct smtp_s smtp ;
struct smtp_s
{
  tern_conf conf ;
  char const *confdir ;
  char const *ip ;
  stralloc hostname ;   /* NUL-terminated */
  uint64_t maxsize ;
  unsigned int timeout ;     /* -t: silence, and a whole command line */
  unsigned int helotimeout ; /* greeting (or TLS) to EHLO/HELO */
  unsigned int sesstimeout ; /* no command read after this */
  unsigned int minrate ;     /* bytes/s of message data, 0: none */
  int submission ;
  int tls ;
  int ctlfd ;           /* SSLCTLFD, -1 if none or used */
  int handed ;          /* a zygote's session: no TLS helper until asked */
  int authtried ;       /* an AUTH command came: this process serves no other connection */
  char session[48] ;
  unsigned int nmsg ;
  unsigned int nbad ;
  unsigned int authfail ;
  int helo ;            /* 0 none, 1 HELO, 2 EHLO */
  stralloc heloname ;   /* NUL-terminated */
  stralloc account ;    /* NUL-terminated, empty if not authenticated */
  /* the transaction */
  int mail ;
  smtp_mailparams mp ;
  stralloc from ;       /* SMTP form, NUL-terminated ("" for <>) */
  stralloc fromlog ;    /* log form, NUL-terminated */
  stralloc rcpts ;      /* SMTP forms, each NUL-terminated */
  unsigned int nrcpt ;
  int bdat ;            /* a BDAT message is under way */
  smtp_body body ;
  /* the inject child */
  pid_t pid ;
  int infd ;            /* its stdin, or -1 */
  int outfd ;           /* its stdout, or -1 */
  int yfd ;             /* its -y confirmation pipe (fd 3 there), or -1 */
  int injfail ;         /* writing to it failed; 2: the queue refused the envelope */
  /* or, without TERN_QUEUE_INJECT, the queue file written by this process */
  int inq ;             /* an in-process injection is under way */
  tern_qfile q ;
  stralloc qdir ;       /* DATADIR/queue, NUL-terminated */
  size_t recvlen ;      /* our Received: field, the message's first bytes */
} ;
/* a message is being injected (by either way) */
#define smtp_injecting(s) ((s)->pid > 0 || (s)->inq)

/* tern-smtp-in-zygote.c (tern-smtp-in.8, PROCESSES): the zygote keeps a
   spare session forked on zfd; returns only in a session, which then takes
   each connection with smtp_pool_take (1, or 0: none will come, exit). */
extern void smtp_zygote (int zfd, unsigned int maxidle) ;
/* Executes the zygote again, once, with the allocator wiping freed memory
   (GLIBC_TUNABLES); returns in the second run, with the environment as it
   was. */
extern void smtp_zygote_tune (char const *const *argv) ;
extern int smtp_pool_take (void) ;
/* fd is the zygote socket or the status pipe */
extern int smtp_pool_fd (int fd) ;
/* tern-smtp-in-reset.c: the last connection ended cleanly (QUIT), the
   process may serve another; smtp_reset closes, frees and wipes all of it */
extern int smtp_reusable (smtp *s) ;
extern void smtp_reset (smtp *s) ;
/* the wipes of each file's static buffers */
extern void smtp_io_wipe (void) ;
extern void smtp_auth_wipe (void) ;
extern void smtp_inject_wipe (void) ;
extern void smtp_rcpt_wipe (void) ;
extern void smtp_junk_wipe (void) ;
extern void smtp_data_wipe (void) ;
/* explicit_bzero of sa's whole allocation, then free */
extern void smtp_wipesa (stralloc *sa) ;

/* tern-smtp-in-io.c; the deadlines are in tern-smtp-in.8, TIMEOUTS */
extern void smtp_io_init (smtp *s) ;
/* The greeting-to-EHLO deadline starts (again, after STARTTLS). */
extern void smtp_io_helo (smtp *s) ;
/* Message data (a DATA or BDAT message, a refused chunk) starts: its
   deadline grows with the bytes that come, until smtp_data_end(). */
extern void smtp_data_begin (smtp *s) ;
extern void smtp_data_end (void) ;
/* The next command line into buf (max bytes), CRLF or LF removed.
   Returns its length, or -1 at end of file; *toolong if it was cut. */
extern ssize_t smtp_getline (smtp *s, char *buf, size_t max, int *toolong) ;
/* Points *p at buffered input (waiting for some when none); returns how
   much, 0 at end of file.  smtp_consume() takes n of it. */
extern size_t smtp_peek (smtp *s, char const **p) ;
extern void smtp_consume (size_t n) ;
/* Unprocessed input, which smtp_discard() drops. */
extern size_t smtp_pending (void) ;
extern void smtp_discard (void) ;
extern void smtp_reply (char const *r) ;
extern void smtp_reply3 (char const *a, char const *b, char const *c) ;
extern int smtp_flush (smtp *s) ;
/* Log an end, send reply r (if any): 1 if the client could take it all */
extern int smtp_end (smtp *s, char const *r, char const *reason) ;
/* The same, then exit with code. */
extern void smtp_quit (smtp *s, char const *r, char const *reason, int code) ;
extern void smtp_log (smtp *s, char const *event, char const *k1, char const *v1, char const *k2, char const *v2) ;
extern void smtp_reject (smtp *s, char const *reply, char const *cmd, char const *addr) ;
/* A system error's cause, logged as a warning: op, path and errno's text
   (errno is kept). */
extern void smtp_syserr (smtp *s, char const *op, char const *path) ;
/* The same, then the session ends (exit 111) with reason. */
extern void smtp_die (smtp *s, char const *op, char const *path, char const *reason) ;

/* tern-smtp-in-cmd.c: returns once QUIT was answered */
extern void smtp_loop (smtp *s) ;
extern void smtp_txreset (smtp *s) ;
/* tern-smtp-in-data.c */
extern void smtp_data (smtp *s) ;
extern void smtp_bdat (smtp *s, char const *arg, size_t len) ;
/* tern-smtp-in-inject.c */
extern int smtp_inject_start (smtp *s) ;
extern void smtp_inject_write (smtp *s, char const *p, size_t n) ;
extern void smtp_inject_abort (smtp *s) ;
/* Finishes the message: the reply to send; id gets the queue id. */
extern char const *smtp_inject_finish (smtp *s, stralloc *id) ;
/* tern-smtp-in-junk.c: junk-reject; 0 (go on) or the refusal to send */
extern char const *smtp_junk (smtp *s) ;
/* tern-smtp-in-auth.c */
extern void smtp_auth (smtp *s, char const *arg, size_t len) ;
extern void smtp_starttls (smtp *s, size_t arglen) ;
/* tern-smtp-in-rcpt.c */
extern void smtp_mail (smtp *s, char const *arg, size_t len) ;
extern void smtp_rcpt (smtp *s, char const *arg, size_t len) ;

#endif
