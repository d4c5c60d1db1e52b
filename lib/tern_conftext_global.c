/* tern_conftext_global: tern.conf, the global settings (g:KEY records). */
#include <string.h>
#include <pwd.h>
#include "tern_conftext_int.h"

static void rec (tern_ctf *f, char const *key, char const *v, size_t len)
{
  tern_conftext_rec(f, "g:", key, 0, v, len) ;
}

static void hostname (tern_ctf *f, char *v, size_t len)
{
  stralloc d = STRALLOC_ZERO ;
  if (tern_conftext_domain(f, v, len, &d)) rec(f, "hostname", d.s, d.len) ;
  stralloc_free(&d) ;
}

static void pathkey (tern_ctf *f, char const *key, char const *v)
{
  stralloc p = STRALLOC_ZERO ;
  if (tern_conftext_path(f, v, &p)) rec(f, key, p.s, p.len) ;
  stralloc_free(&p) ;
}

static void datadir (tern_ctf *f, char *v, size_t len) { (void)len ; pathkey(f, "datadir", v) ; }
static void tlscert (tern_ctf *f, char *v, size_t len) { (void)len ; ((int *)f->data)[0]++ ; pathkey(f, "tls-cert", v) ; }
static void tlskey (tern_ctf *f, char *v, size_t len) { (void)len ; ((int *)f->data)[1]++ ; pathkey(f, "tls-key", v) ; }

static void userkey (tern_ctf *f, char const *key, char *v, size_t len)
{
  size_t i = 0 ;
  while (v[i] >= '0' && v[i] <= '9') i++ ;
  if (i == len && len <= 9) { rec(f, key, v, len) ; return ; }
  if (len > 32 || ((f->t->flags & TERN_CONFTEXT_NOLOOKUP) ? !tern_conftext_goodname(v, len) : !getpwnam(v)))
  {
    tern_conftext_err(f, "unknown user ", v, " (create it, e.g. useradd -r tern)") ;
    return ;
  }
  rec(f, key, v, len) ;
}

static void user (tern_ctf *f, char *v, size_t len) { userkey(f, "user", v, len) ; }
/* the users of the jobs of the service tree (tern-conf(8), SERVICE TREE) */
static void smtpuser (tern_ctf *f, char *v, size_t len) { userkey(f, "smtp-user", v, len) ; }
static void tlsuser (tern_ctf *f, char *v, size_t len) { userkey(f, "tls-user", v, len) ; }
static void loguser (tern_ctf *f, char *v, size_t len) { userkey(f, "log-user", v, len) ; }

static void listen (tern_ctf *f, char *v, size_t len)
{
  static char const *const services[] = { "smtp", "submission", "submissions", "imap", "imaps" } ;
  stralloc out = STRALLOC_ZERO ;
  size_t n = strcspn(v, " \t"), i = 0 ;
  for (; i < 5 ; i++) if (n == strlen(services[i]) && !memcmp(v, services[i], n)) break ;
  if (i == 5 || n == len) { tern_conftext_err(f, "bad listen: not SERVICE ADDR:PORT with SERVICE smtp, submission, submissions, imap or imaps", 0, 0) ; return ; }
  v[n++] = 0 ;
  while (v[n] == ' ' || v[n] == '\t') n++ ;
  if (!stralloc_cats(&out, v) || !stralloc_catb(&out, " ", 1)) { f->nomem = 1 ; return ; }
  if (tern_conftext_hostport(f, v + n, 0, 1, 1, &out)) rec(f, "listen", out.s, out.len) ;
  stralloc_free(&out) ;
}

static void nofix (tern_ctf *f, char *v, size_t len) { (void)v ; (void)len ; rec(f, "no-fix-permissions", "", 0) ; }

static void postmaster (tern_ctf *f, char *v, size_t len)
{
  if (!tern_conftext_declared(f->t, 'a', v, len)) tern_conftext_err(f, "postmaster: no such account ", v, 0) ;
  else rec(f, "postmaster", v, len) ;
}

