/* tern-smtp-in-auth: STARTTLS (UCSPI-TLS, see tern-tls.8) and AUTH
   (RFC 4954 framing around tern_sasl's server); failed attempts are delayed
   and limited, in the session and across sessions (tern_authlimit). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <skalibs/types.h>
#include "tern.h"
#include "tern_authlimit.h"
#include "tern_conf.h"
#include "tern_cred.h"
#include "tern_crypto.h"
#include "tern_log.h"
#include "tern_sasl.h"
#include "tern-smtp-in.h"

static stralloc authacct = STRALLOC_ZERO ;
static int authblocked ;  /* the user or address is over tern_authlimit's limit */
static char line[SMTP_AUTHMAX + 2] ;  /* a SASL reply */

/* the value of NAME= in the facts block, or "" */
static char const *fact (char const *b, size_t n, char const *name)
{
  size_t l = strlen(name) ;
  for (size_t i = 0 ; i < n ; i += strlen(b + i) + 1)
    if (!strncmp(b + i, name, l) && b[i + l] == '=') return b + i + l + 1 ;
  return "" ;
}

static void movefd (smtp *s, char const *var, int to)
{
  unsigned int fd ;
  char const *x = getenv(var) ;
  if (!x || !uint0_scan(x, &fd)) { errno = EINVAL ; smtp_die(s, "getenv", var, "tls fds") ; }
  if (fd_move(to, fd) < 0) smtp_die(s, "fd_move", var, "tls fds") ;
  ndelay_on(to) ;
}

/* A zygote's session asks the listener for its TLS helper (tern-tls.8):
   Y with the connection and the helper's ends of two pipes; ours become
   fds 0 and 1, which closes our copies of the connection. */
static void handover (smtp *s)
{
  int in[2], out[2] ;  /* in: helper -> us, decrypted; out: us -> helper, plaintext */
  if (pipecoe(in) < 0 || pipecoe(out) < 0) smtp_die(s, "pipe", "", "tls pipes") ;
  {
    int fd[3] = { 0, out[0], in[1] } ;
    if (tern_fd_send(s->ctlfd, "Y", 1, fd, 3, 0) != 1) smtp_die(s, "sendmsg", "SSLCTLFD", "tls control") ;
  }
  fd_close(out[0]) ; fd_close(in[1]) ;
  if (fd_move(0, in[0]) < 0 || fd_move(1, out[1]) < 0) smtp_die(s, "fd_move", "", "tls fds") ;
  ndelay_on(0) ; ndelay_on(1) ;
}

void smtp_starttls (smtp *s, size_t arglen)
{
  char facts[1024] ;
  size_t n = 0 ;
  if (arglen) { smtp_reject(s, "501 5.5.4 no argument allowed", "STARTTLS", 0) ; return ; }
  if (s->tls) { smtp_reject(s, "503 5.5.1 TLS already active", "STARTTLS", 0) ; return ; }
  if (s->ctlfd < 0) { smtp_reject(s, "454 4.7.0 TLS not available", "STARTTLS", 0) ; return ; }
  smtp_reply("220 2.0.0 ready to start TLS") ;
  smtp_flush(s) ;
  if (smtp_pending())
  {
    char fmt[SIZE_FMT] ;
    fmt[size_fmt(fmt, smtp_pending())] = 0 ;
    smtp_log(s, "starttls", "discarded", fmt, "why", "plaintext after STARTTLS") ;
    smtp_discard() ;
  }
  if (s->handed) handover(s) ;
  else if (fd_write(s->ctlfd, "Y", 1) != 1) smtp_die(s, "write", "SSLCTLFD", "tls control") ;
  while (n < sizeof facts - 1)
  {
    ssize_t r = fd_read(s->ctlfd, facts + n, sizeof facts - 1 - n) ;
    if (r <= 0) break ;
    n += r ;
    if (n >= 2 && !facts[n - 1] && !facts[n - 2]) break ;
  }
  if (!n) smtp_quit(s, 0, "tls handshake failed", 0) ;
  facts[n] = 0 ;
  fd_close(s->ctlfd) ;
  s->ctlfd = -1 ;
  if (!s->handed)
  {
    movefd(s, "SSLREADFD", 0) ;
    movefd(s, "SSLWRITEFD", 1) ;
  }
  s->tls = 1 ;
  s->helo = 0 ;
  smtp_io_helo(s) ;
  smtp_txreset(s) ;
  smtp_log(s, "starttls", "protocol", fact(facts, n, "SSL_PROTOCOL"), "cipher", fact(facts, n, "SSL_CIPHER")) ;
}

