/* tern-sendmail-send.c: the envelope (sender, recipients from the
   arguments and with -t from the header), the message as sent, and the
   hand-over to tern-queue-inject or tern-smtp-out. */
#include <errno.h>
#include <string.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include <skalibs/buffer.h>
#include "tern.h"
#include "tern-sendmail.h"

#define NOMEM(x) sm_fail(x, SM_TEMPFAIL, "out of memory", "", "")

/* one address list (an argument, a To/Cc/Bcc value) into the recipients */
static void addlist (sm *x, char const *s, size_t len)
{
  stralloc one = STRALLOC_ZERO ;
  int r = sm_addrlist(s, len, &one) ;
  if (r == TERN_TEMP) NOMEM(x) ;
  for (size_t p = 0 ; r == TERN_OK && p < one.len ; p += strlen(one.s + p) + 1)
  {
    r = sm_addradd(one.s + p, x->domain, &x->rcpt, &x->keys, &x->n) ;
    if (r == TERN_TEMP) NOMEM(x) ;
    if (r != TERN_OK && x->n >= SM_MAXRCPT) sm_fail(x, SM_DATAERR, "too many recipients", "", "") ;
    if (r != TERN_OK) sm_fail(x, SM_DATAERR, "bad recipient address: ", one.s + p, "") ;
  }
  if (r != TERN_OK)
  {
    char t[len + 1] ;
    memcpy(t, s, len) ; t[len] = 0 ;
    for (size_t i = 0 ; i < len ; i++) if ((unsigned char)t[i] < 32) t[i] = '?' ;
    sm_fail(x, SM_DATAERR, "bad address list: ", t, "") ;
  }
  stralloc_free(&one) ;
}

/* the sender: -f (<> or "" for the null path), the configuration's from,
   login@local-hostname; and the From: address */
static void sender (sm *x)
{
  stralloc keys = STRALLOC_ZERO ;
  unsigned int n = 0 ;
  char const *f = x->o.sender ;
  char const *dflt = sm_conf(&x->c, SMC_FROM) ;
  size_t len = f ? strlen(f) : 0 ;
  if (f && len >= 2 && f[0] == '<' && f[len - 1] == '>')
  {
    char t[len - 1] ;
    memcpy(t, f + 1, len - 2) ; t[len - 2] = 0 ;
    if (t[0] && sm_addradd(t, x->domain, &x->sender, &keys, &n) != TERN_OK) sm_fail(x, SM_DATAERR, "bad sender address: ", f, "") ;
  }
  else if (f && len && sm_addradd(f, x->domain, &x->sender, &keys, &n) != TERN_OK) sm_fail(x, SM_DATAERR, "bad sender address: ", f, "") ;
  if (!f && dflt && sm_addradd(dflt, x->domain, &x->sender, &keys, &n) != TERN_OK) NOMEM(x) ;
  if (!f && !dflt && sm_addradd(sm_login(), x->host, &x->sender, &keys, &n) != TERN_OK)
    sm_fail(x, SM_DATAERR, "the login name does not make an address: ", sm_login(), "") ;
  if (!x->sender.len && !stralloc_0(&x->sender)) NOMEM(x) ;
  if (x->sender.s[0]) { if (!stralloc_copyb(&x->from, x->sender.s, x->sender.len)) NOMEM(x) ; }
  else if (sm_addradd(dflt ? dflt : sm_login(), x->host, &x->from, &keys, &n) == TERN_TEMP) NOMEM(x) ;
  if (!x->from.len && (!stralloc_cats(&x->from, "MAILER-DAEMON") || !stralloc_0(&x->from))) NOMEM(x) ;
  stralloc_free(&keys) ;
}

void sm_prepare (sm *x)
{
  sender(x) ;
  if (!sm_msg(&x->m, x->in.s, x->in.len, !x->o.i)) NOMEM(x) ;
  for (unsigned int i = 0 ; i < x->o.nrcpt ; i++) addlist(x, x->o.rcpt[i], strlen(x->o.rcpt[i])) ;
  if (x->o.t)
    for (size_t p = 0 ; p < x->m.rcpt.len ;)
    {
      char const *nl = memchr(x->m.rcpt.s + p, '\n', x->m.rcpt.len - p) ;
      size_t l = (size_t)(nl - (x->m.rcpt.s + p)) ;
      addlist(x, x->m.rcpt.s + p, l) ;
      p += l + 1 ;
    }
  if (!x->n) sm_fail(x, SM_DATAERR, "no recipient", x->o.t ? " in the arguments, To, Cc or Bcc" : "", "") ;
  if ((sm_conf(&x->c, SMC_MODE) == 0 || !strcmp(sm_conf(&x->c, SMC_MODE), "local")) && !sm_received(&x->msg, x->host)) NOMEM(x) ;
  if (!stralloc_catb(&x->msg, x->m.out.s, x->m.hdrend)
   || !sm_addfields(&x->msg, &x->m, x->from.s, x->o.fullname, x->host)
   || !stralloc_catb(&x->msg, x->m.out.s + x->m.hdrend, x->m.out.len - x->m.hdrend)) NOMEM(x) ;
}

static int utf8 (stralloc const *sa)
{
  for (size_t i = 0 ; i < sa->len ; i++) if ((unsigned char)sa->s[i] > 127) return 1 ;
  return 0 ;
}

static stralloc errout = STRALLOC_ZERO ;

/* the helper's standard error, when it matters */
static void show (void)
{
  if (errout.len) buffer_putflush(buffer_2, errout.s, errout.len) ;
  errout.len = 0 ;
}