static void remoteto (tern_ctf *f, char *v, size_t len)
{
  if (!tern_conftext_declared(f->t, 'a', v, len)) tern_conftext_err(f, "deliver-remote-to: no such account ", v, 0) ;
  else rec(f, "deliver-remote-to", v, len) ;
}

static void number (tern_ctf *f, char const *key, char const *v, uint64_t min, uint64_t max)
{
  uint64_t u ;
  if (tern_conftext_uint(f, key, v, min, max, &u)) rec(f, key, v, strlen(v)) ;
}

static void maxsize (tern_ctf *f, char *v, size_t len) { (void)len ; number(f, "max-message-size", v, 1024, 4294967295u) ; }
static void maxatt (tern_ctf *f, char *v, size_t len) { (void)len ; number(f, "queue-max-attempts", v, 1, 1000) ; }
static void concur (tern_ctf *f, char *v, size_t len) { (void)len ; number(f, "queue-concurrency", v, 1, 10000) ; }
static void domconcur (tern_ctf *f, char *v, size_t len) { (void)len ; number(f, "queue-domain-concurrency", v, 1, 10000) ; }
static void activemax (tern_ctf *f, char *v, size_t len) { (void)len ; number(f, "queue-active-max", v, 10, 10000000) ; }

static void subsep (tern_ctf *f, char *v, size_t len)
{
  if (!strcmp(v, "none")) rec(f, "subaddress-separator", "", 0) ;
  else if (len == 1 && strchr("!#$%&'*+-/=?^_`{|}~", v[0])) rec(f, "subaddress-separator", v, 1) ;
  else tern_conftext_err(f, "bad subaddress-separator ", v, ": not none or one of !#$%&'*+-/=?^_`{|}~") ;
}

static tern_ctkey const keys[] =
{
  { "hostname", TERN_CTK_REQUIRED, &hostname },
  { "datadir", TERN_CTK_REQUIRED, &datadir },
  { "user", 0, &user },
  { "smtp-user", 0, &smtpuser },
  { "tls-user", 0, &tlsuser },
  { "log-user", 0, &loguser },
  { "listen", TERN_CTK_REPEAT, &listen },
  { "tls-cert", TERN_CTK_REPEAT, &tlscert },
  { "tls-key", TERN_CTK_REPEAT, &tlskey },
  { "no-fix-permissions", TERN_CTK_FLAG, &nofix },
  { "postmaster", 0, &postmaster },
  { "deliver-remote-to", 0, &remoteto },
  { "max-message-size", 0, &maxsize },
  { "queue-max-attempts", 0, &maxatt },
  { "queue-concurrency", 0, &concur },
  { "queue-domain-concurrency", 0, &domconcur },
  { "queue-active-max", 0, &activemax },
  { "subaddress-separator", 0, &subsep },
} ;
#define NKEYS (sizeof keys / sizeof *keys)

void tern_conftext_global (tern_ctf *f, char const *s, size_t len)
{
  static char const *const defaults[][2] =
  {
    { "user", "tern" }, { "max-message-size", "104857600" }, { "queue-max-attempts", "8" },
    { "queue-concurrency", "10" }, { "queue-domain-concurrency", "1" }, { "queue-active-max", "20000" },
    { "subaddress-separator", "+" },
  } ;
  unsigned int seen[NKEYS] = { 0 } ;
  int tls[2] = { 0, 0 } ;
  f->seen = seen ;
  f->data = tls ;
  tern_conftext_lines(f, keys, NKEYS, s, len) ;
  if (tls[0] != tls[1]) tern_conftext_err(f, "tls-cert and tls-key must come in pairs", 0, 0) ;
  for (size_t i = 0 ; i < sizeof defaults / sizeof *defaults ; i++)
    if (!seen[tern_conftext_keyidx(keys, NKEYS, defaults[i][0])])
      rec(f, defaults[i][0], defaults[i][1], strlen(defaults[i][1])) ;
}
