/* tern_conftext_transport: transports/NAME (t:NAME "METHOD HOST PORT" or
   "direct", t:NAME:KEY options). */
#include <string.h>
#include "tern_conftext_int.h"

enum { M_SUBMISSIONS, M_SUBMISSION, M_SMTP, M_SOCKS, M_DIRECT, O_USER, O_PWFILE, O_MECHS,
  O_SKIPVERIFY, O_NOSTARTTLS, O_SOCKSIPS, O_SOCKSHOST, NKEYS } ;

static void method (tern_ctf *f, unsigned int m, char const *v, unsigned int port)
{
  static char const *const names[] = { "submissions", "submission", "smtp", "socks", "direct" } ;
  stralloc out = STRALLOC_ZERO ;
  unsigned int *n = f->data ;
  if ((*n)++) { tern_conftext_err(f, "cannot have multiple methods", 0, 0) ; return ; }
  if (!stralloc_cats(&out, names[m])) { f->nomem = 1 ; return ; }
  if (m == M_DIRECT) { tern_conftext_rec(f, "t:", f->name, 0, out.s, out.len) ; goto end ; }
  if (!stralloc_catb(&out, " ", 1)) { f->nomem = 1 ; goto end ; }
  if (tern_conftext_hostport(f, v, port, m == M_SOCKS, 0, &out))
    tern_conftext_rec(f, "t:", f->name, 0, out.s, out.len) ;
 end:
  stralloc_free(&out) ;
}

static void subs (tern_ctf *f, char *v, size_t len) { (void)len ; method(f, M_SUBMISSIONS, v, 465) ; }
static void sub (tern_ctf *f, char *v, size_t len) { (void)len ; method(f, M_SUBMISSION, v, 587) ; }
static void smtp (tern_ctf *f, char *v, size_t len) { (void)len ; method(f, M_SMTP, v, 25) ; }
static void socks (tern_ctf *f, char *v, size_t len) { (void)len ; method(f, M_SOCKS, v, 0) ; }
static void direct (tern_ctf *f, char *v, size_t len) { (void)len ; method(f, M_DIRECT, v, 0) ; }

static void user (tern_ctf *f, char *v, size_t len) { tern_conftext_rec(f, "t:", f->name, ":auth-user", v, len) ; }
static void skipverify (tern_ctf *f, char *v, size_t len) { tern_conftext_rec(f, "t:", f->name, ":starttls-skip-verify", v, len) ; }
static void nostarttls (tern_ctf *f, char *v, size_t len) { tern_conftext_rec(f, "t:", f->name, ":no-starttls", v, len) ; }

static void pwfile (tern_ctf *f, char *v, size_t len)
{
  stralloc p = STRALLOC_ZERO ;
  (void)len ;
  if (tern_conftext_path(f, v, &p)) tern_conftext_rec(f, "t:", f->name, ":auth-password-file", p.s, p.len) ;
  stralloc_free(&p) ;
}

static void mechs (tern_ctf *f, char *v, size_t len)
{
  static char const *const known[] = { "SCRAM-SHA-256", "SCRAM-SHA-1", "CRAM-MD5", "PLAIN" } ;
  unsigned int have = 0 ;
  for (size_t i = 0 ; i <= len ;)
  {
    size_t n = strcspn(v + i, ",") ;
    unsigned int k = 0 ;
    for (; k < 4 ; k++) if (n == strlen(known[k]) && !memcmp(v + i, known[k], n)) break ;
    v[i + n] = 0 ;
    if (k == 4) { tern_conftext_err(f, "unknown auth mechanism ", v + i, " (SCRAM-SHA-256, SCRAM-SHA-1, CRAM-MD5 or PLAIN)") ; return ; }
    if (have & (1u << k)) { tern_conftext_err(f, "duplicate auth mechanism ", v + i, 0) ; return ; }
    have |= 1u << k ;
    if (i + n < len) v[i + n] = ',' ;
    i += n + 1 ;
  }
  tern_conftext_rec(f, "t:", f->name, ":auth-mechanisms", v, len) ;
}

