/* tern_dsn.h: delivery status notifications (RFC 3464 multipart/report,
   RFC 6533 for SMTPUTF8), composed in memory so they can be tested; used
   by tern-queue-dsn (queue/tern-queue-dsn.8 describes the message). */
#ifndef TERN_DSN_H
#define TERN_DSN_H

#include <stddef.h>
#include <stdint.h>
#include <skalibs/stralloc.h>

#define TERN_DSN_FAILED 1
#define TERN_DSN_DELAYED 2

#define TERN_DSN_TEXTMAX 1000      /* bytes of a cleaned reply text */
#define TERN_DSN_HDRMAX 65536      /* bytes of the original header attached */
#define TERN_DSN_FULLMAX 131072    /* a failure attaches a message up to this size whole */
#define TERN_DSN_STATUSMAX 12      /* "5.123.123" and a NUL */

typedef struct tern_dsn_rcpt_s tern_dsn_rcpt ;
struct tern_dsn_rcpt_s
{
  unsigned int action ;   /* TERN_DSN_FAILED or TERN_DSN_DELAYED */
  char const *addr ;      /* as in the envelope, NUL-terminated */
  char code[4] ;          /* 3 digits and a NUL */
  char const *text ;      /* the reply text, raw (hostile) */
  size_t textlen ;
  uint32_t attempts ;     /* attempts made so far */
  uint64_t last ;         /* time of the last attempt */
} ;

typedef struct tern_dsn_s tern_dsn ;
struct tern_dsn_s
{
  char const *hostname ;  /* the reporting MTA, A-label */
  char const *sender ;    /* the original envelope sender: To: */
  char const *uniq ;      /* unique token for the Message-ID and the boundary */
  uint64_t arrival ;      /* when the original was queued */
  uint64_t now ;          /* Date: */
  int utf8 ;              /* SMTPUTF8 envelope: RFC 6533 types */
  int postmaster ;        /* delivered to the postmaster, not to the sender */
  unsigned int maxattempts ;
  char const *msg ;       /* the original message, or its first msglen bytes */
  size_t msglen ;
  uint64_t msgsize ;      /* its whole size */
  size_t fullmax ;        /* attach a failed message whole up to this size (0 never) */
  tern_dsn_rcpt const *rcpts ;
  unsigned int nrcpt ;
} ;

/* Appends the whole notice (CRLF lines of at most 998 bytes) to sa:
   1, or 0 ENOMEM.  Every string in d may be hostile. */
extern int tern_dsn_fmt (stralloc *sa, tern_dsn const *d) ;

/* Parses one input line "failed|delayed RCPT CODE TEXT" (no newline) in
   place: r->addr points into s (the space after it becomes a NUL), r->text
   too.  TERN_OK, or TERN_PERM for a malformed line. */
extern int tern_dsn_line (tern_dsn_rcpt *r, char *s, size_t len) ;

/* The Status for an action: the enhanced code at the start of text, class
   forced to the action's, else "5.0.0"/"4.0.0".  Writes a NUL-terminated
   status into st (TERN_DSN_STATUSMAX bytes); returns 1 if text had an
   enhanced code, 0 if not. */
extern int tern_dsn_status (char *st, unsigned int action, char const *text, size_t len) ;

/* Appends text made safe: control characters as spaces, white space runs
   as one space, trimmed; bytes that are not ASCII (utf8=0) or not valid
   UTF-8 (utf8=1, C1 controls included) as '?'; cut at max bytes on a
   character boundary ("..." added).  1, or 0 ENOMEM. */
extern int tern_dsn_clean (stralloc *sa, char const *s, size_t len, int utf8, size_t max) ;

/* Delay schedule: the waits left after attempts of max (seconds, without
   jitter) are tern_queue_backoff(k, 0) for k = attempts-1 .. max-2.
   Returns how many; retryuntil gets last + their worst case (jitter +4),
   saturated at UINT64_MAX. */
extern unsigned int tern_dsn_waits (uint32_t attempts, unsigned int max, uint64_t last, uint64_t *retryuntil) ;

/* Header-field writers for the composer.  fold appends "name: value"
   CRLF, folded at spaces before 78 bytes when it can, and broken by
   force (CRLF SP, on a UTF-8 boundary) so no line exceeds 998 bytes.
   wrap appends text as lines of at most width bytes (words longer than
   that broken), each line starting with indent. */
extern int tern_dsn_fold (stralloc *sa, char const *name, char const *v, size_t len) ;
/* The writer under them: appends s, *col the bytes on the current line,
   breaking by force before a line passes 998 bytes: CRLF SP when fold,
   CRLF alone when not. */
extern int tern_dsn_put (stralloc *sa, char const *s, size_t n, size_t *col, int fold) ;
extern int tern_dsn_wrap (stralloc *sa, char const *indent, char const *s, size_t len, size_t width) ;

/* The original message as an attachment: its header only (hdronly) or
   whole, line ends made CRLF, lines over 998 bytes broken (CRLF SP inside
   the header).  Sets *8bit if a byte >= 0x80 was copied.  1, 0 ENOMEM. */
extern int tern_dsn_orig (stralloc *sa, char const *msg, size_t len, int hdronly, int *eightbit) ;

/* Appends the original's Message-ID ("<...>") if the header has one that
   is sane (printable ASCII without spaces, at most 250 bytes): 1 found,
   0 none; -1 ENOMEM. */
extern int tern_dsn_msgid (stralloc *sa, char const *msg, size_t len) ;

/* The parts of the notice (for tern_dsn_fmt): the plain-words text and
   the delivery-status fields, each ending with CRLF.  1, 0 ENOMEM. */
extern int tern_dsn_text (stralloc *sa, tern_dsn const *d, int whole) ;
extern int tern_dsn_report (stralloc *sa, tern_dsn const *d) ;

#endif
