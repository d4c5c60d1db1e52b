/* tern-smtp-out-smtp.c: one SMTP session on a connected socket: greeting,
   EHLO/HELO, STARTTLS, AUTH (setup: failures are S_NEXT or S_TLSFAIL),
   then MAIL, RCPT, DATA (pipelined when offered), QUIT, whose replies
   fill the results (S_DONE). */
#include <string.h>
#include <skalibs/stralloc.h>
#include <skalibs/tai.h>
#include <skalibs/strerr.h>
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
  o->e8bit = o->eutf8 = o->estarttls = o->epipe = 0 ; o->authmechs.len = 0 ;
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

/* Command k of the transaction, with its CRLF, appended to sa:
   0 MAIL FROM, 1 to n RCPT TO, n+1 DATA. */
static int command (sout const *o, unsigned int k, stralloc *sa)
{
  if (!k)
    return stralloc_cats(sa, "MAIL FROM:<") && stralloc_cats(sa, o->sender) && stralloc_cats(sa, ">")
     && (!o->need8 || stralloc_cats(sa, " BODY=8BITMIME")) && (!o->needutf8 || stralloc_cats(sa, " SMTPUTF8"))
     && stralloc_cats(sa, "\r\n") ;
  if (k <= o->n)
    return stralloc_cats(sa, "RCPT TO:<") && stralloc_cats(sa, o->r[k - 1].addr) && stralloc_cats(sa, ">\r\n") ;
  return stralloc_cats(sa, "DATA\r\n") ;
}

/* The reply to DATA (code): the message to the accepted recipients; a
   354 with none (pipelined DATA) gets the lone dot of RFC 2920 3.1. */
static void data (sout *o, int code, char *buf, int go)
{
  if (code == 354)
  {
    tain_addsec_g(&o->deadline, 300 + o->msglen / 1048576) ;
    code = (go ? so_body(o) : so_put(o, ".\r\n", 3)) ? so_reply(o, buf, SO_REPLY) : 0 ;
    if (!code) so_fail(buf, "421 4.4.2", "connection lost during data with ", o->peer) ;
  }
  if (go) setall(o, code ? code : 421, buf, 1) ;
}

/* MAIL, RCPT... and DATA in groups: all at once with PIPELINING (at
   most SO_PIPEMAX commands, so that the replies fit in the socket
   buffers), else one at a time; the replies are read in order. */
static int transaction (sout *o)
{
  char mbuf[SO_REPLY], dbuf[SO_REPLY] ;
  stralloc sa = STRALLOC_ZERO ;
  unsigned int total = o->n + 2, nacc = 0, k = 0 ;
  int mail = 0 ;
  while (k < total && (!k || (mail >= 200 && mail < 300)) && (k < total - 1 || nacc))
  {
    unsigned int end = k + (o->epipe ? SO_PIPEMAX : 1) ;
    if (end > total) end = total ;
    sa.len = 0 ;
    for (unsigned int j = k ; j < end ; j++)
      if (!command(o, j, &sa)) strerr_diefusys(111, "make a command") ;
    tain_addsec_g(&o->deadline, 300) ;
    if (!so_put(o, sa.s, sa.len)) { so_fail(k ? dbuf : mbuf, "421 4.4.2", "connection lost with ", o->peer) ; goto lost ; }
    for (; k < end ; k++)
    {
      sorcpt *r = k && k <= o->n ? o->r + k - 1 : 0 ;
      char *buf = !k ? mbuf : r ? r->reply : dbuf ;
      int code = so_reply(o, buf, SO_REPLY) ;
      if (!code) { if (buf != dbuf) strcpy(dbuf, buf) ; goto lost ; }
      if (!k) mail = code ;
      else if (mail < 200 || mail >= 300) { if (k == o->n + 1 && code == 354) data(o, code, buf, 0) ; }
      else if (r) { r->cls = code >= 200 && code < 300 ? 'a' : code >= 500 ? 'p' : 't' ; nacc += r->cls == 'a' ; }
      else data(o, code, buf, nacc > 0) ;
    }
  }
  stralloc_free(&sa) ;
  if (mail < 200 || mail >= 300) setall(o, mail, mbuf, 0) ;
  return S_DONE ;
 lost:
  stralloc_free(&sa) ;
  if (!mail) { strcpy(o->mreply, k ? dbuf : mbuf) ; return S_NEXT ; }
  if (mail < 200 || mail >= 300) setall(o, mail, mbuf, 0) ;
  strcpy(o->mreply, dbuf) ;
  setall(o, 421, o->mreply, 0) ;
  setall(o, 421, o->mreply, 1) ;
  return S_DONE ;
}

/* RFC 6152 3: a server without 8BITMIME gets the 8-bit parts in
   quoted-printable; 0 if they cannot be converted (8-bit headers, an
   unknown encoding), the recipients failed */
static int downgrade (sout *o, char *buf)
{
  char const *why ;
  int r = so_mime(o, SO_MIME_8BIT, &why) ;
  if (r > 0) return 1 ;
  if (r < 0) so_fail(buf, "451 4.3.0", "unable to convert the message to 7 bits", 0) ;
  else so_fail(buf, "554 5.6.3", "8-bit message and no 8BITMIME at ", o->peer) ;
  setall(o, r < 0 ? 451 : 554, buf, 0) ;
  return 0 ;
}

int so_session (sout *o)
{
  char buf[SO_REPLY] ;
  int r = setup(o) ;
  if (r != S_DONE) return r ;
  do
  {
    if (o->badmsg)
    {
      so_fail(buf, "554 5.6.0", "the message cannot be sent: ", o->badmsg) ;
      setall(o, 554, buf, 0) ;
    }
    else if (o->need8 && !o->e8bit && !downgrade(o, buf)) ;
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
