/* tern-dns-mx: the delivery hosts of a domain (RFC 5321 5.1, RFC 7505):
   MX records by preference, equal ones shuffled, each with its addresses;
   no MX means the domain itself; a lone "." MX means no mail. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <dns.h>
#include <ip4.h>
#include <ip6.h>
#include <fmt.h>
#include "tern-dns.h"

#define MAXHOSTS 64

typedef struct { unsigned int pref ; char const *name ; } mxhost ;

int dq_name (char **q, char const *s)
{
  size_t n = strlen(s), label = 0 ;
  if (!n || n > 253 || s[n - 1] == '.') { errno = EINVAL ; return 0 ; }
  for (size_t i = 0 ; i < n ; i++)
  {
    char c = s[i] ;
    if (c == '.') { if (!label) { errno = EINVAL ; return 0 ; } label = 0 ; continue ; }
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_')
     || ++label > 63) { errno = EINVAL ; return 0 ; }
  }
  return dns_domain_fromdot(q, s, n) ;
}

/* Append "ip ADDR\n" for each record of rec (4 or 16 bytes each). */
static int addrlines (stralloc *out, stralloc const *rec)
{
  for (size_t i = 0 ; i + 2 <= rec->len ; )
  {
    size_t n = ((unsigned char)rec->s[i] << 8) | (unsigned char)rec->s[i + 1] ;
    char fmt[FMT_IP6] ;
    size_t l = n == 4 ? fmt_ip4(fmt, rec->s + i + 2) : fmt_ip6(fmt, rec->s + i + 2) ;
    if (!stralloc_cats(out, "ip ") || !stralloc_catb(out, fmt, l) || !stralloc_cats(out, "\n")) return 0 ;
    i += 2 + n ;
  }
  return 1 ;
}

/* The AAAA lookup's deadline: half the time left (v6 lookups are the ones
   broken resolvers and middleboxes drop), the A lookup has the rest. */
static void halfway (struct taia *full)
{
  struct taia now, half ;
  *full = dq_deadline ;
  taia_now(&now) ;
  if (!taia_less(&now, full)) return ;
  taia_sub(&half, full, &now) ;
  taia_half(&half, &half) ;
  taia_add(&dq_deadline, &now, &half) ;
}

int dq_addrs (char **q, stralloc *out, int *v6err)
{
  stralloc r6 = { 0, 0, 0 }, r4 = { 0, 0, 0 } ;
  struct taia full ;
  char *q4 = 0 ;
  int a, b, n = 0 ;
  if (!dns_domain_copy(&q4, *q)) return DQ_TEMP ;
  if (v6err) halfway(&full) ;
  a = dq_lookup(q, DNS_T_AAAA, &r6) ;
  if (v6err) { dq_deadline = full ; *v6err = a == DQ_TEMP ? errno : 0 ; }
  b = (a == DQ_TEMP && !v6err) || a == DQ_LOOP ? a : dq_lookup(&q4, DNS_T_A, &r4) ;
  if (v6err && *v6err && b == DQ_FOUND) a = DQ_NODATA ;  /* the IPv4 addresses will do */
  if ((a == DQ_FOUND || b == DQ_FOUND) && (!addrlines(out, &r6) || !addrlines(out, &r4))) a = b = DQ_TEMP ;
  else n = (int)(r6.len / 18 + r4.len / 6) ;
  stralloc_free(&r6) ; stralloc_free(&r4) ; dns_domain_free(&q4) ;
  if (a == DQ_TEMP || b == DQ_TEMP) return DQ_TEMP ;
  if (a == DQ_LOOP || b == DQ_LOOP) return DQ_LOOP ;
  if (n) return n ;
  return a == DQ_NXDOMAIN && b == DQ_NXDOMAIN ? DQ_NXDOMAIN : 0 ;
}

/* Sort by preference (insertion sort: few records), then shuffle each run
   of equal preferences. */
static void order (mxhost *h, unsigned int n)
{
  for (unsigned int i = 1 ; i < n ; i++)
    for (unsigned int j = i ; j && h[j - 1].pref > h[j].pref ; j--)
    { mxhost t = h[j] ; h[j] = h[j - 1] ; h[j - 1] = t ; }
  for (unsigned int i = 0, j ; i < n ; i = j)
  {
    for (j = i + 1 ; j < n && h[j].pref == h[i].pref ; j++) ;
    for (unsigned int k = j - 1 ; k > i ; k--)
    {
      unsigned int r = i + dns_random(k - i + 1) ;
      mxhost t = h[k] ; h[k] = h[r] ; h[r] = t ;
    }
  }
}

/* The deadline of the next host's lookups: an equal share of what is
   left of the run among the left hosts (a host that answers at once
   leaves its share to the next ones). */
