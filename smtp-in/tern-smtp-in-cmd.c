/* tern-smtp-in-cmd: the command loop and the small commands (EHLO, HELO,
   RSET, NOOP, QUIT, VRFY, EXPN, HELP); MAIL and RCPT are in -rcpt.c, DATA
   and BDAT in -data.c, STARTTLS and AUTH in -auth.c. */
#include <string.h>
#include <skalibs/types.h>
#include "tern_log.h"
#include "tern-smtp-in.h"

void smtp_txreset (smtp *s)
{
  if (smtp_injecting(s)) smtp_inject_abort(s) ;
  s->mail = 0 ;
  s->nrcpt = 0 ;
  s->rcpts.len = 0 ;
  s->from.len = 0 ;
  s->fromlog.len = 0 ;
  s->bdat = 0 ;
  smtp_data_end() ;
  s->mp.size = 0 ; s->mp.body8 = s->mp.utf8 = 0 ;
}

/* a client error: counted, and too many end the session */
static void bad (smtp *s, char const *reply, char const *cmd)
{
  smtp_reject(s, reply, cmd, 0) ;
  if (++s->nbad >= SMTP_MAXBAD)
    smtp_quit(s, "421 4.7.0 too many errors, closing connection", "errors", 0) ;
}

static void ehlo (smtp *s, char const *arg, size_t len, int e)
{
  char fmt[UINT64_FMT] ;
  char const *r = smtp_parse_helo(arg, len) ;
  if (r) { bad(s, r, e ? "EHLO" : "HELO") ; return ; }
  while (len && arg[len - 1] == ' ') len-- ;
  smtp_txreset(s) ;
  s->heloname.len = 0 ;
  if (!stralloc_catb(&s->heloname, arg, len) || !stralloc_0(&s->heloname))
    smtp_quit(s, "421 4.3.0 out of memory", "nomem", 111) ;
  s->helo = e ? 2 : 1 ;
  smtp_log(s, "helo", "name", s->heloname.s, "verb", e ? "EHLO" : "HELO") ;
  if (!e) { smtp_reply3("250 ", s->hostname.s, "") ; return ; }
  fmt[uint64_fmt(fmt, s->maxsize)] = 0 ;
  smtp_reply3("250-", s->hostname.s, "") ;
  smtp_reply("250-PIPELINING") ;
  smtp_reply("250-8BITMIME") ;
  smtp_reply("250-SMTPUTF8") ;
  smtp_reply3("250-SIZE ", fmt, "") ;
  smtp_reply("250-ENHANCEDSTATUSCODES") ;
  if (s->ctlfd >= 0 && !s->tls) smtp_reply("250-STARTTLS") ;
  if (s->submission && s->tls && !s->account.len)
    smtp_reply("250-AUTH SCRAM-SHA-256 SCRAM-SHA-1 CRAM-MD5 PLAIN LOGIN") ;
  smtp_reply("250 CHUNKING") ;
}

static void noarg (smtp *s, size_t len, char const *cmd, char const *reply)
{
  if (len) bad(s, "501 5.5.4 no argument allowed", cmd) ;
  else smtp_reply(reply) ;
}

/* one command line; len excludes CRLF; 1 after QUIT */
static int command (smtp *s, char const *line, size_t len)
{
  size_t a ;
  int v = smtp_verb(line, len, &a) ;
  char const *arg = line + a ;
  size_t alen = len - a ;
  if (v != V_UNKNOWN && v != V_EHLO && v != V_HELO && v != V_QUIT && v != V_NOOP
   && v != V_RSET && v != V_HELP && v != V_BDAT && !s->helo)
  {
    bad(s, "503 5.5.1 send EHLO first", "?") ;
    return 0 ;
  }
  switch (v)
  {
    case V_EHLO : ehlo(s, arg, alen, 1) ; break ;
    case V_HELO : ehlo(s, arg, alen, 0) ; break ;
    case V_MAIL : smtp_mail(s, arg, alen) ; break ;
    case V_RCPT : smtp_rcpt(s, arg, alen) ; break ;
    case V_DATA :
      if (alen) bad(s, "501 5.5.4 no argument allowed", "DATA") ;
      else smtp_data(s) ;
      break ;
    case V_BDAT : smtp_bdat(s, arg, alen) ; break ;
    case V_RSET :
      if (!alen) smtp_txreset(s) ;
      noarg(s, alen, "RSET", "250 2.0.0 reset") ;
      break ;
    case V_NOOP : smtp_reply("250 2.0.0 ok") ; break ;
    case V_QUIT :
      smtp_reply3("221 2.0.0 ", s->hostname.s, " closing connection") ;
      return 1 ;
    case V_VRFY : smtp_reply("252 2.5.0 cannot verify, send a message and see") ; break ;
    case V_EXPN : bad(s, "502 5.5.1 EXPN not implemented", "EXPN") ; break ;
    case V_HELP :
      smtp_reply("214-2.0.0 commands: EHLO HELO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY HELP STARTTLS AUTH") ;
      smtp_reply("214 2.0.0 see RFC 5321") ;
      break ;
    case V_STARTTLS : smtp_starttls(s, alen) ; break ;
    case V_AUTH : smtp_auth(s, arg, alen) ; break ;
    default : bad(s, "500 5.5.1 unknown command", "?") ; break ;
  }
  return 0 ;
}

void smtp_loop (smtp *s)
{
  char line[SMTP_LINEMAX + 1] ;
  for (;;)
  {
    int toolong ;
    ssize_t len = smtp_getline(s, line, SMTP_LINEMAX - 1, &toolong) ;
    if (len < 0) smtp_quit(s, 0, "eof", 0) ;
    if (toolong || (size_t)len > SMTP_LINEMAX - 2) bad(s, "500 5.5.2 line too long", "?") ;
    else if (command(s, line, len)) break ;
  }
  explicit_bzero(line, sizeof line) ;
}
