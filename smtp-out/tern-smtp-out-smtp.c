/* tern-smtp-out-smtp.c: one SMTP session on a connected socket: greeting,
   EHLO/HELO, STARTTLS, AUTH (setup: failures are S_NEXT or S_TLSFAIL),
   then MAIL, RCPT, DATA, QUIT, whose replies fill the results (S_DONE). */
#include <string.h>
#include <skalibs/stralloc.h>
#include <skalibs/tai.h>
#include "tern-smtp-out.h"

static void setall (sout *o, int code, char const *reply, int onlyaccepted)
{
  for (unsigned int i = 0 ; i < o->n ; i++)
  {
    if (onlyaccepted ? o->r[i].cls != 'a' : o->r[i].cls != 0) continue ;
    o->r[i].cls = code >= 200 && code < 300 ? 'o' : code >= 500 ? 'p' : 't' ;
    memcpy(o->r[i].reply, reply, strnlen(reply, SO_REPLY - 1)) ;
    o->r[i].reply[strnlen(reply, SO_REPLY - 1)] = 0 ;
  }
}

static int ehlo (sout *o)
{
  char cmd[300] = "EHLO " ;
  int code ;
  strncat(cmd, o->ehlo, 255) ;
  o->e8bit = o->eutf8 = o->estarttls = 0 ; o->authmechs.len = 0 ;
  o->inehlo = 1 ;
  code = so_cmd(o, cmd, o->mreply, SO_REPLY) ;
  o->inehlo = 0 ;
  if (code >= 500 && code <= 504)
  {
    memcpy(cmd, "HELO", 4) ;
    code = so_cmd(o, cmd, o->mreply, SO_REPLY) ;
  }
  return code >= 200 && code < 300 ;
}

static int starttls (sout *o)
{
  int strict = o->tls == T_VERIFY || o->tls == T_SKIPVERIFY ;
  char buf[SO_REPLY] ;
  if (o->tls == T_NONE || o->tls == T_IMPLICIT || (!strict && !o->estarttls)) return S_DONE ;
  if (so_cmd(o, "STARTTLS", buf, sizeof buf) != 220)
  {
    strcpy(o->mreply, buf) ;
    return strict ? S_NEXT : S_TLSFAIL ;
  }
  if (!so_tls(o, 1))
  {
    so_fail(o->mreply, "454 4.7.0", "TLS failed with ", o->peer) ;
    return strict ? S_NEXT : S_TLSFAIL ;
  }
  return ehlo(o) ? S_DONE : S_NEXT ;
}

static int setup (sout *o)
{
  int r ;
  tain_addsec_g(&o->deadline, 60) ;
  if (o->tls == T_IMPLICIT && !so_tls(o, 0))
  {
    so_fail(o->mreply, "454 4.7.0", "TLS failed with ", o->peer) ;
    return S_NEXT ;
  }
  if (so_reply(o, o->mreply, SO_REPLY) != 220 || !ehlo(o)) return S_NEXT ;
  r = starttls(o) ;
  if (r != S_DONE) return r ;
  if (o->authuser && !so_auth(o, o->mreply, SO_REPLY)) return S_NEXT ;
  return S_DONE ;
}

static int mailfrom (sout *o, char *buf)
{
  stralloc sa = STRALLOC_ZERO ;
  int code = 0 ;
  if (stralloc_cats(&sa, "MAIL FROM:<") && stralloc_cats(&sa, o->sender) && stralloc_cats(&sa, ">")
   && (!o->need8 || stralloc_cats(&sa, " BODY=8BITMIME")) && (!o->needutf8 || stralloc_cats(&sa, " SMTPUTF8"))
   && stralloc_0(&sa))
    code = so_cmd(o, sa.s, buf, SO_REPLY) ;
  else so_fail(buf, "451 4.3.0", "out of memory", 0) ;
  stralloc_free(&sa) ;
  return code ;
}

static int rcpts (sout *o)
{
  int n = 0 ;
  for (unsigned int i = 0 ; i < o->n ; i++)
  {
    char cmd[1100] = "RCPT TO:<" ;
    int code ;
    strncat(cmd, o->r[i].addr, 1024) ;
    strcat(cmd, ">") ;
    tain_addsec_g(&o->deadline, 300) ;
    code = so_cmd(o, cmd, o->r[i].reply, SO_REPLY) ;
    if (!code) { strcpy(o->mreply, o->r[i].reply) ; o->r[i].reply[0] = 0 ; return -1 ; }
    if (code >= 200 && code < 300) { o->r[i].cls = 'a' ; n++ ; }
    else o->r[i].cls = code >= 500 ? 'p' : 't' ;
  }
  return n ;
}

/* The message, dot-stuffed, then the final dot. */
static int body (sout *o)
{
  char out[65536] ;
  size_t n = 0 ;
  int bol = 1 ;
  for (size_t i = 0 ; i < o->msglen ; i++)
  {
    if (n > sizeof out - 4) { if (!so_put(o, out, n)) return 0 ; n = 0 ; }
    if (bol && o->msg[i] == '.') out[n++] = '.' ;
    out[n++] = o->msg[i] ;
    bol = o->msg[i] == '\n' ;
  }
  if (o->msglen && !bol) { out[n++] = '\r' ; out[n++] = '\n' ; }
  return so_put(o, out, n) && so_put(o, ".\r\n", 3) ;
}

static int transaction (sout *o)
{
  char buf[SO_REPLY] ;
  int code ;
  tain_addsec_g(&o->deadline, 300) ;
  code = mailfrom(o, buf) ;
  if (!code) { strcpy(o->mreply, buf) ; return S_NEXT ; }
  if (code < 200 || code >= 300) { setall(o, code, buf, 0) ; return S_DONE ; }
  code = rcpts(o) ;
  if (code < 0) { setall(o, 421, o->mreply, 0) ; return S_DONE ; }
  if (!code) return S_DONE ;
  code = so_cmd(o, "DATA", buf, sizeof buf) ;
  if (code == 354)
  {
    tain_addsec_g(&o->deadline, 300 + o->msglen / 1048576) ;
    code = body(o) ? so_reply(o, buf, sizeof buf) : 0 ;
    if (!code) so_fail(buf, "421 4.4.2", "connection lost during data with ", o->peer) ;
  }
  setall(o, code ? code : 421, buf, 1) ;
  return S_DONE ;
}

int so_session (sout *o)
{
  char buf[SO_REPLY] ;
  int r = setup(o) ;
  if (r != S_DONE) return r ;
  do
  {
    if (o->need8 && !o->e8bit)
    {
      so_fail(buf, "554 5.6.3", "8-bit message and no 8BITMIME at ", o->peer) ;
      setall(o, 554, buf, 0) ;
    }
    else if (o->needutf8 && !o->eutf8)
    {
      so_fail(buf, "553 5.6.7", "the message needs SMTPUTF8, not offered by ", o->peer) ;
      setall(o, 553, buf, 0) ;
    }
    else if ((r = transaction(o)) != S_DONE) return r ;
  } while (so_more(o)) ;  /* -m: RSET, the next message */
  tain_addsec_g(&o->deadline, 10) ;
  so_cmd(o, "QUIT", buf, sizeof buf) ;
  return S_DONE ;
}
