/* tern-smtp-out-hosts.c: the addresses one attempt connects to: an
   address literal, the MX hosts and their IPs (tern-dns mx), or the
   relay's or proxy's name (tern-dns ip).  DNS is tern-dns's, a child. */
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>
#include <skalibs/ip46.h>
#include <skalibs/bytestr.h>
#include <skalibs/stralloc.h>
#include "tern.h"
#include "tern_dnsrun.h"
#include "tern_addr.h"
#include "tern_log.h"
#include "tern-smtp-out.h"

/* the domain of the recipients, which must all share it; 0 if not */
static char const *domainof (sout const *o)
{
  char const *d = 0 ;
  for (unsigned int i = 0 ; i < o->n ; i++)
  {
    char const *at = strrchr(o->r[i].addr, '@') ;
    if (!at || !at[1] || (d && strcasecmp(d, at + 1))) return 0 ;
    d = at + 1 ;
  }
  return d ;
}

/* tern-dns output lines into hosts (in place); count */
static unsigned int parse (stralloc *sa, sohost *h, int withhosts)
{
  unsigned int n = 0, first = 0 ;
  char const *name = 0 ;
  size_t i = 0 ;
  if (!stralloc_0(sa)) return 0 ;
  while (i < sa->len - 1 && n < SO_HOSTS)
  {
    char *s = sa->s + i ;
    size_t len = byte_chr(s, sa->len - 1 - i, '\n') ;
    s[len] = 0 ;
    i += len + 1 ;
    if (withhosts && !strncmp(s, "host ", 5))
    {
      char *sp = strchr(s + 5, ' ') ;
      name = sp ? sp + 1 : 0 ;
      first = n ;
    }
    else if (!strncmp(s, "ip ", 3))
    {
      h[n].name = name ; h[n].ip = s + 3 ; h[n].nip = 0 ; n++ ;
      for (unsigned int j = first ; j < n ; j++) h[j].nip = n - first ;
    }
  }
  return n ;
}

/* an IP address, or the addresses of a name */
static char lookup (char const *host, stralloc *sa, sohost *h, unsigned int *n, char *buf)
{
  ip46 a ;
  int r ;
  if (ip46_scan(host, &a) == strlen(host))
  {
    h[0].name = 0 ; h[0].ip = host ; h[0].nip = 1 ; *n = 1 ;
    return 0 ;
  }
  r = tern_dns_run("ip", host, 0, sa) ;
  if (!r && (*n = parse(sa, h, 0))) { for (unsigned int i = 0 ; i < *n ; i++) h[i].name = host ; return 0 ; }
  so_fail(buf, "451 4.4.3", "no address for ", host) ;
  return 't' ;
}

char so_proxy (sout *o, stralloc *sa, char *buf)
{
  sohost h[SO_HOSTS] ;
  unsigned int n ;
  char r = lookup(o->host, sa, h, &n, buf) ;
  if (!r) o->host = h[0].ip ;
  return r ;
}

char so_hosts (sout *o, stralloc *sa, sohost *h, unsigned int *n, char *buf)
{
  char const *d ;
  size_t len ;
  int r ;
  if (o->method != M_DIRECT && o->method != M_SOCKS) return lookup(o->host, sa, h, n, buf) ;
  d = domainof(o) ;
  if (!d) { so_fail(buf, "451 4.3.0", "recipients not in one domain", 0) ; return 't' ; }
  len = strlen(d) ;
  if (d[0] == '[' && d[len - 1] == ']')
  {
    char *ip = (char *)d + 1 ;
    unsigned char a[16] ;
    int v6 = !strncasecmp(ip, "IPv6:", 5) ;
    if (v6) ip += 5 ;
    if (!stralloc_copyb(sa, ip, d + len - 1 - ip) || !stralloc_0(sa)) { so_fail(buf, "451 4.3.0", "out of memory", 0) ; return 't' ; }
    if (inet_pton(v6 ? AF_INET6 : AF_INET, sa->s, a) != 1) { so_fail(buf, "553 5.1.2", "bad address literal ", d) ; return 'p' ; }
    h[0].name = 0 ; h[0].ip = sa->s ; h[0].nip = 1 ; *n = 1 ;
    return 0 ;
  }
  r = tern_dns_run("mx", d, 0, sa) ;
  if (!r && (*n = parse(sa, h, 1))) return 0 ;
  if (r == 100 && sa->len >= 6 && !memcmp(sa->s + sa->len - 6, "\nnull\n", 6))
  {
    /* RFC 7505 4.2: a null MX is 556 5.1.10 (not the 5.4.4 of no host) */
    so_fail(buf, "556 5.1.10", "the domain does not accept mail (null MX): ", d) ;
    return 'p' ;
  }
  so_fail(buf, r == 100 ? "554 5.4.4" : "451 4.4.3", r == 100 ? "no mail host for " : "DNS lookup failed for ", d) ;
  return r == 100 ? 'p' : 't' ;
}

/* the log form of a domain or host name (REFERENCE.md 12): "U-label/A-label"
   for IDN, else as it is */
int so_logdomain (stralloc *sa, char const *d)
{
  stralloc a = STRALLOC_ZERO, u = STRALLOC_ZERO ;
  int ok ;
  sa->len = 0 ;
  if (tern_domain_parse(&a, &u, d, strlen(d)) == TERN_OK && stralloc_0(&a) && stralloc_0(&u))
    ok = tern_domain_logfmt(sa, a.s, u.s) ;
  else ok = stralloc_cats(sa, d) ;
  stralloc_free(&a) ; stralloc_free(&u) ;
  return ok && stralloc_0(sa) ;
}

/* the log form of an address, or the address as it is if it does not parse */
int so_logaddr (stralloc *sa, char const *s)
{
  tern_addr a = TERN_ADDR_ZERO ;
  int ok ;
  sa->len = 0 ;
  if (tern_addr_parse(&a, s, strlen(s), TERN_ADDR_UTF8) == TERN_OK) ok = tern_addr_logfmt(sa, &a) ;
  else ok = stralloc_cats(sa, s) ;
  tern_addr_free(&a) ;
  return ok && stralloc_0(sa) ;
}

/* one line for an address that failed, and why (the made-up or the
   server's reply in o->mreply) */
void so_logfail (sout const *o, sohost const *h)
{
  stralloc d = STRALLOC_ZERO, n = STRALLOC_ZERO ;
  char const *dom = domainof(o) ;
  char const *name = h->name ? h->name : o->method == M_DIRECT || o->method == M_SOCKS ? 0 : o->host ;
  if ((!dom || so_logdomain(&d, dom)) && (!name || so_logdomain(&n, name)))
    tern_log_warn("address-failed", "domain", dom ? d.s : "", "host", name ? n.s : "", "ip", h->ip, "reply", o->mreply, TERN_LOG_END) ;
  stralloc_free(&d) ; stralloc_free(&n) ;
}
