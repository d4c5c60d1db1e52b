/* tern-dnscheck-spf.c: the mx and spf checks of tern-dnscheck: MX
   records exist; one SPF record, which every socks transport's remote
   IP passes (lib's tern_spf over tern-dns). */
#include <string.h>
#include <skalibs/strerr.h>
#include <skalibs/bytestr.h>
#include <skalibs/fmtscan.h>
#include "tern.h"
#include "tern_spf.h"
#include "tern-dnscheck.h"

static void record (dc *d, char const *name, char const *type, char const *value, int quote, stralloc *sa)
{
  sa->len = 0 ;
  if (!stralloc_cats(sa, name) || !stralloc_cats(sa, ". ") || !stralloc_cats(sa, type) || !stralloc_cats(sa, quote ? " \"" : " ")
   || !stralloc_cats(sa, value) || !stralloc_cats(sa, quote ? "\"" : "") || !stralloc_0(sa)) strerr_diefusys(111, "allocate") ;
  (void)d ;
}

void dc_mx (dc *d)
{
  stralloc out = STRALLOC_ZERO, rec = STRALLOC_ZERO, v = STRALLOC_ZERO ;
  char const *l ;
  size_t n ;
  int r = dc_dns(d, "mx", d->domain, &out), implicit = 0 ;
  if (r == TERN_TEMP) return ;
  for (unsigned int i = 0 ; dc_line(&out, i, &l, &n) ; i++) implicit |= n == 8 && !memcmp(l, "implicit", 8) ;
  if (!stralloc_cats(&v, "10 ") || !stralloc_cats(&v, d->hostname) || !stralloc_cats(&v, ".") || !stralloc_0(&v)) strerr_diefusys(111, "allocate") ;
  record(d, d->domain, "MX", v.s, 0, &rec) ;
  if (r == TERN_PERM) dc_problem(d, "mx", "no usable MX record for ", d->domain, " (none, null MX, or no MX host with an address)", rec.s) ;
  else if (implicit) dc_problem(d, "mx", "no MX record for ", d->domain, ": only its address record takes mail", rec.s) ;
  stralloc_free(&out) ; stralloc_free(&rec) ; stralloc_free(&v) ;
}

static int dns (void *ctx, char const *cmd, char const *name, stralloc *out)
{
  return dc_dns(ctx, cmd, name, out) ;
}

/* s has the term t (" ip4:...") followed by a space or its end */
static int has (char const *s, size_t len, char const *t, size_t tl)
{
  for (size_t i = 0 ; i + tl <= len ; i++)
    if (!memcmp(s + i, t, tl) && (i + tl == len || s[i + tl] == ' ')) return 1 ;
  return 0 ;
}

/* the record to publish: the current one (or "v=spf1 mx -all") with
   ip4:/ip6: terms for the socks IPs it lacks, after v=spf1 */
static void suggest (dc *d, char const *cur, size_t curlen, stralloc *sa)
{
  stralloc v = STRALLOC_ZERO ;
  if (!curlen) { cur = "v=spf1 mx -all" ; curlen = 14 ; }
  if (!stralloc_catb(&v, cur, 6)) strerr_diefusys(111, "allocate") ;
  for (unsigned int i = 0 ; i < d->nsocks ; i++)
    for (char const *s = d->socks[i].ips ; *s ;)
    {
      size_t n = str_chr(s, ',') ;
      char term[80] ;
      size_t tl = 0 ;
      memcpy(term, memchr(s, ':', n) ? " ip6:" : " ip4:", 5) ; tl = 5 ;
      if (n < sizeof term - tl) { memcpy(term + tl, s, n) ; tl += n ; }
      if (!has(cur, curlen, term, tl) && !has(v.s, v.len, term, tl) && !stralloc_catb(&v, term, tl)) strerr_diefusys(111, "allocate") ;
      s += n + !!s[n] ;
    }
  if (!stralloc_catb(&v, cur + 6, curlen - 6) || !stralloc_0(&v)) strerr_diefusys(111, "allocate") ;
  record(d, d->domain, "TXT", v.s, 1, sa) ;
  stralloc_free(&v) ;
}

/* each socks IP must pass; problems for those that do not */
static void socksips (dc *d, stralloc *rec)
{
  for (unsigned int i = 0 ; i < d->nsocks ; i++)
    for (char const *s = d->socks[i].ips ; *s ;)
    {
      size_t n = str_chr(s, ',') ;
      char ip[64] ;
      tern_spf spf = TERN_SPF_ZERO ;
      int r ;
      if (n >= sizeof ip) n = sizeof ip - 1 ;
      memcpy(ip, s, n) ; ip[n] = 0 ;
      s += n + !!s[n] ;
      spf.dns = &dns ; spf.ctx = d ; spf.helo = d->domain ;
      {
        char sender[11 + strlen(d->domain) + 1] ;
        memcpy(sender, "postmaster@", 11) ; strcpy(sender + 11, d->domain) ;
        spf.sender = sender ;
        spf.is6 = !!strchr(ip, ':') ;
        if ((spf.is6 ? ip6_scan(ip, spf.ip) : ip4_scan(ip, spf.ip)) != n) continue ;
        r = tern_spf_check(&spf, d->domain) ;
      }
      if (r == TERN_SPF_PASS || r == TERN_SPF_TEMPERROR) continue ;
      {
        stralloc t = STRALLOC_ZERO ;
        if (!stralloc_cats(&t, ip) || !stralloc_cats(&t, " (socks transport ") || !stralloc_cats(&t, d->socks[i].name)
         || !stralloc_cats(&t, ") gets ") || !stralloc_cats(&t, tern_spf_name(r)) || !stralloc_cats(&t, " from the SPF record of ")
         || !stralloc_cats(&t, d->domain) || !stralloc_cats(&t, ": ") || !stralloc_cats(&t, spf.why) || !stralloc_0(&t))
          strerr_diefusys(111, "allocate") ;
        dc_problem(d, "spf", t.s, "", "", rec->s) ;
        stralloc_free(&t) ;
      }
    }
}

void dc_spf (dc *d)
{
  stralloc out = STRALLOC_ZERO, rec = STRALLOC_ZERO ;
  char const *l, *cur = "" ;
  size_t n, curlen = 0 ;
  unsigned int nrec = 0 ;
  int r = dc_dns(d, "txt", d->domain, &out) ;
  if (r == TERN_TEMP) return ;
  for (unsigned int i = 0 ; dc_line(&out, i, &l, &n) ; i++)
    if (tern_spf_isrecord(l, n) && !nrec++) { cur = l ; curlen = n ; }
  suggest(d, nrec == 1 ? cur : "", nrec == 1 ? curlen : 0, &rec) ;
  if (!nrec) dc_problem(d, "spf", "no SPF record (TXT v=spf1) for ", d->domain, "", rec.s) ;
  else if (nrec > 1) dc_problem(d, "spf", "more than one SPF record for ", d->domain, ": there must be one", rec.s) ;
  else socksips(d, &rec) ;
  stralloc_free(&out) ; stralloc_free(&rec) ;
}
