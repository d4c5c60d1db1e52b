/* test-conf: the text parser case by case, then compile a config in a temp
   dir, read it back with tern_conf_*, and refresh after a recompile. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <skalibs/djbunix.h>
#include "tern.h"
#include "tern_addr.h"
#include "tern_conf.h"
#include "tern_conftext.h"
#include "t.h"

#define G TERN_CONFTEXT_GLOBAL
#define D TERN_CONFTEXT_DOMAIN
#define A TERN_CONFTEXT_ACCOUNT
#define TR TERN_CONFTEXT_TRANSPORT
#define R TERN_CONFTEXT_ROUTES

static struct { unsigned int kind ; char const *text ; char const *err ; } const cases[] =
{
  { G, "hostname a.example\ndatadir /d\n", 0 },
  { G, "hostname a.example\r\ndatadir /d\r\n", 0 },
  { G, "  hostname\ta.example  \n\n# x\ndatadir /d", 0 },
  { G, "datadir /d\n", "t: missing required key hostname" },
  { G, "hostname a..b\ndatadir /d\n", "t:1: bad domain" },
  { G, "hostname a.example\ndatadir /d\nuser 1000\nuser 1\n", "t:4: repeated key user" },
  { G, "hostname a.example\ndatadir /d\nlisten imap [::1]:143\nlisten smtp 1.2.3.4:25\n", 0 },
  { G, "hostname a.example\ndatadir /d\nlisten imap [::1]\n", "missing port" },
  { G, "hostname a.example\ndatadir /d\nlisten imap ::1:143\n", "bad host" },
  { G, "hostname a.example\ndatadir /d\nlisten imap 1.2.3.4:0\n", "bad port" },
  { G, "hostname a.example\ndatadir /d\npostmaster bob\nsubaddress-separator none\n", 0 },
  { G, "hostname a.example\ndatadir /d\ndeliver-remote-to bob\n", 0 },
  { G, "hostname a.example\ndatadir /d\ndeliver-remote-to nobody\n", "t:3: deliver-remote-to: no such account nobody" },
  { G, "hostname a.example\ndatadir /d\ntls-key k\n", "pairs" },
  { G, "hostname a.example\ndatadir\n", "missing value for datadir" },
  { A, "address bob@example.com\n", 0 },
  { A, "full-name x\n", "missing required key address" },
  { A, "address bob@example.com\njunk-filter\n", 0 },
  { A, "address bob@example.com\njunk-filter threshold=1.0 max-power=0.49 ignore-words=0.5 rare-words=0 top-words=1\n", 0 },
  { A, "address bob@example.com\njunk-filter threshold=1.01\n", "bad threshold" },
  { A, "address bob@example.com\njunk-filter max-power=0.5\n", "bad max-power" },
  { A, "address bob@example.com\njunk-filter threshold=.5\n", "bad threshold" },
  { A, "address bob@example.com\njunk-filter threshold=0.5 threshold=0.6\n", "repeated junk-filter option" },
  { A, "address bob@example.com\njunk-filter top-words=0\n", "bad top-words" },
  { A, "address bob@example.com\njunk-filter colour=red\n", "bad junk-filter option" },
  { A, "address bob@example.com\njunk-filter onegrams\n", "bad junk-filter option" },
  { A, "address bob@example.com\njunk-filter combine=chi min-ham=0 min-spam=1000000000 max-bytes=1024\n", 0 },
  { A, "address bob@example.com\njunk-filter combine=sum\n", "bad combine" },
  { A, "address bob@example.com\njunk-filter min-ham=1000000001\n", "bad min-ham" },
  { A, "address bob@example.com\njunk-filter min-spam=x\n", "bad min-spam" },
  { A, "address bob@example.com\njunk-filter max-bytes=1023\n", "bad max-bytes" },
  { A, "address bob@example.com\njunk-mailbox (\n", "bad regex" },
  { A, "address bob@example.com\njunk-mailbox ((a{99}){99}){99}\n", "too complex" },
  { A, "address bob@example.com\njunk-mailbox a++\n", "too complex" },
  { A, "address bob@example.com\njunk-mailbox ((((((((((a+)+)+)+)+)+)+)+)+)+)+\n", "too complex" },
  { A, "address bob@example.com\njunk-mailbox ^(a+)+b{2,3}(c|d)*$\n", 0 },
  { A, "address bob@example.com\njunk-mailbox a{2\n", "too complex" },
  { A, "address bob@example.com\nrejects-mailbox inbox\n", "may not be Inbox" },
  { A, "address bob@example.com\nrejects-mailbox Inbox/rejects\n", 0 },
  { A, "address bob@other.example\n", "unknown domain" },
  { A, "address bob\n", "bad address" },
  { A, "address bob@example.com\nroute relay from=example.com,.example.org to=. min-attempts=3\n", 0 },
  { A, "address bob@example.com\nroute relay from=\n", "empty domain list" },
  { A, "address bob@example.com\nroute relay to=a,,b\n", "empty domain in route list" },
  { A, "address bob@example.com\nroute relay to=a to=b\n", "repeated route option" },
  { A, "address bob@example.com\nroute other\n", "unknown transport other" },
  { TR, "direct\n", 0 },
  { TR, "direct x\n", "takes no value" },
  { TR, "smtp a.example\nsocks b.example:1\n", "cannot have multiple methods" },
  { TR, "smtp a.example\nsmtp b.example\n", "repeated key smtp" },
  { TR, "submissions a.example\nno-starttls\n", "not possible with submissions" },
  { TR, "direct\nauth-user u\n", "needs method" },
  { TR, "smtp a.example\nauth-user u\nauth-password-file p\nauth-mechanisms CRAM-MD5,SCRAM-SHA-256\n", 0 },
  { TR, "smtp a.example\nauth-user u\nauth-password-file p\nauth-mechanisms CRAM-MD5,\n", "unknown auth mechanism" },
  { TR, "socks 127.0.0.1:1080\nsocks-remote-ips 1.2.3.4\nsocks-remote-hostname h.example\n", 0 },
  { TR, "socks 127.0.0.1:1080\nsocks-remote-hostname h.example\n", "needs socks-remote-ips" },
  { TR, "\n", "missing method" },
  { D, "catchall bob\nroute relay\ndkim sel key\n", 0 },
  { D, "catchall nobody\n", "no such account" },
  { R, "route relay\nroute relay to=example.com\n", 0 },
  { R, "routes relay\n", "unknown key routes" },
} ;

static void parsecases (void)
{
  for (size_t i = 0 ; i < sizeof cases / sizeof *cases ; i++)
  {
    tern_conftext t = TERN_CONFTEXT_ZERO ;
    int ok = tern_conftext_init(&t, "/c", TERN_CONFTEXT_NOLOOKUP)
      && tern_conftext_declare(&t, 'd', "example.com") && tern_conftext_declare(&t, 'a', "bob")
      && tern_conftext_declare(&t, 't', "relay")
      && tern_conftext_file(&t, cases[i].kind, "t", "x", cases[i].text, strlen(cases[i].text))
      && stralloc_0(&t.err) ;
    T(ok, cases[i].text) ;
    if (!ok) continue ;
    if (!cases[i].err) T(!t.nerr, t.err.s) ;
    else T(t.nerr >= 1 && strstr(t.err.s, cases[i].err), cases[i].text) ;
    tern_conftext_free(&t) ;
  }
}

static int put (char const *dir, char const *rel, char const *s)
{
  stralloc p = STRALLOC_ZERO ;
  int r = stralloc_cats(&p, dir) && stralloc_cats(&p, rel) && stralloc_0(&p)
    && tern_file_replace(p.s, s, strlen(s), 0644) ;
  stralloc_free(&p) ;
  return r ;
}

static int compile (char const *dir)
{
  tern_conftext t = TERN_CONFTEXT_ZERO ;
  stralloc p = STRALLOC_ZERO ;
  int r = tern_conftext_init(&t, dir, 0) && tern_conftext_dir(&t) && !t.nerr
    && stralloc_cats(&p, dir) && stralloc_cats(&p, "/config.cdb") && stralloc_0(&p)
    && tern_conftext_write(&t, p.s) ;
  tern_conftext_free(&t) ;
  stralloc_free(&p) ;
  return r ;
}

/* The account for address s, or "" if none, in a static buffer. */
static char const *who (tern_conf const *c, char const *s)
{
  static char buf[100] ;
  tern_addr a = TERN_ADDR_ZERO ;
  stralloc n = STRALLOC_ZERO ;
  buf[0] = 0 ;
  if (tern_addr_parse(&a, s, strlen(s), TERN_ADDR_UTF8) == TERN_OK && tern_conf_account(c, &a, &n) == 1 && n.len < sizeof buf)
  {
    memcpy(buf, n.s, n.len) ;
    buf[n.len] = 0 ;
  }
  tern_addr_free(&a) ;
  stralloc_free(&n) ;
  return buf ;
}

