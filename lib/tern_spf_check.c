/* tern_spf_check: RFC 7208 check_host() over a caller's DNS (tern-dns
   output): the record, its terms checked first, then evaluated in order,
   then redirect=; at most 10 DNS-querying terms and 2 void lookups. */
#include <string.h>
#include <strings.h>
#include <skalibs/fmtscan.h>
#include <skalibs/bytestr.h>
#include "tern.h"
#include "tern_spf.h"

#define MAXTERMS 128
#define NOMATCH -1
#define MATCH -2

static int why (tern_spf *s, int r, char const *a, char const *b, size_t blen)
{
  size_t n = strlen(a) ;
  if (n > sizeof s->why - 1) n = sizeof s->why - 1 ;
  memcpy(s->why, a, n) ;
  if (blen > sizeof s->why - 1 - n) blen = sizeof s->why - 1 - n ;
  memcpy(s->why + n, b, blen) ;
  s->why[n + blen] = 0 ;
  return r ;
}

int tern_spf_isrecord (char const *s, size_t len)
{
  return len >= 6 && !strncasecmp(s, "v=spf1", 6) && (len == 6 || s[6] == ' ') ;
}

/* the first bits of a and b are equal */
static int inrange (char const *a, char const *b, unsigned int bits)
{
  unsigned int whole = bits / 8, rest = bits % 8 ;
  if (memcmp(a, b, whole)) return 0 ;
  return !rest || !((a[whole] ^ b[whole]) & (0xff00 >> rest)) ;
}

/* Some "ip ADDR" line of out (tern-dns) in the client's network. */
static int anyip (tern_spf const *s, stralloc const *out, tern_spf_term const *t, int only4)
{
  for (size_t i = 0 ; i < out->len ;)
  {
    size_t n = byte_chr(out->s + i, out->len - i, '\n') ;
    char line[80], ip[16] ;
    if (n > 3 && n < sizeof line && !memcmp(out->s + i, "ip ", 3))
    {
      int v6 ;
      memcpy(line, out->s + i + 3, n - 3) ;
      line[n - 3] = 0 ;
      v6 = !!strchr(line, ':') ;
      if ((v6 ? ip6_scan(line, ip) : ip4_scan(line, ip)) == n - 3 && !(only4 && v6)
       && (only4 || (v6 == s->is6 && inrange(ip, s->ip, v6 ? t->cidr6 : t->cidr4)))) return 1 ;
    }
    i += n + 1 ;
  }
  return 0 ;
}

static int hasline (stralloc const *sa, char const *line)
{
  size_t n = strlen(line) ;
  for (size_t i = 0 ; i < sa->len ;)
  {
    size_t k = byte_chr(sa->s + i, sa->len - i, '\n') ;
    if (k == n && !memcmp(sa->s + i, line, n)) return 1 ;
    i += k + 1 ;
  }
  return 0 ;
}

/* One DNS-querying term's lookup: counted, voids counted. */
static int lookup (tern_spf *s, char const *cmd, char const *name, stralloc *out, int *r)
{
  out->len = 0 ;
  *r = s->dns(s->ctx, cmd, name, out) ;
  if (*r == TERN_TEMP) return why(s, TERN_SPF_TEMPERROR, "DNS failure looking up ", name, strlen(name)) ;
  if ((*r == TERN_PERM || !out->len) && ++s->voids > TERN_SPF_MAXVOIDS)
    return why(s, TERN_SPF_PERMERROR, "more than 2 void DNS lookups, at ", name, strlen(name)) ;
  return NOMATCH ;
}

static int check (tern_spf *s, char const *domain) ;

