/* tern-smtp-out: one delivery attempt of the message on stdin to rcpts
   through one transport (tern-route's line), see tern-smtp-out.8.
   usage: tern-smtp-out [ -c confdir ] [ -e ehlo ] [ -a cafile ] [ -u ] -f sender transport... -- rcpt...
   stdout: "ok|temp|perm RCPT CODE TEXT" each, "msg ok|temp|perm CODE TEXT".
   exit: 0 reported, 100 usage, 111 could not report. */
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <signal.h>
#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>
#include <skalibs/buffer.h>
#include <skalibs/stralloc.h>
#include <skalibs/djbunix.h>
#include <skalibs/tai.h>
#include "tern.h"
#include "tern_conf.h"
#include "tern-smtp-out.h"

#define USAGE "tern-smtp-out [ -c confdir ] [ -e ehloname ] [ -a cafile ] [ -u ] -f sender transport... -- rcpt...\n" \
  "       tern-smtp-out [ -c confdir ] [ -e ehloname ] [ -a cafile ] -m transport... < list"

static char const *const *options (int argc, char const *const *argv, sout *o, char const **confdir)
{
  subgetopt l = SUBGETOPT_ZERO ;
  for (int opt ; (opt = subgetopt_r(argc, argv, "hc:e:a:uf:m", &l)) != -1 ;)
    switch (opt)
    {
      case 'c' : *confdir = l.arg ; break ;
      case 'e' : o->ehlo = l.arg ; break ;
      case 'a' : o->cafile = l.arg ; break ;
      case 'u' : o->needutf8 = SO_UTF8_FLAG ; break ;
      case 'f' : o->sender = l.arg ; break ;
      case 'm' : so_batchmode = 1 ; break ;
      case 'h' : buffer_putsflush(buffer_1, "usage: " USAGE "\n") ; _exit(0) ;
      default : strerr_dieusage(100, USAGE) ;
    }
  if (!o->sender == !so_batchmode) strerr_dieusage(100, USAGE) ;
  return argv + l.ind ;
}

static int nonascii (char const *s, size_t n)
{
  for (size_t i = 0 ; i < n ; i++) if ((unsigned char)s[i] > 127) return 1 ;
  return 0 ;
}

static void ehloname (sout *o, char const *confdir)
{
  static stralloc sa = STRALLOC_ZERO ;
  tern_conf c ;
  if (o->method == M_SOCKS) { o->ehlo = o->remotehost ; return ; }
  if (o->ehlo) return ;
  confdir = tern_confdir(confdir) ;
  if (tern_conf_open(&c, confdir) <= 0) strerr_diefu2sys(111, "read configuration in ", confdir) ;
  if (tern_conf_global(&c, "hostname", &sa) <= 0 || !stralloc_0(&sa)) strerr_dief(111, "no hostname in ", confdir) ;
  tern_conf_close(&c) ;
  o->ehlo = sa.s ;
}

/* One address: connect (through the proxy), then the session, then a
   second one without TLS if opportunistic TLS failed. */
static int attempt (sout *o, sohost const *h)
{
  int r = S_NEXT, notls = 0 ;
  for (;;)
  {
    char const *to = o->method == M_SOCKS ? o->host : h->ip ;
    tain_addsec_g(&o->deadline, 30 / (h->nip ? h->nip : 1) + 1) ;
    o->peer = h->ip ; o->tlsname = h->name ;
    o->sock = so_connect(to, o->method == M_SOCKS ? o->port : o->method == M_DIRECT ? 25 : o->port, &o->deadline) ;
    if (o->sock < 0 || (o->method == M_SOCKS && !so_socks(o->sock, h->ip, 25, &o->deadline)))
      so_fail(o->mreply, "421 4.4.1", o->method == M_SOCKS ? "no connection through the proxy to " : "unable to connect to ", h->ip) ;
    else
    {
      o->rfd = o->wfd = o->sock ;
      if (notls) o->tls = T_NONE ;
      r = so_session(o) ;
      if (notls) o->tls = T_OPPORTUNISTIC ;
    }
    so_hangup(o) ;
    if (r != S_DONE) so_logfail(o, h) ;
    if (r != S_TLSFAIL || notls++) return r ;
  }
}