static int is (tern_conf const *c, char const *key, char const *want)
{
  stralloc sa = STRALLOC_ZERO ;
  int r = tern_conf_global(c, key, &sa) == 1 && sa.len == strlen(want) && !memcmp(sa.s, want, sa.len) ;
  stralloc_free(&sa) ;
  return r ;
}

static void reader (char const *dir)
{
  tern_conf c = TERN_CONF_ZERO ;
  stralloc sa = STRALLOC_ZERO ;
  cdb_find_state st = CDB_FIND_STATE_ZERO ;
  cdb_data d ;
  unsigned int n = 0 ;
  T(!tern_conf_open(&c, dir) && errno == ENOENT, "open before compile: ENOENT") ;
  T(put(dir, "/tern.conf", "hostname h.example\ndatadir data\n"), "write tern.conf") ;
  T(put(dir, "/domains/example.com", "catchall all\n"), "write domain") ;
  T(put(dir, "/accounts/bob", "address Bob@example.com\naddress robert@example.com\n"), "write bob") ;
  T(put(dir, "/accounts/all", "address all@example.com\n"), "write all") ;
  T(put(dir, "/transports/relay", "smtp r.example\n"), "write transport") ;
  T(put(dir, "/routes", "route relay to=a.example\nroute relay\n"), "write routes") ;
  T(compile(dir), "compile") ;
  T(tern_conf_open(&c, dir), "open") ;
  T(is(&c, "hostname", "h.example"), "global hostname") ;
  T(is(&c, "user", "tern") && is(&c, "subaddress-separator", "+"), "defaults compiled in") ;
  T(tern_conf_global(&c, "postmaster", &sa) == 0, "absent global") ;
  T(!strcmp(who(&c, "bob@example.com"), "bob"), "exact address, case-folded localpart") ;
  T(!strcmp(who(&c, "BOB+tag@Example.COM"), "bob"), "subaddress") ;
  T(!strcmp(who(&c, "robert+x+y@example.com"), "bob"), "subaddress, first separator") ;
  T(!strcmp(who(&c, "+x@example.com"), "all"), "leading separator is not a subaddress") ;
  T(!strcmp(who(&c, "zed@example.com"), "all"), "catch-all") ;
  T(!strcmp(who(&c, "bob@other.example"), ""), "unknown domain") ;
  T(tern_conf_account_exists(&c, "bob") == 1 && tern_conf_account_exists(&c, "zed") == 0, "account_exists") ;
  sa.len = 0 ;
  T(tern_conf_accountdir(&c, "bob", &sa) && !strcmp(sa.s + sa.len - 19, "/data/accounts/bob"), "accountdir") ;
  T(sa.s[0] == '/' && strstr(sa.s, "/data/accounts/bob"), "accountdir is absolute") ;
  T(!tern_conf_accountdir(&c, "../x", &sa) && errno == EINVAL, "accountdir refuses bad names") ;
  while (tern_conf_findnext(&c, "r:g", 3, &d, &st) == 1) n++ ;
  T(n == 2, "two global routes") ;
  T(tern_conf_find(&c, "t:relay", 7, &d) == 1 && d.len == 17 && !memcmp(d.s, "smtp r.example 25", 17), "transport value") ;
  /* recompile: the reader keeps the old view until refresh */
  T(put(dir, "/accounts/bob", "address bob@example.com\n"), "edit bob") ;
  T(put(dir, "/tern.conf", "hostname h2.example\ndatadir data\nsubaddress-separator none\n"), "edit tern.conf") ;
  T(compile(dir), "recompile") ;
  T(!strcmp(who(&c, "robert@example.com"), "bob"), "old view before refresh") ;
  T(tern_conf_refresh(&c), "refresh") ;
  T(is(&c, "hostname", "h2.example"), "new view after refresh") ;
  T(!strcmp(who(&c, "robert@example.com"), "all"), "removed address goes to the catch-all") ;
  T(!strcmp(who(&c, "bob+x@example.com"), "all"), "subaddressing off") ;
  T(tern_conf_refresh(&c), "refresh without change") ;
  tern_conf_close(&c) ;
  T(put(dir, "/config.cdb", "garbage"), "corrupt config.cdb") ;
  T(!tern_conf_open(&c, dir), "a bad config.cdb does not open") ;
  tern_conf_close(&c) ;
  stralloc_free(&sa) ;
}

int main (void)
{
  char dir[] = "/tmp/tern-test-conf.XXXXXX" ;
  parsecases() ;
  T(mkdtemp(dir) != 0, "mkdtemp") ;
  {
    char p[sizeof dir + 20] ;
    static char const *const subs[] = { "/domains", "/accounts", "/transports" } ;
    for (unsigned int i = 0 ; i < 3 ; i++) { strcpy(p, dir) ; strcat(p, subs[i]) ; T(tern_mkdirp(p, 0755), "mkdir") ; }
  }
  reader(dir) ;
  {
    char cmd[sizeof dir + 16] ;
    strcpy(cmd, "rm -rf ") ; strcat(cmd, dir) ;
    if (system(cmd)) return 1 ;
  }
  return tdone() ;
}
