/* tern-smtp-out.h: the parts of tern-smtp-out (see tern-smtp-out.8):
   the attempt's state, the transport line, the network, the dialogue. */
#ifndef TERN_SMTP_OUT_H
#define TERN_SMTP_OUT_H

#include <stddef.h>
#include <sys/types.h>
#include <skalibs/stralloc.h>
#include <skalibs/tai.h>

#define SO_REPLY 416    /* a reply as reported */
#define SO_LINE 1024    /* an SMTP reply line */
#define SO_PIPEMAX 100  /* commands sent at once with PIPELINING */

enum { M_DIRECT, M_SMTP, M_SUBMISSION, M_SUBMISSIONS, M_SOCKS } ;
enum { T_OPPORTUNISTIC, T_VERIFY, T_SKIPVERIFY, T_NONE, T_IMPLICIT } ;
/* what a session came to */
enum { S_DONE, S_NEXT, S_TLSFAIL } ;

typedef struct sorcpt_s sorcpt ;
struct sorcpt_s
{
  char const *addr ;
  char cls ;            /* 0 not yet, 'o' ok, 't' temp, 'p' perm */
  char reply[SO_REPLY] ;
} ;

typedef struct sout_s sout ;
struct sout_s
{
  /* the attempt */
  char const *sender, *ehlo, *cafile ;
  int msgfd ;           /* the message: from msgoff to EOF */
  off_t msgoff ;
  unsigned long long msglen ;
  int need8, needutf8 ;  /* needutf8: SO_UTF8_FLAG | SO_UTF8_ADDR */
  int longline, hdr8 ;   /* a line over 998 bytes; 8-bit header fields */
  char const *badmsg ;   /* why the message cannot be sent as it is */
  sorcpt *r ;
  unsigned int n ;
  char mcls ;
  char mreply[SO_REPLY] ;
  /* the transport */
  int method, tls ;
  char const *host, *name, *authuser, *authfile, *mechs, *remotehost ;
  unsigned int port ;
  /* the connection */
  int sock, rfd, wfd, ctl ;
  pid_t tlspid ;
  char const *peer ;     /* the address, for texts */
  char const *tlsname ;  /* SNI and the name to verify */
  char ibuf[4096] ;
  size_t ilen, ipos ;
  tain deadline ;
  int e8bit, eutf8, estarttls, epipe, intls, inehlo ;
  stralloc authmechs ;
} ;

/* tern-smtp-out-line.c: fills the transport part; 0 and a reason if bad. */
extern char const *so_line (sout *, char const *const *, unsigned int) ;

/* tern-smtp-out-net.c */
extern int so_connect (char const *ip, unsigned int port, tain const *) ;   /* fd or -1 */
extern int so_socks (int, char const *ip, unsigned int port, tain const *) ; /* 1 or 0 (errno) */
extern int so_wait (int, int, tain const *) ;
extern int so_putfd (int, char const *, size_t, tain const *) ;

/* tern-smtp-out-io.c: replies and commands on rfd/wfd, bounded by deadline */
extern int so_reply (sout *, char *, size_t) ;   /* code, or 0 on I/O error (text in buf) */
extern int so_put (sout *, char const *, size_t) ;
extern int so_cmd (sout *, char const *, char *, size_t) ;  /* sends s CRLF, returns so_reply */
extern int so_tls (sout *, int) ;                 /* starts tern-tlsc; 1 ok, 0 failed */
extern void so_hangup (sout *) ;
extern void so_fail (char *, char const *, char const *, char const *) ;

/* tern-smtp-out-hosts.c: where to connect: pairs of name (or 0) and IP
   in hosts; 0 ok, else a made-up reply in buf and its class. */
#define SO_HOSTS 64
typedef struct sohost_s sohost ;
struct sohost_s
{
  char const *name, *ip ;
  unsigned int nip ;  /* addresses of this name */
} ;
extern char so_hosts (sout *, stralloc *, sohost *, unsigned int *, char *) ;
extern char so_proxy (sout *, stralloc *, char *) ;
/* log forms (REFERENCE.md 12) into sa, NUL-terminated: 1, or 0 ENOMEM */
extern int so_logdomain (stralloc *, char const *) ;
extern int so_logaddr (stralloc *, char const *) ;
extern void so_logfail (sout const *, sohost const *) ;  /* "warning: address-failed ..." */

#define SO_UTF8_FLAG 1  /* -u, or u in the list: the submitter asked for it */
#define SO_UTF8_ADDR 2  /* a non-ASCII address: SMTPUTF8 is needed */

/* tern-smtp-out-mime.c: the MIME structure; so_mime: 1 done (SCAN:
   hdr8 set; LONG, 8BIT: msgfd is now a converted copy, need8 and msglen
   updated), 0 cannot be converted (*why), -1 errno */
#define SO_MIME_SCAN 0
#define SO_MIME_LONG 1  /* lines over 998 bytes: re-encode their parts, fold headers */
#define SO_MIME_8BIT 2  /* the same, and every 8-bit part quoted-printable */
extern int so_mime (sout *, int, char const **) ;
extern int so_longline (char const *, size_t) ;
extern int so_tmpfile (void) ;

/* tern-smtp-out-msg.c: the message on fd 0, never whole in memory */
extern void so_msg (sout *) ;   /* msgfd, msgoff, msglen, need8; or dies 111 */
extern int so_msg_load (sout *) ; /* the same: 1, or 0 and errno */
extern int so_body (sout *) ;   /* sends it dot-stuffed with the dot; 0 net error */

/* tern-smtp-out-smtp.c: one session on a connected socket */
extern int so_session (sout *) ;

/* tern-smtp-out.c: the report of the current message, each line after prefix */
extern void so_report (sout *, char const *) ;

/* tern-smtp-out-batch.c: -m, several messages: start reads the list and
   returns message 0's argv (transport -- rcpts), its file on fd 0; so_more
   (after each transaction) RSET and the next one, 1, or 0 none; end
   reports what is left. */
extern int so_batchmode ;
extern char const *const *so_batch_start (sout *, char const *const *) ;
extern int so_more (sout *) ;
extern void so_batch_end (sout *) ;

/* tern-smtp-out-auth.c: AUTH; 1 done, 0 failed (reply in buf) */
extern int so_auth (sout *, char *, size_t) ;

#endif
