/* tern-sendmail-conf.c: the configuration file, "key value" lines as in
   tern's other files (tern-conf.8): the first problem is reported with its
   line; values are checked here, so the rest of the program trusts them. */
#include <string.h>
#include <skalibs/types.h>
#include "tern.h"
#include "tern_addr.h"
#include "tern-sendmail.h"

#define LINEMAX 4000

static char const *const keys[SMC_N] =
{
  "mode", "confdir", "host", "port", "tls", "ca-file", "username", "password-file",
  "mechanisms", "from", "local-hostname", "default-domain", "dead-letter"
} ;

static int problem (smconf *c, char const *a, char const *b)
{
  size_t n = 0 ;
  for (; *a && n + 1 < sizeof c->err ; a++) c->err[n++] = *a ;
  for (; *b && n + 1 < sizeof c->err ; b++) c->err[n++] = *b ;
  c->err[n] = 0 ;
  return 0 ;
}

static int isdomain (char const *v)
{
  stralloc a = STRALLOC_ZERO, u = STRALLOC_ZERO ;
  int r = tern_domain_parse(&a, &u, v, strlen(v)) ;
  stralloc_free(&a) ; stralloc_free(&u) ;
  return r ;
}

static int mechs (char const *v)
{
  static char const *const known[] = { "SCRAM-SHA-256", "SCRAM-SHA-1", "CRAM-MD5", "PLAIN" } ;
  while (*v)
  {
    size_t n = strcspn(v, ",") ;
    unsigned int i = 0 ;
    while (i < 4 && (strlen(known[i]) != n || strncmp(known[i], v, n))) i++ ;
    if (i == 4) return 0 ;
    v += n ;
    if (*v && !*++v) return 0 ;
  }
  return 1 ;
}

/* 1 good, 0 bad (problem set), -1 ENOMEM */
static int value (smconf *c, unsigned int k, char const *v)
{
  unsigned int port ;
  int r ;
  switch (k)
  {
    case SMC_MODE :
      if (strcmp(v, "local") && strcmp(v, "submit")) return problem(c, "mode must be local or submit", "") ;
      break ;
    case SMC_TLS :
      if (strcmp(v, "implicit") && strcmp(v, "starttls") && strcmp(v, "none")) return problem(c, "tls must be implicit, starttls or none", "") ;
      break ;
    case SMC_PORT :
      if (!uint0_scan(v, &port) || !port || port > 65535) return problem(c, "bad port ", v) ;
      break ;
    case SMC_MECHS :
      if (!mechs(v)) return problem(c, "bad mechanisms: want a comma list of SCRAM-SHA-256 SCRAM-SHA-1 CRAM-MD5 PLAIN", "") ;
      break ;
    case SMC_CONFDIR : case SMC_CAFILE : case SMC_PWFILE : case SMC_DEAD :
      if (v[0] != '/') return problem(c, keys[k], " must be an absolute path") ;
      break ;
    case SMC_HOST : case SMC_HOSTNAME : case SMC_DEFDOMAIN :
      r = isdomain(v) ;
      if (r == TERN_TEMP) return -1 ;
      if (r != TERN_OK && !(k == SMC_HOST && strspn(v, "0123456789abcdefABCDEF.:") == strlen(v)))
        return problem(c, "bad domain ", v) ;
      break ;
    case SMC_FROM :
    {
      tern_addr a = TERN_ADDR_ZERO ;
      r = tern_addr_parse(&a, v, strlen(v), TERN_ADDR_UTF8) ;
      tern_addr_free(&a) ;
      if (r == TERN_TEMP) return -1 ;
      if (r != TERN_OK) return problem(c, "bad address ", v) ;
      break ;
    }
    default : break ;
  }
  c->off[k] = c->text.len + 1 ;
  return stralloc_catb(&c->text, v, strlen(v) + 1) ? 1 : -1 ;
}

/* One line, NUL-terminated in buf, its ends trimmed. */
static int oneline (smconf *c, char *buf, size_t len)
{
  size_t k = 0, i ;
  unsigned int key = 0 ;
  for (i = 0 ; i < len ; i++)
    if (((unsigned char)buf[i] < 32 && buf[i] != '\t') || buf[i] == 127) return problem(c, "control character", "") ;
  if (!len || buf[0] == '#') return 1 ;
  while (k < len && buf[k] != ' ' && buf[k] != '\t') k++ ;
  i = k ;
  while (i < len && (buf[i] == ' ' || buf[i] == '\t')) i++ ;
  buf[k] = 0 ;
  while (key < SMC_N && strcmp(keys[key], buf)) key++ ;
  if (key == SMC_N) return problem(c, "unknown key ", buf) ;
  if (c->off[key]) return problem(c, "repeated key ", buf) ;
  if (i == len) return problem(c, "missing value for ", buf) ;
  return value(c, key, buf + i) ;
}

/* The whole file's consistency. */
static int whole (smconf *c)
{
  char const *mode = sm_conf(c, SMC_MODE) ;
  c->line = 0 ;
  if (!(sm_conf(c, SMC_USER) != 0) != !(sm_conf(c, SMC_PWFILE) != 0)) return problem(c, "username and password-file go together", "") ;
  if (sm_conf(c, SMC_MECHS) && !sm_conf(c, SMC_USER)) return problem(c, "mechanisms needs username", "") ;
  if (mode && !strcmp(mode, "submit") && !sm_conf(c, SMC_HOST)) return problem(c, "mode submit needs host", "") ;
  return 1 ;
}

int sm_conf_parse (smconf *c, char const *s, size_t len)
{
  char buf[LINEMAX + 1] ;
  size_t pos = 0 ;
  c->line = 0 ;
  while (pos < len)
  {
    char const *nl = memchr(s + pos, '\n', len - pos) ;
    size_t raw = nl ? (size_t)(nl - (s + pos)) : len - pos, l = raw, b = 0 ;
    int r ;
    c->line++ ;
    if (l > LINEMAX) return problem(c, "line too long", "") ;
    if (memchr(s + pos, 0, l)) return problem(c, "NUL byte", "") ;
    while (b < l && (s[pos + b] == ' ' || s[pos + b] == '\t')) b++ ;
    memcpy(buf, s + pos + b, l - b) ;
    l -= b ;
    while (l && (buf[l - 1] == ' ' || buf[l - 1] == '\t' || buf[l - 1] == '\r')) l-- ;
    buf[l] = 0 ;
    r = oneline(c, buf, l) ;
    if (r <= 0) return r ;
    pos += raw + 1 ;
  }
  return whole(c) ;
}

char const *sm_conf (smconf const *c, unsigned int k)
{
  return k < SMC_N && c->off[k] ? c->text.s + c->off[k] - 1 : 0 ;
}
