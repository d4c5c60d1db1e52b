/* tern-dns-cmds: the ip, txt and ptr commands of tern-dns. */
#include <errno.h>
#include <string.h>
#include <dns.h>
#include <ip4.h>
#include <ip6.h>
#include "tern-dns.h"

/* Records of type t (PTR or TXT) of wire name q, one a line. */
static void records (char **q, char const *t, char const *what, stralloc *out)
{
  stralloc rec = { 0, 0, 0 } ;
  int r = dq_lookup(q, t, &rec) ;
  if (r == DQ_TEMP) dq_diesys("unable to look up ", what) ;
  if (r == DQ_NXDOMAIN) dq_die(100, "no such name: ", what) ;
  if (r == DQ_LOOP) dq_die(100, "CNAME loop: ", what) ;
  for (size_t i = 0 ; i + 2 <= rec.len ; )
  {
    size_t n = ((unsigned char)rec.s[i] << 8) | (unsigned char)rec.s[i + 1] ;
    for (size_t j = i + 2 ; j < i + 2 + n ; j++)
    {
      unsigned char c = (unsigned char)rec.s[j] ;
      char o[4] = { '\\', (char)('0' + (c >> 6)), (char)('0' + ((c >> 3) & 7)), (char)('0' + (c & 7)) } ;
      if (!(c < 32 || c > 126 || c == '\\' ? stralloc_catb(out, o, 4) : stralloc_catb(out, (char *)&c, 1)))
        dq_diesys("unable to ", "allocate") ;
    }
    if (!stralloc_cats(out, "\n")) dq_diesys("unable to ", "allocate") ;
    i += 2 + n ;
  }
  stralloc_free(&rec) ;
}

/* 4 or 16 if s is an IPv4 or IPv6 address (into ip), else 0. */
static int ipaddr (char const *s, char ip[16])
{
  size_t n = strlen(s) ;
  if (n && scan_ip4(s, ip) == n) return 4 ;
  if (n && strchr(s, ':') && scan_ip6(s, ip) == n) return 16 ;
  return 0 ;
}

/* "ip": the addresses of a host, or an IP address as is. */
void dq_ip (char const *name, stralloc *out)
{
  char ip[16], fmt[FMT_IP6] ;
  char *q = 0 ;
  int n = ipaddr(name, ip), r ;
  if (n)
  {
    size_t l = n == 4 ? fmt_ip4(fmt, ip) : fmt_ip6(fmt, ip) ;
    if (!stralloc_cats(out, "ip ") || !stralloc_catb(out, fmt, l) || !stralloc_cats(out, "\n")) dq_diesys("unable to ", "allocate") ;
    return ;
  }
  if (!dq_name(&q, name)) { if (errno == EINVAL) dq_die(100, "bad name: ", name) ; dq_diesys("unable to ", "allocate") ; }
  r = dq_addrs(&q, out, 0) ;
  dns_domain_free(&q) ;
  if (r == DQ_TEMP) dq_diesys("unable to look up ", name) ;
  if (r == DQ_LOOP) dq_die(100, "CNAME loop: ", name) ;
  if (r <= 0) dq_die(100, r == DQ_NXDOMAIN ? "no such name: " : "no address for ", name) ;
}

void dq_txt (char const *name, int ptr, stralloc *out)
{
  char *q = 0 ;
  if (ptr)
  {
    char d[DNS_NAME6_DOMAIN], ip[16] ;
    int n = ipaddr(name, ip) ;
    if (n == 4) dns_name4_domain(d, ip) ;
    else if (n == 16) dns_name6_domain(d, ip) ;
    else dq_die(100, "bad IP address: ", name) ;
    if (!dns_domain_copy(&q, d)) dq_diesys("unable to ", "allocate") ;
  }
  else if (!dq_name(&q, name)) { if (errno == EINVAL) dq_die(100, "bad name: ", name) ; dq_diesys("unable to ", "allocate") ; }
  records(&q, ptr ? DNS_T_PTR : DNS_T_TXT, name, out) ;
  dns_domain_free(&q) ;
}