static void budget (unsigned int left)
{
  struct taia now, rest, per ;
  double s ;
  taia_now(&now) ;
  if (!taia_less(&now, &dq_total)) { dq_deadline = dq_total ; return ; }
  taia_sub(&rest, &dq_total, &now) ;
  s = taia_approx(&rest) / left ;
  taia_uint(&per, (unsigned int)s) ;
  per.nano = (uint32)((s - (unsigned int)s) * 1e9) ;
  taia_add(&dq_deadline, &now, &per) ;
}

/* Append "host PREF NAME" and its address lines for each host. */
static int hosts (mxhost *h, unsigned int n, stralloc *out, char const **why)
{
  int addrs = 0, temp = 0, v6err ;
  for (unsigned int i = 0 ; i < n ; i++)
  {
    char fmt[FMT_ULONG] ;
    char *q = 0 ;
    int r ;
    if (!stralloc_cats(out, "host ") || !stralloc_catb(out, fmt, fmt_ulong(fmt, h[i].pref))
     || !stralloc_cats(out, " ") || !stralloc_cats(out, h[i].name) || !stralloc_cats(out, "\n")) goto nomem ;
    if (!dns_domain_fromdot(&q, h[i].name, strlen(h[i].name))) goto nomem ;
    budget(n - i) ;
    r = dq_addrs(&q, out, &v6err) ;
    dns_domain_free(&q) ;
    if (r == DQ_TEMP) { temp = 1 ; dq_warnsys("temporary failure looking up the address of ", h[i].name) ; }
    else if (r > 0) addrs += r ;
    if (r != DQ_TEMP && v6err) { errno = v6err ; dq_warnsys("IPv4 only: temporary failure looking up the IPv6 address of ", h[i].name) ; }
  }
  if (addrs) return 0 ;
  *why = temp ? "temporary failure looking up the MX hosts' addresses" : "no MX host has an address" ;
  return temp ? 111 : 100 ;
 nomem:
  *why = "out of memory" ;
  return 111 ;
}

/* The MX records in rec into h (names NUL-terminated in names): count, or
   -1 on ENOMEM.  *nulls counts "." hosts, left out. */
static int parse (stralloc const *rec, stralloc *names, mxhost *h, unsigned int *nulls)
{
  size_t off[MAXHOSTS] ;
  unsigned int n = 0 ;
  for (size_t i = 0 ; i + 2 <= rec->len ; )
  {
    size_t len = ((unsigned char)rec->s[i] << 8) | (unsigned char)rec->s[i + 1] ;
    char const *p = rec->s + i + 2 ;
    i += 2 + len ;
    if (len == 3 && p[2] == '.') { (*nulls)++ ; continue ; }
    if (n == MAXHOSTS) continue ;
    h[n].pref = ((unsigned char)p[0] << 8) | (unsigned char)p[1] ;
    off[n++] = names->len ;
    if (!stralloc_catb(names, p + 2, len - 2) || !stralloc_0(names)) return -1 ;
  }
  for (unsigned int i = 0 ; i < n ; i++) h[i].name = names->s + off[i] ;
  return (int)n ;
}

int dq_mx (char const *domain, stralloc *out, char const **why)
{
  stralloc rec = { 0, 0, 0 }, names = { 0, 0, 0 } ;
  mxhost h[MAXHOSTS] ;
  unsigned int nulls = 0 ;
  char *q = 0 ;
  int n, r, code = 111, isnull = 0 ;
  *why = "out of memory" ;
  if (!dq_name(&q, domain))
  {
    if (errno == EINVAL) { *why = "bad domain name" ; return 100 ; }
    return 111 ;
  }
  r = dq_lookup(&q, DNS_T_MX, &rec) ;
  if (r == DQ_TEMP) { *why = "temporary DNS failure looking up MX" ; goto end ; }
  code = 100 ;
  if (r == DQ_NXDOMAIN) { *why = "domain does not exist" ; goto end ; }
  if (r == DQ_LOOP) { *why = "CNAME loop" ; goto end ; }
  code = 111 ;
  if (!stralloc_cats(out, "domain ") || !dq_todot(out, q) || !stralloc_cats(out, "\n")) goto end ;
  if (r == DQ_NODATA)
  {
    if (!stralloc_cats(out, "implicit\n") || !dq_todot(&names, q) || !stralloc_0(&names)) goto end ;
    h[0].pref = 0 ; h[0].name = names.s ; n = 1 ;
  }
  else if ((n = parse(&rec, &names, h, &nulls)) < 0) goto end ;
  code = 100 ;
  if (!n)
  {
    *why = nulls ? "domain does not accept email (null MX)" : "no valid MX record" ;
    if (nulls && !(isnull = stralloc_cats(out, "null\n"))) code = 111 ;
    goto end ;
  }
  order(h, (unsigned int)n) ;
  code = hosts(h, (unsigned int)n, out, why) ;
  if (code == 100 && r == DQ_NODATA) *why = "domain has neither MX nor address record" ;
 end:
  if (code && !isnull) out->len = 0 ;  /* only a null MX prints on failure */
  stralloc_free(&rec) ; stralloc_free(&names) ; dns_domain_free(&q) ;
  return code ;
}
