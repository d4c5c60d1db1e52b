/* test-spf: tern_spf_check over a table of DNS answers (tern-dns's
   output format), tern_spf_term_parse and tern_spf_expand, table-driven. */
#include <string.h>
#include <skalibs/fmtscan.h>
#include "tern.h"
#include "tern_spf.h"
#include "t.h"

/* cmd name answer; an answer of "TEMP" is a temporary failure */
static char const *const zone[][3] =
{
  { "txt", "d.test", "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 -all\nother text\n" },
  { "txt", "a.test", "v=spf1 a mx/24 a:host.test//64 -all\n" },
  { "ip", "a.test", "ip 198.51.100.1\n" },
  { "ip", "host.test", "ip 2001:db8:7::1\n" },
  { "mx", "a.test", "domain a.test\nhost 10 mx.a.test\nip 203.0.113.9\n" },
  { "txt", "inc.test", "v=spf1 include:d.test include:soft.test ~all\n" },
  { "txt", "soft.test", "v=spf1 ?ip4:198.51.100.7 ~all\n" },
  { "txt", "red.test", "v=spf1 redirect=d.test\n" },
  { "txt", "redmiss.test", "v=spf1 redirect=nowhere.test\n" },
  { "txt", "two.test", "v=spf1 -all\nv=spf1 +all\n" },
  { "txt", "bad.test", "v=spf1 ip4:1.2.3 -all\n" },
  { "txt", "temp.test", "v=spf1 include:down.test -all\n" },
  { "txt", "down.test", "TEMP" },
  { "txt", "loop.test", "v=spf1 include:loop.test -all\n" },
  { "txt", "l0.test", "v=spf1 include:l1.test include:l2.test include:l3.test include:l4.test include:l5.test include:l6.test include:l7.test include:l8.test include:l9.test include:l10.test a:ex.test ip4:192.0.2.1 -all\n" },
  { "txt", "l9.test", "v=spf1 ip4:10.0.0.1\n" },
  { "txt", "ok10.test", "v=spf1 include:l1.test include:l2.test include:l3.test include:l4.test include:l5.test include:l6.test include:l7.test include:l8.test include:l9.test a:ex.test ip4:192.0.2.1 -all\n" },
  { "txt", "macro.test", "v=spf1 exists:%{ir}.%{l1r-}.e.test -all\n" },
  { "ip", "1.2.0.192.postmaster.e.test", "ip 127.0.0.2\n" },
  { "txt", "voids.test", "v=spf1 a:n1.test a:n2.test a:n3.test +all\n" },
  { "txt", "implicit.test", "v=spf1 mx -all\n" },
  { "mx", "implicit.test", "domain implicit.test\nimplicit\nhost 0 implicit.test\nip 192.0.2.1\n" },
  { "txt", "noinc.test", "v=spf1 include:nothing.test -all\n" },
  { "txt", "l1.test", "v=spf1\n" }, { "txt", "l2.test", "v=spf1\n" }, { "txt", "l3.test", "v=spf1\n" },
  { "txt", "l4.test", "v=spf1\n" }, { "txt", "l5.test", "v=spf1\n" }, { "txt", "l6.test", "v=spf1\n" },
  { "txt", "l7.test", "v=spf1\n" }, { "txt", "l8.test", "v=spf1\n" }, { "txt", "l10.test", "v=spf1\n" },
  { "ip", "ex.test", "ip 192.0.2.99\n" },
} ;

static int dns (void *ctx, char const *cmd, char const *name, stralloc *out)
{
  (void)ctx ;
  out->len = 0 ;
  for (size_t i = 0 ; i < sizeof zone / sizeof *zone ; i++)
    if (!strcmp(cmd, zone[i][0]) && !strcmp(name, zone[i][1]))
    {
      if (!strcmp(zone[i][2], "TEMP")) return TERN_TEMP ;
      return stralloc_cats(out, zone[i][2]) ? TERN_OK : TERN_TEMP ;
    }
  return TERN_PERM ;
}

