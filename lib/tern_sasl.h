/* tern_sasl.h: SASL (RFC 4422) for both sides, protocol-independent.
   Messages in and out are raw bytes: the caller does the SMTP/IMAP framing
   and the base64.  Mechanisms: PLAIN, LOGIN, CRAM-MD5, SCRAM-SHA-1,
   SCRAM-SHA-256 (no channel binding).  Names compare case-insensitively.

   Server: tern_sasl_server_start(), then while the result is TERN_SASL_NEXT
   send s->out as a challenge and pass the client's decoded reply to
   tern_sasl_server_step().  TERN_SASL_DONE: s->user authenticated (s->authz
   is the authorization identity, empty or equal to s->user).
   Client: tern_sasl_client_start() puts the initial response in c->out when
   c->hasout (none is not the same as an empty one); then each decoded
   server challenge goes to tern_sasl_client_step(), whose c->out is sent.
   When c->last is set the server must finish (SMTP 235) and must not send
   another challenge. */
#ifndef TERN_SASL_H
#define TERN_SASL_H

#include <stddef.h>
#include <skalibs/stralloc.h>
#include "tern_cred.h"

#define TERN_SASL_PLAIN 1
#define TERN_SASL_LOGIN 2
#define TERN_SASL_CRAMMD5 3
#define TERN_SASL_SCRAMSHA1 4
#define TERN_SASL_SCRAMSHA256 5

/* Results.  SMTP replies a server would map them to are in brackets. */
#define TERN_SASL_NEXT 0      /* send out, then step with the peer's reply [334] */
#define TERN_SASL_DONE 1      /* server: authenticated [235] */
#define TERN_SASL_ESYNTAX 2   /* the peer's message is malformed [501] */
#define TERN_SASL_EAUTH 3     /* wrong credentials, bad proof or signature [535] */
#define TERN_SASL_ETEMP 4     /* credential lookup failed or out of memory [454] */
#define TERN_SASL_ENOTPOSS 5  /* channel binding or a mandatory extension asked for,
                                 or the account has no stored data for this
                                 mechanism (set the password again) [454] */
#define TERN_SASL_ENOMECH 6   /* unknown mechanism [504] */

#define TERN_SASL_MAX 4096    /* longest message accepted from a peer */

/* Credentials for user (len bytes, no NUL inside, NUL-terminated) into c.
   TERN_OK, TERN_PERM (no such user) or TERN_TEMP. */
typedef int tern_sasl_getcred (char const *user, size_t len, tern_cred *c, void *aux) ;

typedef struct tern_sasl_server_s tern_sasl_server, *tern_sasl_server_ref ;
struct tern_sasl_server_s
{
  tern_sasl_getcred *get ;  /* set by the caller */
  void *aux ;               /* passed to get */
  char const *hostname ;    /* set by the caller: for the CRAM-MD5 challenge */
  char const *testnonce ;   /* tests only: SCRAM server nonce part, or the whole CRAM-MD5 challenge */
  int mech ;
  int state ;
  stralloc out ;            /* the challenge to send */
  stralloc user ;           /* authentication identity, NUL-terminated */
  stralloc authz ;          /* authorization identity, NUL-terminated */
  stralloc msg ;            /* SCRAM AuthMessage so far, or the CRAM-MD5 challenge */
  stralloc expect ;         /* SCRAM: what client-final must start with */
  tern_cred cred ;
} ;
#define TERN_SASL_SERVER_ZERO { .get = 0, .aux = 0, .hostname = "localhost", .testnonce = 0, .mech = 0, .state = 0, \
  .out = STRALLOC_ZERO, .user = STRALLOC_ZERO, .authz = STRALLOC_ZERO, .msg = STRALLOC_ZERO, .expect = STRALLOC_ZERO, .cred = TERN_CRED_ZERO }

extern int tern_sasl_server_start (tern_sasl_server *s, char const *mech, char const *ir, size_t irlen, int hasir) ;
extern int tern_sasl_server_step (tern_sasl_server *s, char const *in, size_t len) ;
/* Frees the buffers and wipes the credentials; s can be started again. */
extern void tern_sasl_server_free (tern_sasl_server *s) ;

typedef struct tern_sasl_client_s tern_sasl_client, *tern_sasl_client_ref ;
struct tern_sasl_client_s
{
  char const *user ;        /* NUL-terminated, caller-owned */
  char const *pass ;
  char const *testnonce ;   /* tests only: the SCRAM client nonce */
  char const *err ;         /* after a failure: why, for logs */
  int mech ;
  int state ;
  int hasout ;              /* after start: 1 if out is an initial response */
  int last ;                /* out is our last message */
  stralloc out ;            /* the message to send; after a SCRAM e=, the server's error */
  stralloc msg ;            /* SCRAM AuthMessage */
  unsigned char ssig[32] ;  /* the SCRAM server signature we expect */
} ;
#define TERN_SASL_CLIENT_ZERO { .user = 0, .pass = 0, .testnonce = 0, .err = 0, .mech = 0, .state = 0, .hasout = 0, .last = 0, \
  .out = STRALLOC_ZERO, .msg = STRALLOC_ZERO, .ssig = { 0 } }

/* TERN_SASL_NEXT, TERN_SASL_ENOMECH or TERN_SASL_ETEMP. */
extern int tern_sasl_client_start (tern_sasl_client *c, char const *mech, char const *user, char const *pass) ;
/* TERN_SASL_NEXT (send out), TERN_SASL_ESYNTAX, TERN_SASL_EAUTH, TERN_SASL_ETEMP. */
extern int tern_sasl_client_step (tern_sasl_client *c, char const *in, size_t len) ;
extern void tern_sasl_client_free (tern_sasl_client *c) ;
/* The first mechanism of prefs (NULL-terminated; 0 means the default
   SCRAM-SHA-256, SCRAM-SHA-1, CRAM-MD5) that offered (the server's list,
   separated by spaces) contains, or 0 if none. */
extern char const *tern_sasl_client_choose (char const *offered, size_t len, char const *const *prefs) ;

/* The mechanism number for a name (len bytes, any case), or 0. */
extern int tern_sasl_mech (char const *name, size_t len) ;
/* The canonical name of a mechanism number. */
extern char const *tern_sasl_mechname (int mech) ;

#endif
