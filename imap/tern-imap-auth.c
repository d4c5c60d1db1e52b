/* tern-imap-auth: STARTTLS, LOGIN and AUTHENTICATE (SASL, SASL-IR); a
   user is an account name or any address that delivers to the account. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include "tern.h"
#include "tern_log.h"
#include "tern_sasl.h"
#include "tern_crypto.h"
#include "tern-imap.h"

static stralloc found = STRALLOC_ZERO ;   /* account of the last lookup */

/* the account for user: 1 (name in found), 0 none, -1 error */
static int resolve (char const *user, size_t len)
{
  found.len = 0 ;
  if (memchr(user, '@', len))
  {
    tern_addr a = TERN_ADDR_ZERO ;
    int r = tern_addr_parse(&a, user, len, TERN_ADDR_UTF8) ;
    if (r == TERN_OK) r = tern_conf_account(&S.conf, &a, &found) ;
    else r = r == TERN_PERM ? 0 : -1 ;
    tern_addr_free(&a) ;
    if (r <= 0) return r ;
  }
  else if (!stralloc_catb(&found, user, len)) return -1 ;
  if (!stralloc_0(&found)) return -1 ;
  found.len-- ;
  if (strlen(found.s) != found.len || !found.len) return 0 ;
  return tern_conf_account_exists(&S.conf, found.s) ;
}

static int authblocked ;  /* AUTHENTICATE named a user over the limit */

static int getcred (char const *user, size_t len, tern_cred *c, void *aux)
{
  stralloc p = STRALLOC_ZERO ;
  int r ;
  /* over the limit: no credentials, so that the exchange ends as for a
     wrong password, whatever the password (no oracle); blocked() answers */
  if (aux && limit_blocked(user, len)) { authblocked = 1 ; return TERN_PERM ; }
  r = resolve(user, len) ;
  if (r < 0) return TERN_TEMP ;
  if (!r) return TERN_PERM ;
  if (!tern_conf_accountdir(&S.conf, found.s, &p)) return TERN_TEMP ;
  p.len-- ;
  if (!stralloc_cats(&p, "/credentials") || !stralloc_0(&p)) { stralloc_free(&p) ; return TERN_TEMP ; }
  r = tern_cred_read(p.s, c) ;
  stralloc_free(&p) ;
  if (r) return TERN_OK ;
  return errno == ENOENT ? TERN_PERM : TERN_TEMP ;
}

/* the session is now the account in found */
static void loggedin (char const *mech)
{
  S.account.len = S.acct.len = 0 ;
  if (!stralloc_copy(&S.account, &found) || !stralloc_0(&S.account)
   || !tern_conf_accountdir(&S.conf, found.s, &S.acct)) strerr_diefusys(111, "log in") ;
  if (tern_store_create(S.acct.s)) { out_temp("[UNAVAILABLE] cannot open the mailboxes now") ; return ; }
  S.state = S_AUTH ;
  tern_log_info("login", "pid", S.pid, "account", S.account.s, "mech", mech, "ip", S.ip, "port", getenv("TCPREMOTEPORT"), TERN_LOG_END) ;
  out_puts(S.tag) ;
  out_puts(" OK [") ;
  cmd_capability_list() ;
  out_puts("] logged in\r\n") ;
  out_flush() ;
}

#define FAILMAX 3   /* failed logins in one session before BYE */

static void failed (char const *user, size_t len)
{
  static unsigned int nfail = 0 ;
  stralloc u = STRALLOC_ZERO ;
  if (stralloc_catb(&u, user, len > 256 ? 256 : len) && stralloc_0(&u))
    tern_log_warn("auth-fail", "pid", S.pid, "user", u.s, "ip", S.ip, TERN_LOG_END) ;
  stralloc_free(&u) ;
  limit_failed(user, len) ;
  sleep(1) ;
  out_tagged("NO", "[AUTHENTICATIONFAILED] invalid credentials") ;
  if (++nfail >= FAILMAX)
  {
    out_untagged("BYE too many failed logins") ;
    out_flush() ;
    strerr_dief(100, "too many failed logins from ", S.ip ? S.ip : "unknown") ;
  }
}

/* over the failed-login limit of tern-imap-limit.c (known: already
   checked, over it): NO, 1 */
static int blocked (char const *user, size_t len, int known)
{
  stralloc u = STRALLOC_ZERO ;
  if (!known && !limit_blocked(user, len)) return 0 ;
  if (stralloc_catb(&u, user, len > 256 ? 256 : len) && stralloc_0(&u))
    tern_log_warn("auth-blocked", "pid", S.pid, "user", u.s, "ip", S.ip, TERN_LOG_END) ;
  stralloc_free(&u) ;
  sleep(1) ;
  out_tagged("NO", "[UNAVAILABLE] too many failed logins, try again later") ;
  return 1 ;
}

void cmd_login (iargs *a)
{
  tern_cred c = TERN_CRED_ZERO ;
  int r ;
  if (a->n != 2 || !imap_isastring(&a->a[0]) || !imap_isastring(&a->a[1])) { out_tagged("BAD", "LOGIN user password") ; return ; }
  if (!S.loginok) { out_tagged("NO", "[PRIVACYREQUIRED] use STARTTLS first") ; return ; }
  imap_conf() ;   /* accounts, addresses, datadir as they are now */
  if (blocked(a->a[0].s, a->a[0].len, 0)) return ;
  r = getcred(a->a[0].s, a->a[0].len, &c, 0) ;
  if (r == TERN_TEMP) { out_temp("[UNAVAILABLE] try again later") ; return ; }
  if (r == TERN_OK && tern_cred_check_plain(&c, a->a[1].s, a->a[1].len)) loggedin("LOGIN") ;
  else failed(a->a[0].s, a->a[0].len) ;
  memset(&c, 0, sizeof c) ;
}