static struct { char const *ip ; char const *domain ; int want ; char const *why ; } const checks[] =
{
  { "192.0.2.7", "d.test", TERN_SPF_PASS, "matched" },
  { "2001:db8:1::5", "d.test", TERN_SPF_PASS, "" },
  { "192.0.3.7", "d.test", TERN_SPF_FAIL, "" },
  { "2001:db9::5", "d.test", TERN_SPF_FAIL, "" },
  { "198.51.100.1", "a.test", TERN_SPF_PASS, "" },
  { "203.0.113.200", "a.test", TERN_SPF_PASS, "" },      /* mx/24 */
  { "2001:db8:7::ffff", "a.test", TERN_SPF_PASS, "" },  /* a:host.test//64 */
  { "2001:db8:8::1", "a.test", TERN_SPF_FAIL, "" },
  { "198.51.100.2", "a.test", TERN_SPF_FAIL, "" },
  { "192.0.2.1", "inc.test", TERN_SPF_PASS, "" },
  { "198.51.100.7", "inc.test", TERN_SPF_SOFTFAIL, "" }, /* include's ?: no match */
  { "192.0.2.1", "red.test", TERN_SPF_PASS, "" },
  { "10.9.9.9", "red.test", TERN_SPF_FAIL, "" },
  { "192.0.2.1", "redmiss.test", TERN_SPF_PERMERROR, "redirect" },
  { "192.0.2.1", "nowhere.test", TERN_SPF_NONE, "no SPF record" },
  { "192.0.2.1", "two.test", TERN_SPF_PERMERROR, "more than one" },
  { "192.0.2.1", "bad.test", TERN_SPF_PERMERROR, "bad term" },
  { "192.0.2.1", "temp.test", TERN_SPF_TEMPERROR, "DNS failure" },
  { "192.0.2.1", "loop.test", TERN_SPF_PERMERROR, "more than 10" },
  { "192.0.2.1", "l0.test", TERN_SPF_PERMERROR, "more than 10" },
  { "10.0.0.1", "l0.test", TERN_SPF_PASS, "" },  /* l9, the 9th lookup: the limit is not reached */
  { "192.0.2.1", "ok10.test", TERN_SPF_PASS, "" },                /* exactly 10 */
  { "192.0.2.1", "macro.test", TERN_SPF_PASS, "" },
  { "192.0.2.2", "macro.test", TERN_SPF_FAIL, "" },
  { "192.0.2.1", "voids.test", TERN_SPF_PERMERROR, "void" },
  { "192.0.2.1", "implicit.test", TERN_SPF_FAIL, "" },
  { "192.0.2.1", "noinc.test", TERN_SPF_PERMERROR, "no SPF record at included" },
} ;

static struct { char const *term ; int ok ; int kind ; char qual ; unsigned int c4, c6 ; char const *spec ; } const terms[] =
{
  { "-all", 1, TERN_SPFT_ALL, '-', 32, 128, 0 },
  { "all:x", 0, 0, 0, 0, 0, 0 },
  { "~include:_spf.x.test", 1, TERN_SPFT_INCLUDE, '~', 32, 128, "_spf.x.test" },
  { "include", 0, 0, 0, 0, 0, 0 },
  { "include:", 0, 0, 0, 0, 0, 0 },
  { "a", 1, TERN_SPFT_A, '+', 32, 128, 0 },
  { "a/24", 1, TERN_SPFT_A, '+', 24, 128, 0 },
  { "A:x.test/24//64", 1, TERN_SPFT_A, '+', 24, 64, "x.test" },
  { "mx//48", 1, TERN_SPFT_MX, '+', 32, 48, 0 },
  { "mx/33", 0, 0, 0, 0, 0, 0 },
  { "mx//129", 0, 0, 0, 0, 0, 0 },
  { "mx/", 0, 0, 0, 0, 0, 0 },
  { "mx:/24", 0, 0, 0, 0, 0, 0 },
  { "ip4:192.0.2.0/24", 1, TERN_SPFT_IP4, '+', 24, 128, 0 },
  { "ip4:192.0.2.0/", 0, 0, 0, 0, 0, 0 },
  { "ip4:192.0.2.0/024", 0, 0, 0, 0, 0, 0 },
  { "ip4:2001:db8::1", 0, 0, 0, 0, 0, 0 },
  { "ip6:2001:db8::/32", 1, TERN_SPFT_IP6, '+', 32, 32, 0 },
  { "ip6:2001:db8::1", 1, TERN_SPFT_IP6, '+', 32, 128, 0 },
  { "ip6:1.2.3.4", 0, 0, 0, 0, 0, 0 },
  { "redirect=x.test", 1, TERN_SPFT_REDIRECT, '+', 32, 128, "x.test" },
  { "redirect=", 0, 0, 0, 0, 0, 0 },
  { "exp=explain.%{d}", 1, TERN_SPFT_EXP, '+', 32, 128, "explain.%{d}" },
  { "foo-bar=1", 1, TERN_SPFT_UNKNOWNMOD, '+', 32, 128, "1" },
  { "ptr", 1, TERN_SPFT_PTR, '+', 32, 128, 0 },
  { "?exists:%{i}.x", 1, TERN_SPFT_EXISTS, '?', 32, 128, "%{i}.x" },
  { "bogus", 0, 0, 0, 0, 0, 0 },
  { "+", 0, 0, 0, 0, 0, 0 },
  { "", 0, 0, 0, 0, 0, 0 },
} ;

