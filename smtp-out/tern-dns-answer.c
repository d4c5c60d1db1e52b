/* tern-dns-answer: read a DNS answer for one type (hostile input: every
   offset is checked by libowfat's dns_packet_* or here), following the
   CNAME chain it holds. */
#include <errno.h>
#include <string.h>
#include <dns.h>
#include "tern-dns.h"

int dq_todot (stralloc *out, char const *d)
{
  size_t start = out->len ;
  if (!dns_domain_todot_cat(out, d)) return 0 ;
  for (size_t i = start ; i < out->len ; i++)
    if (out->s[i] >= 'A' && out->s[i] <= 'Z') out->s[i] += 'a' - 'A' ;
  return 1 ;
}

/* Append one record (rdata at pos, rdlen bytes) of type t to out. */
static int extract (char const *buf, unsigned int len, unsigned int pos, unsigned int rdlen, char const *t, stralloc *out)
{
  size_t start = out->len ;
  char *d = 0 ;
  if (!stralloc_catb(out, "\0\0", 2)) return 0 ;
  if (!memcmp(t, DNS_T_MX, 2) || !memcmp(t, DNS_T_PTR, 2))
  {
    int mx = !memcmp(t, DNS_T_MX, 2) ;
    if (mx && rdlen < 3) { out->len = start ; return 1 ; }
    if (mx && !stralloc_catb(out, buf + pos, 2)) return 0 ;
    if (!dns_packet_getname(buf, len, pos + (mx ? 2 : 0), &d)) { out->len = start ; return 1 ; }
    if (!dq_todot(out, d)) { dns_domain_free(&d) ; return 0 ; }
    dns_domain_free(&d) ;
  }
  else if (!memcmp(t, DNS_T_TXT, 2))
  {
    for (unsigned int i = 0 ; i < rdlen ; )
    {
      unsigned int n = (unsigned char)buf[pos + i] ;
      if (i + 1 + n > rdlen) { out->len = start ; return 1 ; }
      if (!stralloc_catb(out, buf + pos + i + 1, n)) return 0 ;
      i += 1 + n ;
    }
  }
  else if (rdlen != (memcmp(t, DNS_T_A, 2) ? 16u : 4u)) { out->len = start ; return 1 ; }
  else if (!stralloc_catb(out, buf + pos, rdlen)) return 0 ;
  if (out->len - start - 2 > 65535) { out->len = start ; return 1 ; }
  out->s[start] = (char)((out->len - start - 2) >> 8) ;
  out->s[start + 1] = (char)(out->len - start - 2) ;
  return 1 ;
}

/* One pass over the answers: records of type t owned by cur into out
   (returns how many), and in *cname the target of a CNAME owned by cur.
   -1 on a malformed packet or ENOMEM. */
static int scan (char const *buf, unsigned int len, char const *cur, char const *t, stralloc *out, char **cname)
{
  char hdr[12], rr[10] ;
  char *owner = 0 ;
  unsigned int pos = dns_packet_copy(buf, len, 0, hdr, 12), qd, an ;
  int n = 0 ;
  if (!pos) return -1 ;
  qd = ((unsigned char)hdr[4] << 8) | (unsigned char)hdr[5] ;
  an = ((unsigned char)hdr[6] << 8) | (unsigned char)hdr[7] ;
  while (qd--) { pos = dns_packet_skipname(buf, len, pos) ; if (!pos || pos + 4 > len) return -1 ; pos += 4 ; }
  while (an--)
  {
    unsigned int rdlen ;
    pos = dns_packet_getname(buf, len, pos, &owner) ;
    if (!pos) goto bad ;
    pos = dns_packet_copy(buf, len, pos, rr, 10) ;
    if (!pos) goto bad ;
    rdlen = ((unsigned char)rr[8] << 8) | (unsigned char)rr[9] ;
    if (rdlen > len - pos) goto bad ;
    if (!memcmp(rr + 2, DNS_C_IN, 2) && dns_domain_equal(owner, cur))
    {
      if (!memcmp(rr, t, 2)) { size_t l = out->len ; if (!extract(buf, len, pos, rdlen, t, out)) goto bad ; n += out->len > l ; }
      else if (!memcmp(rr, DNS_T_CNAME, 2) && !*cname && !dns_packet_getname(buf, len, pos, cname)) goto bad ;
    }
    pos += rdlen ;
  }
  dns_domain_free(&owner) ;
  return n ;
 bad:
  dns_domain_free(&owner) ;
  errno = EPROTO ;
  return -1 ;
}

int dq_answer (char const *buf, unsigned int len, char const *t, char **q, stralloc *out, unsigned int *hops)
{
  size_t start = out->len ;
  int nx ;
  if (len < 12) { errno = EPROTO ; return DQ_TEMP ; }
  nx = (buf[3] & 15) == 3 ;
  for (int moved = 0 ;; moved = 1)
  {
    char *cname = 0 ;
    int n = scan(buf, len, *q, t, out, &cname) ;
    if (n < 0) out->len = start ;
    if (n) { dns_domain_free(&cname) ; return n < 0 ? DQ_TEMP : DQ_FOUND ; }
    if (!cname) return moved ? DQ_AGAIN : nx ? DQ_NXDOMAIN : DQ_NODATA ;
    if (++*hops > 16) { dns_domain_free(&cname) ; return DQ_LOOP ; }
    dns_domain_free(q) ;
    *q = cname ;
  }
}
