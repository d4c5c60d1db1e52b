/* tern-route: print the transport for one delivery attempt (tern-route.8).
   usage: tern-route [ -v ] [ -c confdir ] [ -a account ] [ -n attempts ]
   [ -T transport ] sender recipient-domain; or tern-route test -from ...
   stdout: one transport line (-v: and a "route: ..." line).
   exit: 0 printed, 100 usage, bad address or (test) no such account,
   111 temporary. */
#include <string.h>
#include <unistd.h>
#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>
#include <skalibs/buffer.h>
#include <skalibs/types.h>
#include "tern.h"
#include "tern_conf.h"
#include "tern-route.h"

#define USAGE "tern-route [ -v ] [ -c confdir ] [ -a account ] [ -n attempts ] [ -T transport ] sender recipient-domain"
#define USAGE_TEST "tern-route test -from sender -to recipient [ -attempt n ] [ -account name ] [ -c confdir ]"

static void usage (int code, char const *u) __attribute__((noreturn)) ;
static void usage (int code, char const *u)
{
  if (code) strerr_dieusage(100, u) ;
  if (buffer_putsflush(buffer_1, "usage: " USAGE "\n       " USAGE_TEST "\n") < 0) strerr_diefu1sys(111, "write to stdout") ;
  _exit(0) ;
}

static void attempts (char const *s, query *q)
{
  if (!uint0_scan(s, &q->attempts)) strerr_dief(100, "bad attempt count: ", s) ;
}

/* "test -from A -to B [-attempt N] [-account X] [-c DIR]" */
static void testargs (int argc, char const *const *argv, char const **confdir, query *q, char const **from, char const **to)
{
  for (int i = 1 ; i < argc ; i += 2)
  {
    char const *o = argv[i], *v = argv[i + 1] ;
    if (!strcmp(o, "-h")) usage(0, USAGE) ;
    if (i + 1 >= argc) usage(1, USAGE_TEST) ;
    if (!strcmp(o, "-from")) *from = v ;
    else if (!strcmp(o, "-to")) *to = v ;
    else if (!strcmp(o, "-attempt")) attempts(v, q) ;
    else if (!strcmp(o, "-account")) q->account = v ;
    else if (!strcmp(o, "-c")) *confdir = v ;
    else usage(1, USAGE_TEST) ;
  }
  if (!*from || !*to) usage(1, USAGE_TEST) ;
}

static void domain (char const *arg, stralloc *d, char const *what)
{
  switch (route_domain(arg, d))
  {
    case TERN_OK : return ;
    case TERN_PERM : strerr_dief(100, "bad ", what, ": ", arg) ;
    default : strerr_diefu1sys(111, "parse an address") ;
  }
}

/* An account that is not configured: its routes cannot match.  The
   runner routes a message from an account removed since as if it had
   none, and so does -a, with a warning; "test" asks about the account
   itself, so an unknown one is an error. */
static void account (tern_conf const *c, char const *name, char const *confdir, int test)
{
  int r = tern_conf_account_exists(c, name) ;
  if (r < 0) strerr_diefu3sys(111, "read accounts in ", confdir, "/config.cdb") ;
  if (r) return ;
  if (test) strerr_dief(100, "no such account: ", name) ;
  strerr_warnw("no such account: ", name, ": its routes are skipped") ;
}

/* The transport line into line, and where it came from into why. */
static void choose (tern_conf const *c, query const *q, char const *confdir, stralloc *line, stralloc *why)
{
  stralloc tname = STRALLOC_ZERO ;
  int r = 1 ;
  if (q->forced)
  {
    if (!stralloc_cats(&tname, q->forced) || !stralloc_cats(why, "forced transport ") || !stralloc_cats(why, q->forced))
      strerr_diefu1sys(111, "choose a route") ;
  }
  else r = tern_route_pick(c, q, &tname, why) ;
  if (r < 0) strerr_diefu3sys(111, "read routes in ", confdir, "/config.cdb") ;
  if (r)
  {
    r = route_name_ok(q->forced ? q->forced : "x") ? tern_route_line(c, tname.s, tname.len, line) : 0 ;
    if (r < 0) strerr_diefu3sys(111, "read transports in ", confdir, "/config.cdb") ;
    if (!r)
    {
      if (!stralloc_0(&tname)) strerr_diefu1sys(111, "choose a route") ;
      strerr_dief(111, "cannot find transport ", tname.s) ;
    }
  }
  else if (!stralloc_cats(line, "direct") || !stralloc_cats(why, "no route matched: direct"))
    strerr_diefu1sys(111, "choose a route") ;
  stralloc_free(&tname) ;
}

int main (int argc, char const *const *argv)
{
  tern_conf c = TERN_CONF_ZERO ;
  query q = QUERY_ZERO ;
  stralloc why = STRALLOC_ZERO, line = STRALLOC_ZERO ;
  char const *confdir = 0, *from = 0, *to = 0 ;
  int verbose = 0, test = 0 ;
  PROG = "tern-route" ;
  if (argc >= 2 && !strcmp(argv[1], "test"))
  {
    testargs(argc - 1, argv + 1, &confdir, &q, &from, &to) ;
    verbose = test = 1 ;
  }
  else
  {
    subgetopt l = SUBGETOPT_ZERO ;
    for (int opt ; (opt = subgetopt_r(argc, argv, "hvc:a:n:T:", &l)) != -1 ;)
      switch (opt)
      {
        case 'h' : usage(0, USAGE) ;
        case 'v' : verbose = 1 ; break ;
        case 'c' : confdir = l.arg ; break ;
        case 'a' : q.account = l.arg ; break ;
        case 'n' : attempts(l.arg, &q) ; break ;
        case 'T' : q.forced = l.arg ; break ;
        default : usage(1, USAGE) ;
      }
    if (argc - l.ind != 2) usage(1, USAGE) ;
    from = argv[l.ind] ; to = argv[l.ind + 1] ;
  }
  if (q.account && !route_name_ok(q.account)) strerr_dief(100, "bad account name: ", q.account) ;
  domain(from, &q.from, "sender") ;
  domain(to, &q.to, "recipient domain") ;
  confdir = tern_confdir(confdir) ;
  if (!tern_conf_open(&c, confdir)) strerr_diefu3sys(111, "read ", confdir, "/config.cdb") ;
  if (q.account) account(&c, q.account, confdir, test) ;
  choose(&c, &q, confdir, &line, &why) ;
  if (!stralloc_catb(&line, "\n", 1)
   || (verbose && (!stralloc_cats(&line, "route: ") || !stralloc_catb(&line, why.s, why.len) || !stralloc_catb(&line, "\n", 1)))
   || buffer_putflush(buffer_1, line.s, line.len) < 0)
    strerr_diefu1sys(111, "write to stdout") ;
  stralloc_free(&why) ; stralloc_free(&line) ; stralloc_free(&q.from) ; stralloc_free(&q.to) ;
  tern_conf_close(&c) ;
  return 0 ;
}