/* A mechanism: MATCH, NOMATCH, or a TERN_SPF_*ERROR result. */
static int mechanism (tern_spf *s, char const *domain, tern_spf_term const *t, char const *target)
{
  stralloc out = STRALLOC_ZERO ;
  int r, d, res = NOMATCH ;
  switch (t->kind)
  {
    case TERN_SPFT_ALL : return MATCH ;
    case TERN_SPFT_IP4 : return !s->is6 && inrange(t->ip, s->ip, t->cidr4) ? MATCH : NOMATCH ;
    case TERN_SPFT_IP6 : return s->is6 && inrange(t->ip, s->ip, t->cidr6) ? MATCH : NOMATCH ;
    default : break ;
  }
  if (++s->lookups > TERN_SPF_MAXLOOKUPS) return why(s, TERN_SPF_PERMERROR, "more than 10 DNS lookups, at ", domain, strlen(domain)) ;
  switch (t->kind)
  {
    case TERN_SPFT_INCLUDE :
      d = check(s, target) ;
      res = d == TERN_SPF_PASS ? MATCH : d == TERN_SPF_TEMPERROR || d == TERN_SPF_PERMERROR ? d
        : d == TERN_SPF_NONE ? why(s, TERN_SPF_PERMERROR, "no SPF record at included ", target, strlen(target)) : NOMATCH ;
      break ;
    case TERN_SPFT_A : case TERN_SPFT_EXISTS :
      res = lookup(s, "ip", target, &out, &r) ;
      if (res == NOMATCH && r == TERN_OK && anyip(s, &out, t, t->kind == TERN_SPFT_EXISTS)) res = MATCH ;
      break ;
    case TERN_SPFT_MX :
      res = lookup(s, "mx", target, &out, &r) ;
      if (res != NOMATCH || r != TERN_OK || hasline(&out, "implicit")) break ;
      {
        unsigned int nh = 0 ;
        for (size_t i = 0 ; i + 5 < out.len ; i++) nh += (!i || out.s[i - 1] == '\n') && !memcmp(out.s + i, "host ", 5) ;
        if (nh > 10) res = why(s, TERN_SPF_PERMERROR, "more than 10 MX hosts at ", target, strlen(target)) ;
        else if (anyip(s, &out, t, 0)) res = MATCH ;
      }
      break ;
    default : break ;  /* ptr: counted, never matches */
  }
  stralloc_free(&out) ;
  return res ;
}

/* The one SPF record of domain into rec; NOMATCH when found. */
static int record (tern_spf *s, char const *domain, stralloc *rec)
{
  stralloc out = STRALLOC_ZERO ;
  unsigned int n = 0 ;
  int r = s->dns(s->ctx, "txt", domain, &out), res = NOMATCH ;
  if (r == TERN_TEMP) res = why(s, TERN_SPF_TEMPERROR, "DNS failure looking up the SPF record of ", domain, strlen(domain)) ;
  else if (r != TERN_OK) res = why(s, TERN_SPF_NONE, "no SPF record at ", domain, strlen(domain)) ;
  else
    for (size_t i = 0 ; i < out.len ;)
    {
      size_t k = byte_chr(out.s + i, out.len - i, '\n') ;
      if (tern_spf_isrecord(out.s + i, k) && !n++ && !stralloc_copyb(rec, out.s + i, k))
        res = why(s, TERN_SPF_TEMPERROR, "out of memory", "", 0) ;
      i += k + 1 ;
    }
  if (res == NOMATCH && !n) res = why(s, TERN_SPF_NONE, "no SPF record at ", domain, strlen(domain)) ;
  if (res == NOMATCH && n > 1) res = why(s, TERN_SPF_PERMERROR, "more than one SPF record at ", domain, strlen(domain)) ;
  stralloc_free(&out) ;
  return res ;
}

/* The target of term t (its domain-spec expanded, or domain) in sa. */
static int target (tern_spf *s, char const *domain, tern_spf_term const *t, stralloc *sa)
{
  int r = TERN_OK ;
  size_t n ;
  sa->len = 0 ;
  if (t->spec) r = tern_spf_expand(s, domain, t->spec, t->speclen, sa) ;
  else if (!stralloc_cats(sa, domain)) r = TERN_TEMP ;
  if (r == TERN_OK && sa->len && sa->s[sa->len - 1] == '.') sa->len-- ;
  for (n = 0 ; r == TERN_OK && sa->len - n > 253 ;)  /* RFC 7208 7.3: drop labels on the left */
  {
    size_t k = byte_chr(sa->s + n, sa->len - n, '.') ;
    n += k < sa->len - n ? k + 1 : sa->len - n ;
  }
  if (r == TERN_OK && n) { memmove(sa->s, sa->s + n, sa->len - n) ; sa->len -= n ; }
  if (r == TERN_OK && !stralloc_0(sa)) r = TERN_TEMP ;
  if (r == TERN_OK && sa->len == 1) r = TERN_PERM ;
  if (r == TERN_PERM) return why(s, TERN_SPF_PERMERROR, "bad domain-spec in the SPF record of ", domain, strlen(domain)) ;
  if (r == TERN_TEMP) return why(s, TERN_SPF_TEMPERROR, "out of memory", "", 0) ;
  return NOMATCH ;
}