/* the account for a SASL user: a name, or an address that is exactly an account's */
static int account (smtp *s, char const *user, size_t len)
{
  tern_addr a = TERN_ADDR_ZERO ;
  stralloc key = STRALLOC_ZERO ;
  cdb_data d ;
  int r = 0 ;
  authacct.len = 0 ;
  if (!memchr(user, '@', len))
  {
    r = tern_conf_account_exists(&s->conf, user) ;
    if (r == 1 && !stralloc_catb(&authacct, user, len)) r = -1 ;
  }
  else if (tern_addr_parse(&a, user, len, TERN_ADDR_UTF8) == TERN_OK)
  {
    if (!stralloc_catb(&key, "a:", 2) || !tern_addr_key(&key, &a)) r = -1 ;
    else r = tern_conf_find(&s->conf, key.s, key.len, &d) ;
    if (r == 1 && !stralloc_catb(&authacct, d.s, d.len)) r = -1 ;
  }
  tern_addr_free(&a) ;
  stralloc_free(&key) ;
  return r == 1 && stralloc_0(&authacct) ? 1 : r ;
}

static int getcred (char const *user, size_t len, tern_cred *c, void *aux)
{
  smtp *s = aux ;
  stralloc path = STRALLOC_ZERO ;
  int r = tern_authlimit_blocked(&s->conf, s->ip, user, len) ;
  if (r < 0) smtp_syserr(s, "authlimit", "DATADIR/authfail") ;  /* and go on */
  /* over the limit: no credentials, so that the exchange ends as for a
     wrong password, whatever the password (no oracle), then 454 */
  if (r > 0)
  {
    authblocked = 1 ;
    if (stralloc_catb(&path, user, len) && stralloc_0(&path))
      tern_log_warn("auth-blocked", "session", s->session, "user", path.s, "ip", s->ip, TERN_LOG_END) ;
    stralloc_free(&path) ;
    return TERN_PERM ;
  }
  r = account(s, user, len) ;
  if (r < 0) smtp_syserr(s, "config", s->conf.path.s) ;
  if (r <= 0) return r < 0 ? TERN_TEMP : TERN_PERM ;
  if (!tern_conf_accountdir(&s->conf, authacct.s, &path)) { smtp_syserr(s, "accountdir", s->conf.path.s) ; r = TERN_TEMP ; }
  else
  {
    path.len-- ;
    if (!stralloc_cats(&path, "/credentials") || !stralloc_0(&path)) r = TERN_TEMP ;
    else if (tern_cred_read(path.s, c)) r = TERN_OK ;
    else r = errno == ENOENT || errno == EPROTO ? TERN_PERM : TERN_TEMP ;
    if (r == TERN_TEMP) smtp_syserr(s, "read", path.s) ;
    if (r == TERN_PERM && errno == EPROTO)
      tern_log_warn("credentials", "session", s->session, "path", path.s, "error", "bad file", TERN_LOG_END) ;
  }
  stralloc_free(&path) ;
  return r ;
}

/* a failure: counted here and in tern_authlimit, answered after a delay
   that grows with both counts (at most TERN_AUTHLIMIT_DELAYMAX) */
static void failed (smtp *s, char const *mech, char const *user)
{
  char fmt[UINT_FMT] ;
  unsigned int d ;
  s->authfail++ ;
  fmt[uint_fmt(fmt, s->authfail)] = 0 ;
  tern_log_info("auth", "session", s->session, "result", "fail", "mech", mech, "user", user,
    "ip", s->ip, "failures", fmt, TERN_LOG_END) ;
  if (!tern_authlimit_failed(&s->conf, s->ip, user, strlen(user), &d)) smtp_syserr(s, "authlimit", "DATADIR/authfail") ;
  if (d < 1u << (s->authfail - 1)) d = 1u << (s->authfail - 1) ;
  smtp_flush(s) ;
  sleep(d) ;
  if (s->authfail >= SMTP_MAXAUTHFAIL)
    smtp_quit(s, "421 4.7.0 too many failed authentications, closing connection", "authfail", 0) ;
  smtp_reply("535 5.7.8 authentication credentials invalid") ;
}

/* the client's next SASL reply, decoded into sa: 0 ok, else a reply */
static char const *response (smtp *s, char const *in, size_t len, stralloc *sa)
{
  sa->len = 0 ;
  if (len == 1 && in[0] == '*') return "501 5.0.0 authentication cancelled" ;
  if (len == 1 && in[0] == '=') return 0 ;
  if (!tern_b64_decat(sa, in, len)) return errno == ENOMEM ? "454 4.7.0 out of memory" : "501 5.5.2 bad base64" ;
  (void)s ;
  return 0 ;
}

