/* tern_cred_parse: read a credentials file (format in tern_cred.h).
   Strict: single spaces, exact key lengths, bounded salts and iterations. */
#include <errno.h>
#include <string.h>
#include "tern_crypto.h"
#include "tern_cred.h"

/* Splits line into at most max space-separated fields; returns the count,
   or max + 1 if there are more. */
static unsigned int split (char const *s, size_t len, char const **f, size_t *fl, unsigned int max)
{
  unsigned int n = 0 ;
  size_t start = 0 ;
  for (size_t i = 0 ; i <= len ; i++)
  {
    if (i < len && s[i] != ' ') continue ;
    if (n == max) return max + 1 ;
    f[n] = s + start ; fl[n++] = i - start ;
    start = i + 1 ;
  }
  return n ;
}

static int number (char const *s, size_t len, unsigned long *u)
{
  unsigned long v = 0 ;
  if (!len || len > 7 || s[0] == '0') return 0 ;
  for (size_t i = 0 ; i < len ; i++)
  {
    if (s[i] < '0' || s[i] > '9') return 0 ;
    v = v * 10 + (s[i] - '0') ;
  }
  if (v > TERN_CRED_ITERMAX) return 0 ;
  *u = v ;
  return 1 ;
}

static int key (unsigned char *out, size_t want, char const *s, size_t len)
{
  size_t n ;
  return tern_b64_decode(out, want, &n, s, len) && n == want ;
}

static int scram (tern_cred_scram *k, size_t hlen, char const **f, size_t *fl, unsigned int n)
{
  return n == 5 && number(f[1], fl[1], &k->iter)
    && tern_b64_decode(k->salt, TERN_CRED_SALTMAX, &k->saltlen, f[2], fl[2]) && k->saltlen
    && key(k->stored, hlen, f[3], fl[3]) && key(k->server, hlen, f[4], fl[4]) ;
}

static int line (tern_cred *c, char const *s, size_t len)
{
  char const *f[6] ;
  size_t fl[6] ;
  unsigned int n = split(s, len, f, fl, 5) ;
  unsigned int bit ;
  int ok ;
  if (fl[0] == 13 && !memcmp(f[0], "scram-sha-256", 13))
    bit = TERN_CRED_S256, ok = scram(&c->s256, 32, f, fl, n) ;
  else if (fl[0] == 11 && !memcmp(f[0], "scram-sha-1", 11))
    bit = TERN_CRED_S1, ok = scram(&c->s1, 20, f, fl, n) ;
  else if (fl[0] == 8 && !memcmp(f[0], "cram-md5", 8))
    bit = TERN_CRED_CRAM, ok = n == 3 && fl[1] == 32 && fl[2] == 32
      && tern_hex_scan(c->cram_i, 16, f[1]) && tern_hex_scan(c->cram_o, 16, f[2]) ;
  else return 1 ;
  if (!ok || c->has & bit) return 0 ;
  c->has |= bit ;
  return 1 ;
}

int tern_cred_parse (char const *s, size_t len, tern_cred *c)
{
  static char const head[] = "tern-credentials 1\n" ;
  size_t i = sizeof head - 1 ;
  memset(c, 0, sizeof *c) ;
  if (len > TERN_CRED_FILEMAX || len < i || memcmp(s, head, i)) goto bad ;
  while (i < len)
  {
    char const *nl = memchr(s + i, '\n', len - i) ;
    size_t l ;
    if (!nl) goto bad ;
    l = nl - (s + i) ;
    if (memchr(s + i, 0, l) || !line(c, s + i, l)) goto bad ;
    i += l + 1 ;
  }
  return 1 ;
 bad:
  memset(c, 0, sizeof *c) ;
  return (errno = EPROTO, 0) ;
}