/* argv: the head, then "--" and the recipients */
static void run (sm *x, char const **argv, unsigned int n, stralloc *out, int *r)
{
  char const *p = x->rcpt.s ;
  argv[n++] = "--" ;
  for (unsigned int i = 0 ; i < x->n ; i++, p += strlen(p) + 1) argv[n++] = p ;
  argv[n] = 0 ;
  if (x->o.v)
  {
    stralloc la = STRALLOC_ZERO ;
    strerr_warni("sending with ", argv[0], " from <", sm_logaddr(&la, x->sender.s), ">") ;
    for (unsigned int i = 0 ; i < x->n ; i++) strerr_warni("recipient ", sm_logaddr(&la, argv[n - x->n + i])) ;
    stralloc_free(&la) ;
  }
  *r = sm_run(argv, x->msg.s, x->msg.len, out, &errout) ;
  if (*r < 0) sm_fail(x, SM_TEMPFAIL, "unable to run ", argv[0], errno == ENOENT ? ": not found beside tern-sendmail" : "") ;
  if (*r || x->o.v) show() ;
  if (*r == 126 || *r == 127) sm_fail(x, SM_TEMPFAIL, "unable to run ", argv[0], "") ;
  if (*r == 100) sm_fail(x, SM_UNAVAILABLE, argv[0], " refused the message", "") ;
  if (*r == 111) sm_fail(x, SM_TEMPFAIL, argv[0], " failed temporarily", "") ;
  if (*r) sm_fail(x, SM_TEMPFAIL, argv[0], " crashed", "") ;
}

int sm_local (sm *x)
{
  char const *argv[x->n + 12] ;
  unsigned int n = 0 ;
  stralloc out = STRALLOC_ZERO ;
  int r ;
  char const *dir = sm_conf(&x->c, SMC_CONFDIR) ;
  argv[n++] = "tern-queue-inject" ;
  argv[n++] = "-c" ; argv[n++] = dir ? dir : tern_confdir(0) ;
  if (x->m.eightbit) argv[n++] = "-8" ;
  if (utf8(&x->sender) || utf8(&x->rcpt)) argv[n++] = "-U" ;
  argv[n++] = "-f" ; argv[n++] = x->sender.s ;
  run(x, argv, n, &out, &r) ;
  if (x->o.v)
  {
    while (out.len && out.s[out.len - 1] == '\n') out.len-- ;
    if (!stralloc_0(&out)) NOMEM(x) ;
    strerr_warni("queued id=", out.s) ;
  }
  stralloc_free(&out) ;
  return 0 ;
}

/* an option word "key=value", value %-encoded for tern-smtp-out, at *off in sa */
static int opt (stralloc *sa, size_t *off, char const *key, char const *v)
{
  *off = sa->len ;
  if (!stralloc_cats(sa, key) || !stralloc_cats(sa, "=")) return 0 ;
  for (; *v ; v++)
    if (*v == '%' ? !stralloc_cats(sa, "%25") : !stralloc_catb(sa, v, 1)) return 0 ;
  return stralloc_0(sa) ;
}

int sm_submit (sm *x)
{
  char const *argv[x->n + 24] ;
  char const *tls = sm_conf(&x->c, SMC_TLS), *port = sm_conf(&x->c, SMC_PORT), *ca = sm_conf(&x->c, SMC_CAFILE) ;
  char const *user = sm_conf(&x->c, SMC_USER), *mechs = sm_conf(&x->c, SMC_MECHS) ;
  size_t off[3] ;
  unsigned int n = 0, nfail = 0 ;
  stralloc words = STRALLOC_ZERO, out = STRALLOC_ZERO ;
  int r, implicit = tls && !strcmp(tls, "implicit") ;
  if (user && (!opt(&words, off, "auth-user", user) || !opt(&words, off + 1, "auth-password-file", sm_conf(&x->c, SMC_PWFILE))
   || !opt(&words, off + 2, "mechanisms", mechs ? mechs : "SCRAM-SHA-256,SCRAM-SHA-1,CRAM-MD5,PLAIN")))
    NOMEM(x) ;
  argv[n++] = "tern-smtp-out" ;
  argv[n++] = "-e" ; argv[n++] = x->host ;
  if (ca) { argv[n++] = "-a" ; argv[n++] = ca ; }
  argv[n++] = "-f" ; argv[n++] = x->sender.s ;
  argv[n++] = implicit ? "submissions" : "submission" ;
  argv[n++] = sm_conf(&x->c, SMC_HOST) ;
  argv[n++] = port ? port : implicit ? "465" : "587" ;
  argv[n++] = "sendmail" ;
  if (tls && !strcmp(tls, "none")) argv[n++] = "starttls=none" ;
  if (user) for (unsigned int i = 0 ; i < 3 ; i++) argv[n++] = words.s + off[i] ;
  run(x, argv, n, &out, &r) ;
  r = sm_report(out.s, out.len, x->rcpt.s, x->n, x->o.v, &nfail) ;
  if (r) show() ;
  if (r == SM_SOFTWARE) sm_fail(x, r, "tern-smtp-out's report could not be understood", "", "") ;
  if (r)
  {
    char m[2 * UINT_FMT + 40] ;
    size_t k = uint_fmt(m, nfail) ;
    memcpy(m + k, " of ", 4) ; k += 4 ;
    k += uint_fmt(m + k, x->n) ;
    memcpy(m + k, " recipients", 12) ;
    sm_fail(x, r, "message not sent to ", m, "") ;
  }
  if (x->o.v) strerr_warni("sent") ;
  stralloc_free(&words) ; stralloc_free(&out) ;
  return 0 ;
}
