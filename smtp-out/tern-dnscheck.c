/* tern-dnscheck: check a domain's DNS records for sending mail (MX, SPF
   with the socks transports' IPs, DKIM, DMARC, reverse DNS of the socks
   IPs); see tern-dnscheck.8.  usage: tern-dnscheck [ -c confdir ] domain
   stdout: problem lines, each with the record to publish.
   exit: 0 no problem, 100 problems, 111 temporary DNS failure. */
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>
#include <skalibs/buffer.h>
#include <skalibs/djbunix.h>
#include <skalibs/bytestr.h>
#include <skalibs/types.h>
#include "tern.h"
#include "tern_dnsrun.h"
#include "tern-dnscheck.h"

#define USAGE "tern-dnscheck [ -c confdir ] domain"

int dc_line (stralloc const *sa, unsigned int n, char const **s, size_t *len)
{
  size_t i = 0 ;
  for (;;)
  {
    size_t k ;
    if (i >= sa->len) return 0 ;
    k = byte_chr(sa->s + i, sa->len - i, '\n') ;
    if (!n--) { *s = sa->s + i ; *len = k ; return 1 ; }
    i += k + 1 ;
  }
}

int dc_dns (dc *d, char const *cmd, char const *name, stralloc *out)
{
  int code = tern_dns_run(cmd, name, 1, out) ;
  if (!code) return TERN_OK ;
  if (code == 100) return TERN_PERM ;
  d->temp = 1 ;
  strerr_warnw4x("temporary DNS failure: tern-dns ", cmd, " ", name) ;
  return TERN_TEMP ;
}

void dc_problem (dc *d, char const *check, char const *a, char const *b, char const *c, char const *record)
{
  char const *parts[] = { check, ": ", a, b, c, "\n", record ? "  " : 0, record, record ? "\n" : 0 } ;
  for (unsigned int i = 0 ; i < sizeof parts / sizeof *parts ; i++)
    if (parts[i] && buffer_puts(buffer_1, parts[i]) < 0) strerr_diefusys(111, "write to stdout") ;
  d->nproblems++ ;
}

/* The socks transports: t:NAME values "socks HOST PORT" and their keys. */
static void socks (dc *d)
{
  static stralloc sa = STRALLOC_ZERO ;
  size_t off[DC_SOCKS][3] ;
  cdb_data k, v ;
  uint32_t pos ;
  cdb_traverse_init(&pos) ;
  for (int r ; (r = cdb_traverse_next(&d->conf.c, &k, &v, &pos)) ;)
  {
    static char const *const sub[2] = { ":socks-remote-ips", ":socks-remote-hostname" } ;
    if (r < 0) strerr_dief(111, "corrupt configuration") ;
    if (k.len < 3 || memcmp(k.s, "t:", 2) || memchr(k.s + 2, ':', k.len - 2) || v.len < 6 || memcmp(v.s, "socks ", 6)) continue ;
    if (d->nsocks == DC_SOCKS) break ;
    off[d->nsocks][0] = sa.len ;
    if (!stralloc_catb(&sa, k.s + 2, k.len - 2) || !stralloc_0(&sa)) strerr_diefusys(111, "allocate") ;
    for (unsigned int i = 0 ; i < 2 ; i++)
    {
      char key[k.len + 24] ;
      cdb_data x ;
      memcpy(key, k.s, k.len) ;
      memcpy(key + k.len, sub[i], strlen(sub[i])) ;
      off[d->nsocks][i + 1] = sa.len ;
      if (tern_conf_find(&d->conf, key, k.len + strlen(sub[i]), &x) <= 0) x.len = 0 ;
      if (!stralloc_catb(&sa, x.s, x.len) || !stralloc_0(&sa)) strerr_diefusys(111, "allocate") ;
    }
    d->nsocks++ ;
  }
  for (unsigned int i = 0 ; i < d->nsocks ; i++)
  {
    d->socks[i].name = sa.s + off[i][0] ; d->socks[i].ips = sa.s + off[i][1] ; d->socks[i].host = sa.s + off[i][2] ;
  }
}

int main (int argc, char const *const *argv)
{
  static dc d = { .conf = TERN_CONF_ZERO } ;
  stralloc host = STRALLOC_ZERO ;
  char const *confdir = 0 ;
  char fmt[UINT_FMT] ;
  subgetopt l = SUBGETOPT_ZERO ;
  PROG = "tern-dnscheck" ;
  for (int opt ; (opt = subgetopt_r(argc, argv, "hc:", &l)) != -1 ;)
    switch (opt)
    {
      case 'c' : confdir = l.arg ; break ;
      case 'h' : buffer_putsflush(buffer_1, "usage: " USAGE "\n") ; return 0 ;
      default : strerr_dieusage(100, USAGE) ;
    }
  argc -= l.ind ; argv += l.ind ;
  if (argc != 1 || !argv[0][0]) strerr_dieusage(100, USAGE) ;
  d.domain = argv[0] ;
  confdir = tern_confdir(confdir) ;
  if (!tern_conf_open(&d.conf, confdir)) strerr_diefu2sys(111, "read the configuration in ", confdir) ;
  if (tern_conf_global(&d.conf, "hostname", &host) <= 0 || !stralloc_0(&host)) strerr_dief(111, "no hostname in ", confdir) ;
  d.hostname = host.s ;
  socks(&d) ;
  dc_mx(&d) ; dc_spf(&d) ; dc_dkim(&d) ; dc_dmarc(&d) ; dc_iprev(&d) ;
  fmt[uint_fmt(fmt, d.nproblems)] = 0 ;
  if (buffer_puts(buffer_1, d.domain) < 0 || buffer_puts(buffer_1, d.temp ? ": incomplete (DNS failures), " : ": ") < 0
   || (d.nproblems ? buffer_puts(buffer_1, fmt) < 0 || buffer_puts(buffer_1, d.nproblems == 1 ? " problem\n" : " problems\n") < 0
       : buffer_puts(buffer_1, "ok\n") < 0)
   || !buffer_flush(buffer_1)) strerr_diefusys(111, "write to stdout") ;
  tern_conf_close(&d.conf) ;
  stralloc_free(&host) ;
  return d.temp ? 111 : d.nproblems ? 100 : 0 ;
}