void so_report (sout *o, char const *prefix)
{
  stralloc sa = STRALLOC_ZERO ;
  static char const *const cls[] = { "ok", "temp", "perm" } ;
  unsigned int nok = 0, nperm = 0 ;
  char const *mreply = o->mreply ;
  for (unsigned int i = 0 ; i < o->n ; i++)
  {
    sorcpt *r = o->r + i ;
    if (r->cls != 'o' && r->cls != 'p' && r->cls != 't') { r->cls = 't' ; strcpy(r->reply, o->mreply) ; }
    nok += r->cls == 'o' ; nperm += r->cls == 'p' ;
    if ((r->cls == 'o' && nok == 1) || (!nok && r->cls != 'o' && i == 0)) mreply = r->reply ;
    if (!stralloc_cats(&sa, prefix) || !stralloc_cats(&sa, cls[r->cls == 'o' ? 0 : r->cls == 't' ? 1 : 2]) || !stralloc_cats(&sa, " ")
     || !stralloc_cats(&sa, r->addr) || !stralloc_cats(&sa, " ") || !stralloc_cats(&sa, r->reply) || !stralloc_cats(&sa, "\n"))
      strerr_diefusys(111, "make the report") ;
  }
  if (!stralloc_cats(&sa, prefix) || !stralloc_cats(&sa, "msg ") || !stralloc_cats(&sa, cls[nok ? 0 : nperm == o->n ? 2 : 1]) || !stralloc_cats(&sa, " ")
   || !stralloc_cats(&sa, mreply) || !stralloc_cats(&sa, "\n"))
    strerr_diefusys(111, "make the report") ;
  if (buffer_putflush(buffer_1, sa.s, sa.len) < 0) strerr_diefusys(111, "write to stdout") ;
  stralloc_free(&sa) ;
}

int main (int argc, char const *const *argv)
{
  static sout o = { .sock = -1, .rfd = -1, .wfd = -1, .ctl = -1 } ;
  static sohost h[SO_HOSTS] ;
  stralloc dns = STRALLOC_ZERO, proxy = STRALLOC_ZERO ;
  char const *confdir = 0, *bad ;
  unsigned int nt = 0, nh = 0 ;
  char c ;
  PROG = "tern-smtp-out" ;
  argv = options(argc, argv, &o, &confdir) ;
  if (so_batchmode) argv = so_batch_start(&o, argv) ;
  while (argv[nt] && strcmp(argv[nt], "--")) nt++ ;
  if (!argv[nt] || !argv[nt + 1]) strerr_dieusage(100, USAGE) ;
  bad = so_line(&o, argv, nt) ;
  if (bad) strerr_dief(100, "bad transport line: ", bad) ;
  argv += nt + 1 ;
  while (argv[o.n]) o.n++ ;
  if (!(o.r = calloc(o.n, sizeof *o.r))) strerr_diefusys(111, "allocate") ;
  for (unsigned int i = 0 ; i < o.n ; i++)
  {
    o.r[i].addr = argv[i] ;
    if (nonascii(argv[i], strlen(argv[i]))) o.needutf8 |= SO_UTF8_ADDR ;
  }
  if (nonascii(o.sender, strlen(o.sender))) o.needutf8 |= SO_UTF8_ADDR ;
  ehloname(&o, confdir) ;
  so_msg(&o) ;
  signal(SIGPIPE, SIG_IGN) ;
  tain_now_set_stopwatch_g() ;
  c = 0 ;
  if (o.badmsg && !so_batchmode) { so_fail(o.mreply, "554 5.6.0", "the message cannot be sent: ", o.badmsg) ; c = 'p' ; }
  if (!c && o.method == M_SOCKS) c = so_proxy(&o, &proxy, o.mreply) ;
  if (!c) c = so_hosts(&o, &dns, h, &nh, o.mreply) ;
  if (c) for (unsigned int i = 0 ; i < o.n ; i++) { o.r[i].cls = c ; strcpy(o.r[i].reply, o.mreply) ; }
  else for (unsigned int i = 0 ; i < nh && attempt(&o, h + i) != S_DONE ; i++) ;
  if (so_batchmode) so_batch_end(&o) ; else so_report(&o, "") ;
  stralloc_free(&dns) ; stralloc_free(&proxy) ; stralloc_free(&o.authmechs) ;
  free(o.r) ;
  return 0 ;
}
