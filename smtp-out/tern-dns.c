/* tern-dns: DNS lookups for delivery (tern-dns.8), the one program linked
   with libowfat (never with skalibs or libtern).
   usage: tern-dns [ -t seconds ] mx|ip|txt|ptr NAME
   stdout: result lines.  exit: 0 printed, 100 permanent, 111 temporary. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <dns.h>
#include <ip4.h>
#include <ip6.h>
#include <scan.h>
#include "tern-dns.h"

#define USAGE "tern-dns [ -t seconds ] mx|ip|txt|ptr name"

/* One line on stderr: "tern-dns: " then the parts. */
static void put (char const *a, char const *b, char const *c, char const *d, char const *e, char const *f)
{
  stralloc s = { 0, 0, 0 } ;
  if (stralloc_cats(&s, "tern-dns: ") && stralloc_cats(&s, a) && stralloc_cats(&s, b) && stralloc_cats(&s, c)
   && stralloc_cats(&s, d) && stralloc_cats(&s, e) && stralloc_cats(&s, f) && stralloc_cats(&s, "\n"))
    if (write(2, s.s, s.len) < 0) return ;
}

void dq_warn (char const *a, char const *b) { put("warning: ", a, b, "", "", "") ; }

static void die (int code, char const *a, char const *b)
{
  put("fatal: ", a, b, "", "", "") ;
  _exit(code) ;
}

static void diesys (char const *a, char const *b)
{
  char const *e = strerror(errno) ;
  put("fatal: ", a, b, ": ", e, "") ;
  _exit(111) ;
}

static void usage (int code)
{
  if (!code) { if (write(1, "usage: " USAGE "\n", sizeof("usage: " USAGE "\n") - 1) < 0) _exit(111) ; _exit(0) ; }
  put("usage: ", USAGE, "", "", "", "") ;
  _exit(100) ;
}

/* Records of type t (PTR or TXT) of wire name q, one a line. */
static void records (char **q, char const *t, char const *what, stralloc *out)
{
  stralloc rec = { 0, 0, 0 } ;
  int r = dq_lookup(q, t, &rec) ;
  if (r == DQ_TEMP) diesys("unable to look up ", what) ;
  if (r == DQ_NXDOMAIN) die(100, "no such name: ", what) ;
  if (r == DQ_LOOP) die(100, "CNAME loop: ", what) ;
  for (size_t i = 0 ; i + 2 <= rec.len ; )
  {
    size_t n = ((unsigned char)rec.s[i] << 8) | (unsigned char)rec.s[i + 1] ;
    for (size_t j = i + 2 ; j < i + 2 + n ; j++)
    {
      unsigned char c = (unsigned char)rec.s[j] ;
      char o[4] = { '\\', (char)('0' + (c >> 6)), (char)('0' + ((c >> 3) & 7)), (char)('0' + (c & 7)) } ;
      if (!(c < 32 || c > 126 || c == '\\' ? stralloc_catb(out, o, 4) : stralloc_catb(out, (char *)&c, 1)))
        diesys("unable to ", "allocate") ;
    }
    if (!stralloc_cats(out, "\n")) diesys("unable to ", "allocate") ;
    i += 2 + n ;
  }
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
static void ipcmd (char const *name, stralloc *out)
{
  char ip[16], fmt[FMT_IP6] ;
  char *q = 0 ;
  int n = ipaddr(name, ip), r ;
  if (n)
  {
    size_t l = n == 4 ? fmt_ip4(fmt, ip) : fmt_ip6(fmt, ip) ;
    if (!stralloc_cats(out, "ip ") || !stralloc_catb(out, fmt, l) || !stralloc_cats(out, "\n")) diesys("unable to ", "allocate") ;
    return ;
  }
  if (!dq_name(&q, name)) { if (errno == EINVAL) die(100, "bad name: ", name) ; diesys("unable to ", "allocate") ; }
  r = dq_addrs(&q, out) ;
  if (r == DQ_TEMP) diesys("unable to look up ", name) ;
  if (r == DQ_LOOP) die(100, "CNAME loop: ", name) ;
  if (r <= 0) die(100, r == DQ_NXDOMAIN ? "no such name: " : "no address for ", name) ;
}

static void seed (void)
{
  char r[128] ;
  int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC) ;
  if (fd < 0 || read(fd, r, sizeof r) != (ssize_t)sizeof r) diesys("unable to read ", "/dev/urandom") ;
  close(fd) ;
  dns_random_init(r) ;
}

int main (int argc, char const *const *argv)
{
  stralloc out = { 0, 0, 0 } ;
  unsigned long secs = 30 ;
  char const *cmd, *name, *why = 0 ;
  char *q = 0 ;
  char ip[16] ;
  int i = 1 ;
  if (argc >= 2 && !strcmp(argv[1], "-h")) usage(0) ;
  if (argc >= 3 && !strcmp(argv[1], "-t"))
  {
    size_t n = scan_ulong(argv[2], &secs) ;
    if (!n || argv[2][n] || !secs || secs > 3600) die(100, "bad time limit: ", argv[2]) ;
    i = 3 ;
  }
  if (argc - i != 2) usage(1) ;
  cmd = argv[i] ; name = argv[i + 1] ;
  seed() ;
  taia_now(&dq_deadline) ;
  taia_addsec(&dq_deadline, &dq_deadline, (long)secs) ;
  if (!strcmp(cmd, "mx"))
  {
    int code = dq_mx(name, &out, &why) ;
    char const *e = code == 111 && errno ? strerror(errno) : 0 ;
    if (code) { put("fatal: ", why, ": ", name, e ? ": " : "", e ? e : "") ; _exit(code) ; }
  }
  else if (!strcmp(cmd, "ip")) ipcmd(name, &out) ;
  else if (!strcmp(cmd, "txt") || !strcmp(cmd, "ptr"))
  {
    int ptr = cmd[0] == 'p' ;
    if (ptr)
    {
      char d[DNS_NAME6_DOMAIN] ;
      int n = ipaddr(name, ip) ;
      if (n == 4) dns_name4_domain(d, ip) ;
      else if (n == 16) dns_name6_domain(d, ip) ;
      else die(100, "bad IP address: ", name) ;
      if (!dns_domain_copy(&q, d)) diesys("unable to ", "allocate") ;
    }
    else if (!dq_name(&q, name)) { if (errno == EINVAL) die(100, "bad name: ", name) ; diesys("unable to ", "allocate") ; }
    records(&q, ptr ? DNS_T_PTR : DNS_T_TXT, name, &out) ;
  }
  else usage(1) ;
  if (out.len && write(1, out.s, out.len) != (ssize_t)out.len) diesys("unable to write to ", "stdout") ;
  return 0 ;
}