static void socksips (tern_ctf *f, char *v, size_t len)
{
  for (size_t i = 0 ; i <= len ;)
  {
    size_t n = strcspn(v + i, ",") ;
    if (!tern_conftext_ip(v + i, n)) { tern_conftext_err(f, "bad IP address in socks-remote-ips ", v, 0) ; return ; }
    i += n + 1 ;
  }
  tern_conftext_rec(f, "t:", f->name, ":socks-remote-ips", v, len) ;
}

static void sockshost (tern_ctf *f, char *v, size_t len)
{
  stralloc d = STRALLOC_ZERO ;
  if (tern_conftext_domain(f, v, len, &d)) tern_conftext_rec(f, "t:", f->name, ":socks-remote-hostname", d.s, d.len) ;
  stralloc_free(&d) ;
}

static tern_ctkey const keys[NKEYS] =
{
  { "submissions", 0, &subs }, { "submission", 0, &sub }, { "smtp", 0, &smtp },
  { "socks", 0, &socks }, { "direct", TERN_CTK_FLAG, &direct },
  { "auth-user", 0, &user }, { "auth-password-file", 0, &pwfile }, { "auth-mechanisms", 0, &mechs },
  { "starttls-skip-verify", TERN_CTK_FLAG, &skipverify }, { "no-starttls", TERN_CTK_FLAG, &nostarttls },
  { "socks-remote-ips", 0, &socksips }, { "socks-remote-hostname", 0, &sockshost },
} ;

/* Option o is present but not allowed with the method. */
static void notwith (tern_ctf *f, unsigned int const *seen, unsigned int o, char const *why)
{
  if (!seen[o]) return ;
  f->line = seen[o] ;
  tern_conftext_err(f, keys[o].key, why, 0) ;
  f->line = 0 ;
}

static void combine (tern_ctf *f, unsigned int const *seen)
{
  int smtplike = seen[M_SUBMISSIONS] || seen[M_SUBMISSION] || seen[M_SMTP] ;
  if (seen[M_SUBMISSIONS]) { notwith(f, seen, O_SKIPVERIFY, " is not possible with submissions") ; notwith(f, seen, O_NOSTARTTLS, " is not possible with submissions") ; }
  if (!smtplike)
    for (unsigned int o = O_USER ; o <= O_NOSTARTTLS ; o++) notwith(f, seen, o, " needs method submissions, submission or smtp") ;
  if (!seen[M_SOCKS]) { notwith(f, seen, O_SOCKSIPS, " needs method socks") ; notwith(f, seen, O_SOCKSHOST, " needs method socks") ; }
  else
  {
    if (!seen[O_SOCKSIPS]) tern_conftext_err(f, "socks needs socks-remote-ips", 0, 0) ;
    if (!seen[O_SOCKSHOST]) tern_conftext_err(f, "socks needs socks-remote-hostname", 0, 0) ;
  }
  if (seen[O_USER] && !seen[O_PWFILE]) tern_conftext_err(f, "auth-user needs auth-password-file", 0, 0) ;
  if (!seen[O_USER] && seen[O_PWFILE]) tern_conftext_err(f, "auth-password-file needs auth-user", 0, 0) ;
  if (!seen[O_USER]) notwith(f, seen, O_MECHS, " needs auth-user") ;
  else if (!seen[O_MECHS])
    tern_conftext_rec(f, "t:", f->name, ":auth-mechanisms", "SCRAM-SHA-256,SCRAM-SHA-1,CRAM-MD5", 34) ;
}

void tern_conftext_transport (tern_ctf *f, char const *s, size_t len)
{
  unsigned int seen[NKEYS] = { 0 } ;
  unsigned int nmethods = 0 ;
  f->seen = seen ;
  f->data = &nmethods ;
  tern_conftext_lines(f, keys, NKEYS, s, len) ;
  if (!nmethods) tern_conftext_err(f, "missing method (submissions, submission, smtp, socks or direct)", 0, 0) ;
  else combine(f, seen) ;
}