/* one SASL exchange; the result of the last step */
static int exchange (tern_sasl_server *s, int r)
{
  stralloc line = STRALLOC_ZERO, dec = STRALLOC_ZERO ;
  while (r == TERN_SASL_NEXT)
  {
    int k ;
    out_puts("+ ") ;
    if (!stralloc_0(&s->out)) { r = TERN_SASL_ETEMP ; break ; }
    s->out.len-- ;
    line.len = 0 ;
    if (!tern_b64_cat(&line, s->out.s, s->out.len)) { r = TERN_SASL_ETEMP ; break ; }
    out_put(line.s, line.len) ;
    out_puts("\r\n") ;
    out_flush() ;
    k = in_line(&line) ;
    if (!k) strerr_dief(111, "client went away during AUTHENTICATE") ;
    if (k < 0) { r = TERN_SASL_ESYNTAX ; break ; }
    if (line.len == 1 && line.s[0] == '*') { r = -1 ; break ; }
    dec.len = 0 ;
    if (line.len > TERN_SASL_MAX * 2 || !tern_b64_decat(&dec, line.s, line.len)) { r = TERN_SASL_ESYNTAX ; break ; }
    r = tern_sasl_server_step(s, dec.s, dec.len) ;
  }
  stralloc_free(&line) ;
  stralloc_free(&dec) ;
  return r ;
}

void cmd_authenticate (iargs *a)
{
  tern_sasl_server s = TERN_SASL_SERVER_ZERO ;
  stralloc ir = STRALLOC_ZERO, host = STRALLOC_ZERO ;
  int r, hasir = a->n == 2 ;
  if ((a->n != 1 && a->n != 2) || a->a[0].type != N_ATOM || (hasir && a->a[1].type != N_ATOM)) { out_tagged("BAD", "AUTHENTICATE mechanism [initial-response]") ; return ; }
  if (!S.loginok) { out_tagged("NO", "[PRIVACYREQUIRED] use STARTTLS first") ; return ; }
  if (hasir && !(a->a[1].len == 1 && a->a[1].s[0] == '=') && !tern_b64_decat(&ir, a->a[1].s, a->a[1].len)) { out_tagged("BAD", "bad base64") ; return ; }
  s.get = &getcred ;
  s.aux = &authblocked ;  /* getcred checks the limit first */
  authblocked = 0 ;
  imap_conf() ;
  if (tern_conf_global(&S.conf, "hostname", &host) > 0 && stralloc_0(&host)) s.hostname = host.s ;
  if (!stralloc_0(&ir)) strerr_diefusys(111, "authenticate") ;
  r = exchange(&s, tern_sasl_server_start(&s, a->a[0].s, ir.s, ir.len - 1, hasir)) ;
  switch (r)
  {
    case TERN_SASL_DONE : loggedin(tern_sasl_mechname(s.mech)) ; break ;
    case -1 : out_tagged("BAD", "AUTHENTICATE cancelled") ; break ;
    case TERN_SASL_ENOMECH : out_tagged("NO", "unknown mechanism") ; break ;
    case TERN_SASL_ESYNTAX : out_tagged("BAD", "malformed SASL message") ; break ;
    case TERN_SASL_EAUTH :
      if (authblocked) blocked(s.user.s ? s.user.s : "", s.user.s ? strlen(s.user.s) : 0, 1) ;
      else failed(s.user.s ? s.user.s : "", s.user.s ? strlen(s.user.s) : 0) ;
      break ;
    default : out_temp("[UNAVAILABLE] cannot authenticate now") ; break ;
  }
  tern_sasl_server_free(&s) ;
  stralloc_free(&ir) ;
  stralloc_free(&host) ;
}

static int envfd (char const *name)
{
  char const *x = getenv(name) ;
  unsigned int fd ;
  if (!x || !uint0_scan(x, &fd)) strerr_dief(111, "bad or missing ", name) ;
  return (int)fd ;
}

void cmd_starttls (iargs *a)
{
  char buf[1024] ;
  size_t dropped ;
  int ctl, n = 0 ;
  if (a->n) { out_tagged("BAD", "no arguments expected") ; return ; }
  if (S.tls || !getenv("SSLCTLFD")) { out_tagged("NO", "TLS is not available here") ; return ; }
  ctl = envfd("SSLCTLFD") ;
  out_tagged("OK", "begin TLS now") ;
  /* the reply goes out in plaintext before the hand-over, and commands
     pipelined after STARTTLS are dropped, never run inside TLS (a man in
     the middle may have put them there: CVE-2011-0411) */
  out_flush() ;
  dropped = io_discard() ;
  if (dropped)
  {
    char fmt[SIZE_FMT] ;
    fmt[size_fmt(fmt, dropped)] = 0 ;
    tern_log_warn("starttls", "pid", S.pid, "discarded", fmt, "ip", S.ip, "why", "plaintext after STARTTLS", TERN_LOG_END) ;
  }
  if (write(ctl, "Y", 1) != 1) strerr_diefusys(111, "start TLS") ;
  for (;;)
  {
    ssize_t r = read(ctl, buf, sizeof buf) ;
    if (r < 0 && errno == EINTR) continue ;
    if (r <= 0) break ;
    n += (int)r ;
  }
  if (!n) strerr_dief(111, "TLS handshake failed") ;
  close(ctl) ;
  io_init(envfd("SSLREADFD"), envfd("SSLWRITEFD")) ;
  io_discard() ;
  S.tls = S.loginok = 1 ;
}