/* The record's terms: into t (their text in at/len); redirect's index. */
static int terms (tern_spf *s, char const *domain, stralloc const *rec, tern_spf_term *t, unsigned int *nt, int *redirect)
{
  *nt = 0 ; *redirect = -1 ;
  for (size_t i = 6 ; i < rec->len ;)
  {
    size_t n ;
    while (i < rec->len && rec->s[i] == ' ') i++ ;
    if (i == rec->len) break ;
    n = byte_chr(rec->s + i, rec->len - i, ' ') ;
    if (*nt == MAXTERMS) return why(s, TERN_SPF_PERMERROR, "too many terms in the SPF record of ", domain, strlen(domain)) ;
    if (!tern_spf_term_parse(rec->s + i, n, t + *nt)) return why(s, TERN_SPF_PERMERROR, "bad term in the SPF record: ", rec->s + i, n) ;
    if (t[*nt].kind == TERN_SPFT_REDIRECT)
    {
      if (*redirect >= 0) return why(s, TERN_SPF_PERMERROR, "two redirect= in the SPF record of ", domain, strlen(domain)) ;
      *redirect = (int)*nt ;
    }
    (*nt)++ ;
    i += n ;
  }
  return NOMATCH ;
}

static int check (tern_spf *s, char const *domain)
{
  stralloc rec = STRALLOC_ZERO, to = STRALLOC_ZERO ;
  tern_spf_term t[MAXTERMS] ;
  unsigned int nt = 0 ;
  int redirect, res = record(s, domain, &rec) ;
  if (res == NOMATCH) res = terms(s, domain, &rec, t, &nt, &redirect) ;
  for (unsigned int k = 0 ; res == NOMATCH && k < nt ; k++)
  {
    if (t[k].kind >= TERN_SPFT_REDIRECT) continue ;
    res = target(s, domain, t + k, &to) ;
    if (res == NOMATCH) res = mechanism(s, domain, t + k, to.s) ;
    if (res == MATCH)
    {
      res = t[k].qual == '-' ? TERN_SPF_FAIL : t[k].qual == '~' ? TERN_SPF_SOFTFAIL : t[k].qual == '?' ? TERN_SPF_NEUTRAL : TERN_SPF_PASS ;
      why(s, res, "matched a term of the SPF record of ", domain, strlen(domain)) ;
    }
  }
  if (res == NOMATCH && redirect >= 0)
  {
    res = ++s->lookups > TERN_SPF_MAXLOOKUPS ? why(s, TERN_SPF_PERMERROR, "more than 10 DNS lookups, at ", domain, strlen(domain))
      : target(s, domain, t + redirect, &to) ;
    if (res == NOMATCH && (res = check(s, to.s)) == TERN_SPF_NONE)
      res = why(s, TERN_SPF_PERMERROR, "no SPF record at the redirect= target ", to.s, strlen(to.s)) ;
  }
  if (res == NOMATCH) res = why(s, TERN_SPF_NEUTRAL, "no term matched in the SPF record of ", domain, strlen(domain)) ;
  stralloc_free(&rec) ; stralloc_free(&to) ;
  return res ;
}

int tern_spf_check (tern_spf *s, char const *domain)
{
  s->lookups = s->voids = 0 ;
  s->why[0] = 0 ;
  return check(s, domain) ;
}

char const *tern_spf_name (int r)
{
  static char const *const names[] = { "none", "neutral", "pass", "fail", "softfail", "temperror", "permerror" } ;
  return r >= 0 && r <= TERN_SPF_PERMERROR ? names[r] : "?" ;
}