static char const *result (int r)
{
  switch (r)
  {
    case TERN_SASL_ESYNTAX : return "501 5.5.2 malformed authentication exchange" ;
    case TERN_SASL_ENOMECH : return "504 5.5.4 unknown authentication mechanism" ;
    case TERN_SASL_ENOTPOSS : return "454 4.7.0 mechanism not possible for this account, try another" ;
    default : return "454 4.7.0 temporary authentication failure" ;
  }
}

/* the SASL exchange after AUTH: the reply when it ends otherwise than by
   success or a failed check */
static char const *exchange (smtp *s, tern_sasl_server *sv, int *r, stralloc *in)
{
  stralloc b = STRALLOC_ZERO ;
  while (*r == TERN_SASL_NEXT)
  {
    int toolong ;
    ssize_t len ;
    char const *e ;
    b.len = 0 ;
    if (!stralloc_catb(&b, "334 ", 4) || !tern_b64_cat(&b, sv->out.s, sv->out.len) || !stralloc_0(&b))
      { stralloc_free(&b) ; return "454 4.7.0 out of memory" ; }
    smtp_reply(b.s) ;
    len = smtp_getline(s, line, SMTP_AUTHMAX + 1, &toolong) ;
    if (len < 0) smtp_quit(s, 0, "eof in auth", 0) ;
    if (toolong || len > SMTP_AUTHMAX) { stralloc_free(&b) ; return "500 5.5.6 authentication exchange line too long" ; }
    e = response(s, line, len, in) ;
    if (e) { stralloc_free(&b) ; return e ; }
    *r = tern_sasl_server_step(sv, in->s, in->len) ;
  }
  stralloc_free(&b) ;
  return 0 ;
}

void smtp_auth (smtp *s, char const *arg, size_t len)
{
  tern_sasl_server sv = TERN_SASL_SERVER_ZERO ;
  stralloc in = STRALLOC_ZERO ;
  char mech[32] ;
  size_t m = 0, i ;
  char const *e = 0 ;
  int r, hasir ;
  s->authtried = 1 ;
  if (!s->submission) { smtp_reject(s, "502 5.5.1 AUTH not available", "AUTH", 0) ; return ; }
  if (!s->tls) { smtp_reject(s, "538 5.7.11 encryption required for authentication", "AUTH", 0) ; return ; }
  if (s->account.len) { smtp_reject(s, "503 5.5.1 already authenticated", "AUTH", 0) ; return ; }
  if (s->mail) { smtp_reject(s, "503 5.5.1 AUTH not allowed during a transaction", "AUTH", 0) ; return ; }
  while (m < len && arg[m] != ' ') m++ ;
  if (!m || m >= sizeof mech) { smtp_reject(s, "504 5.5.4 unknown authentication mechanism", "AUTH", 0) ; return ; }
  memcpy(mech, arg, m) ; mech[m] = 0 ;
  for (i = m ; i < len && arg[i] == ' ' ; i++) ;
  hasir = i < len ;
  if (hasir) e = response(s, arg + i, len - i, &in) ;
  if (e) { smtp_reject(s, e, "AUTH", 0) ; stralloc_free(&in) ; return ; }
  sv.get = &getcred ; sv.aux = s ; sv.hostname = s->hostname.s ;
  if (!tern_conf_refresh(&s->conf)) r = TERN_SASL_ETEMP ;
  else
  {
    authblocked = 0 ;
    r = tern_sasl_server_start(&sv, mech, in.s, in.len, hasir) ;
  }
  e = exchange(s, &sv, &r, &in) ;
  if (!e && authblocked)
  {
    smtp_flush(s) ;
    sleep(1) ;
    if (++s->authfail >= SMTP_MAXAUTHFAIL)
      smtp_quit(s, "421 4.7.0 too many failed authentications, closing connection", "authfail", 0) ;
    smtp_reject(s, "454 4.7.0 too many failed authentications, try again later", "AUTH", 0) ;
  }
  else if (!e && r == TERN_SASL_DONE)
  {
    s->account.len = 0 ;
    if (!stralloc_copyb(&s->account, authacct.s, authacct.len)) smtp_quit(s, "421 4.3.0 out of memory", "nomem", 111) ;
    tern_log_info("auth", "session", s->session, "result", "ok", "mech", tern_sasl_mechname(sv.mech),
      "account", s->account.s, TERN_LOG_END) ;
    smtp_reply("235 2.7.0 authentication successful") ;
  }
  else if (!e && r == TERN_SASL_EAUTH) failed(s, mech, sv.user.len ? sv.user.s : "") ;
  else smtp_reject(s, e ? e : result(r), "AUTH", 0) ;
  tern_sasl_server_free(&sv) ;
  stralloc_free(&in) ;
}

void smtp_auth_wipe (void)
{
  smtp_wipesa(&authacct) ;
  explicit_bzero(line, sizeof line) ;
  authblocked = 0 ;
}