static struct { char const *in ; int r ; char const *out ; } const macros[] =
{
  { "%{s}", TERN_OK, "strong-bad@email.example.com" },
  { "%{o}", TERN_OK, "email.example.com" },
  { "%{d}", TERN_OK, "email.example.com" },
  { "%{d4}", TERN_OK, "email.example.com" },
  { "%{d3}", TERN_OK, "email.example.com" },
  { "%{d2}", TERN_OK, "example.com" },
  { "%{d1}", TERN_OK, "com" },
  { "%{dr}", TERN_OK, "com.example.email" },
  { "%{d2r}", TERN_OK, "example.email" },
  { "%{l}", TERN_OK, "strong-bad" },
  { "%{l-}", TERN_OK, "strong.bad" },
  { "%{lr}", TERN_OK, "strong-bad" },
  { "%{lr-}", TERN_OK, "bad.strong" },
  { "%{l1r-}", TERN_OK, "strong" },
  { "%{ir}.%{v}._spf.%{d2}", TERN_OK, "3.2.0.192.in-addr._spf.example.com" },
  { "%{lr-}.lp._spf.%{d2}", TERN_OK, "bad.strong.lp._spf.example.com" },
  { "%{S}", TERN_OK, "strong-bad%40email.example.com" },
  { "%%%_%-", TERN_OK, "% %20" },
  { "%{d0}", TERN_PERM, 0 },
  { "%{x}", TERN_PERM, 0 },
  { "%{d", TERN_PERM, 0 },
  { "%x", TERN_PERM, 0 },
  { "%", TERN_PERM, 0 },
  { "%{d!}", TERN_PERM, 0 },
} ;

int main (void)
{
  stralloc sa = STRALLOC_ZERO ;
  for (size_t i = 0 ; i < sizeof checks / sizeof *checks ; i++)
  {
    tern_spf s = TERN_SPF_ZERO ;
    int r ;
    s.dns = &dns ; s.sender = "postmaster@x.test" ; s.helo = "x.test" ;
    s.is6 = !!strchr(checks[i].ip, ':') ;
    if (s.is6) ip6_scan(checks[i].ip, s.ip) ; else ip4_scan(checks[i].ip, s.ip) ;
    r = tern_spf_check(&s, checks[i].domain) ;
    if (r != checks[i].want || !strstr(s.why, checks[i].why))
      fprintf(stderr, "%s at %s: %s (%s), want %s\n", checks[i].ip, checks[i].domain, tern_spf_name(r), s.why, tern_spf_name(checks[i].want)) ;
    T(r == checks[i].want && strstr(s.why, checks[i].why), checks[i].domain) ;
  }
  for (size_t i = 0 ; i < sizeof terms / sizeof *terms ; i++)
  {
    tern_spf_term t ;
    int ok = tern_spf_term_parse(terms[i].term, strlen(terms[i].term), &t) ;
    T(ok == terms[i].ok, terms[i].term) ;
    if (!ok || !terms[i].ok) continue ;
    T(t.kind == terms[i].kind && t.qual == terms[i].qual && t.cidr4 == terms[i].c4 && t.cidr6 == terms[i].c6, terms[i].term) ;
    T(terms[i].spec ? t.spec && t.speclen == strlen(terms[i].spec) && !memcmp(t.spec, terms[i].spec, t.speclen) : !t.spec, terms[i].term) ;
  }
  for (size_t i = 0 ; i < sizeof macros / sizeof *macros ; i++)
  {
    tern_spf s = TERN_SPF_ZERO ;
    int r ;
    s.sender = "strong-bad@email.example.com" ;
    ip4_scan("192.0.2.3", s.ip) ;
    sa.len = 0 ;
    r = tern_spf_expand(&s, "email.example.com", macros[i].in, strlen(macros[i].in), &sa) ;
    T(r == macros[i].r && (r || (sa.len == strlen(macros[i].out) && !memcmp(sa.s, macros[i].out, sa.len))), macros[i].in) ;
  }
  {
    tern_spf s = TERN_SPF_ZERO ;
    s.is6 = 1 ; ip6_scan("2001:db8::cb01", s.ip) ; s.sender = "a@b" ;
    sa.len = 0 ;
    T(!tern_spf_expand(&s, "d", "%{ir}.%{v}", 10, &sa) && sa.len == 67
      && !memcmp(sa.s, "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6", 67), "ip6 %{ir}") ;
  }
  T(tern_spf_isrecord("v=spf1", 6) && tern_spf_isrecord("V=SPF1 -all", 11) && !tern_spf_isrecord("v=spf10", 7) && !tern_spf_isrecord("v=spf", 5), "isrecord") ;
  stralloc_free(&sa) ;
  return tdone() ;
}
