/* test-addr: paths, mailboxes, domains and literals against a table;
   key, SMTP and log forms; limits; the REFERENCE.md 12 log examples. */
#include <stdio.h>
#include <string.h>
#include "tern.h"
#include "tern_addr.h"
#include "t.h"

#define U TERN_ADDR_UTF8
#define N TERN_ADDR_NULLOK
#define D TERN_ADDR_NODOM
#define OK TERN_OK
#define BAD TERN_PERM
#define FQ TERN_ADDRF_QUOTED
#define F8 TERN_ADDRF_UTF8
#define FI TERN_ADDRF_IDN
#define FL TERN_ADDRF_LITERAL

/* key, fmt (A-label), ufmt (U-label) and log: 0 means "same as key" for
   fmt/ufmt/log when the case has flags 0, else unchecked */
static struct { char const *in ; unsigned int opts ; int rc ; unsigned int flags ;
  char const *key ; char const *fmt ; char const *ufmt ; char const *log ; } const paths[] =
{
  { "<mox@example.com>", 0, OK, 0, "mox@example.com", 0, 0, 0 },
  { "<Mox@Example.COM>", 0, OK, 0, "mox@example.com", "Mox@example.com", "Mox@example.com", "Mox@example.com" },
  { "<MØX@example.com>", U, OK, F8, "mØx@example.com", "MØX@example.com", 0, 0 },
  { "<>", N, OK, TERN_ADDRF_NULL, "", "", "", "" },
  { "<>", 0, BAD, 0, 0, 0, 0, 0 },
  { "<postmaster>", D, OK, 0, "postmaster", 0, 0, 0 },
  { "<Postmaster>", D, OK, 0, "postmaster", "Postmaster", "Postmaster", "Postmaster" },
  { "<postmaster>", 0, BAD, 0, 0, 0, 0, 0 },
  { "<\"post master\">", D, OK, FQ, "post master", "\"post master\"", 0, 0 },
  /* source routes */
  { "<@a.example,@b.example:user@d.example>", 0, OK, 0, "user@d.example", 0, 0, 0 },
  { "<@a.example:user@d.example>", 0, OK, 0, "user@d.example", 0, 0, 0 },
  { "<@:user@d.example>", 0, BAD, 0, 0, 0, 0, 0 },
  { "<@a.example,user@d.example>", 0, BAD, 0, 0, 0, 0, 0 },
  { "<@a.example:>", 0, BAD, 0, 0, 0, 0, 0 },
  { "<@a_b.example:u@d.example>", 0, BAD, 0, 0, 0, 0, 0 },
  { "<@example.com>", 0, BAD, 0, 0, 0, 0, 0 },
  /* quoted localparts */
  { "<\"a b\"@example.com>", 0, OK, FQ, "a b@example.com", "\"a b\"@example.com", 0,
    "\"a b\"@example.com/\"\\\"a b\\\"\"@example.com" },
  { "<\"abc\"@example.com>", 0, OK, 0, "abc@example.com", 0, 0, 0 },
  { "<\"a\\\"b\\\\c\"@example.com>", 0, OK, FQ, "a\"b\\c@example.com", "\"a\\\"b\\\\c\"@example.com", 0, 0 },
  { "<\"a>b\"@example.com>", 0, OK, FQ, "a>b@example.com", "\"a>b\"@example.com", 0, 0 },
  { "<\"a\\qb\"@x.example>", 0, OK, 0, "aqb@x.example", 0, 0, 0 },
  { "<\"a@b\"@x.example>", 0, OK, FQ, "a@b@x.example", "\"a@b\"@x.example", 0, 0 },
  { "<\"a..b\"@x.example>", 0, OK, FQ, "a..b@x.example", "\"a..b\"@x.example", 0, 0 },
  { "<\"\"@example.com>", 0, BAD, 0, 0, 0, 0, 0 },
  { "<\"a\"b@example.com>", 0, BAD, 0, 0, 0, 0, 0 },
  { "<\"abc@example.com>", 0, BAD, 0, 0, 0, 0, 0 },
  { "<\"a\tb\"@example.com>", 0, BAD, 0, 0, 0, 0, 0 },
  { "<\"a\\\tb\"@example.com>", 0, BAD, 0, 0, 0, 0, 0 },
  /* dot-atoms */
  { "<a.b@example.com>", 0, OK, 0, "a.b@example.com", 0, 0, 0 },
  { "<!#$%&'*+-/=?^_`{|}~@example.com>", 0, OK, 0, "!#$%&'*+-/=?^_`{|}~@example.com", 0, 0, 0 },
  { "<.a@example.com>", 0, BAD, 0, 0, 0, 0, 0 },
  { "<a.@example.com>", 0, BAD, 0, 0, 0, 0, 0 },
  { "<a..b@example.com>", 0, BAD, 0, 0, 0, 0, 0 },
  { "<a b@example.com>", 0, BAD, 0, 0, 0, 0, 0 },
  { "<a(b)@example.com>", 0, BAD, 0, 0, 0, 0, 0 },
  { "<a,b@example.com>", 0, BAD, 0, 0, 0, 0, 0 },
  { "<a\\b@example.com>", 0, BAD, 0, 0, 0, 0, 0 },
  /* SMTPUTF8 localparts */
  { "<møx@example.com>", U, OK, F8, "møx@example.com", "møx@example.com", 0,
    "møx@example.com/\"m\\u00f8x\"@example.com" },
  { "<møx@example.com>", 0, BAD, 0, 0, 0, 0, 0 },
  { "<\"møx\"@example.com>", U, OK, F8, "møx@example.com", "møx@example.com", 0, 0 },
  { "<\"m ø\"@example.com>", U, OK, F8|FQ, "m ø@example.com", "\"m ø\"@example.com", 0,
    "\"m ø\"@example.com/\"\\\"m \\u00f8\\\"\"@example.com" },
  { "<☹@example.com>", U, OK, F8, "☹@example.com", 0, 0, "☹@example.com/\"\\u2639\"@example.com" },
  { "<\xf0\x9f\x98\x80@example.com>", U, OK, F8, "\xf0\x9f\x98\x80@example.com", 0, 0,
    "\xf0\x9f\x98\x80@example.com/\"\\U0001f600\"@example.com" },
  { "<m\xc3x@example.com>", U, BAD, 0, 0, 0, 0, 0 },
  { "<\xc0\xafx@example.com>", U, BAD, 0, 0, 0, 0, 0 },
  { "<a\xc2\x85@example.com>", U, BAD, 0, 0, 0, 0, 0 },
  { "<\"a\xc2\x85\"@example.com>", U, BAD, 0, 0, 0, 0, 0 },
  { "<a\xed\xa0\x80@example.com>", U, BAD, 0, 0, 0, 0, 0 },
  { "<a\xf4\x90\x80\x80@example.com>", U, BAD, 0, 0, 0, 0, 0 },
  { "<a\xff@example.com>", U, BAD, 0, 0, 0, 0, 0 },
  /* IDNA, both directions */
  { "<mox@møx.example>", U, OK, FI, "mox@xn--mx-lka.example", "mox@xn--mx-lka.example",
    "mox@møx.example", "mox@møx.example/mox@xn--mx-lka.example" },
  { "<mox@møx.example>", 0, BAD, 0, 0, 0, 0, 0 },
  { "<mox@MØX.Example>", U, OK, FI, "mox@xn--mx-lka.example", 0, "mox@møx.example", 0 },
  { "<mox@xn--mx-lka.example>", 0, OK, FI, "mox@xn--mx-lka.example", 0, "mox@møx.example",
    "mox@møx.example/mox@xn--mx-lka.example" },
  { "<mox@XN--MX-LKA.EXAMPLE>", 0, OK, FI, "mox@xn--mx-lka.example", 0, 0, 0 },
  { "<a@faß.de>", U, OK, FI, "a@xn--fa-hia.de", 0, "a@faß.de", 0 },
  { "<a@xn--zzzz.example>", 0, BAD, 0, 0, 0, 0, 0 },
  { "<a@xn--a.example>", 0, BAD, 0, 0, 0, 0, 0 },
  { "<a@xn--abc-.example>", 0, BAD, 0, 0, 0, 0, 0 },
  { "<☹@☺.example>", U, BAD, 0, 0, 0, 0, 0 },     /* IDNA2008 refuses symbols */
  { "<a@xn--74h.example>", 0, BAD, 0, 0, 0, 0, 0 },
  { "<a@example。>", U, BAD, 0, 0, 0, 0, 0 },
  /* address literals */
  { "<a@[192.0.2.1]>", 0, OK, FL, "a@[192.0.2.1]", 0, 0, "a@192.0.2.1" },
  { "<a@[IPv6:2001:DB8::1]>", 0, OK, FL, "a@[IPv6:2001:db8::1]", 0, 0, "a@2001:db8::1" },
  { "<a@[ipv6:2001:db8:0:0:0:0:0:1]>", 0, OK, FL, "a@[IPv6:2001:db8::1]", 0, 0, 0 },
  { "<a@[IPv6:::ffff:192.0.2.1]>", 0, OK, FL, "a@[IPv6:::ffff:192.0.2.1]", 0, 0, 0 },
  { "<\"a b\"@[192.0.2.1]>", 0, OK, FL|FQ, "a b@[192.0.2.1]", 0, 0, "\"a b\"@192.0.2.1/\"\\\"a b\\\"\"@192.0.2.1" },
  { "<a@[192.0.2.256]>", 0, BAD, 0, 0, 0, 0, 0 },
  { "<a@[192.0.2]>", 0, BAD, 0, 0, 0, 0, 0 },
  { "<a@[192.0.2.01]>", 0, BAD, 0, 0, 0, 0, 0 },
  { "<a@[192.0.2.1 ]>", 0, BAD, 0, 0, 0, 0, 0 },
  { "<a@[2001:db8::1]>", 0, BAD, 0, 0, 0, 0, 0 },
  { "<a@[IPv6:192.0.2.1]>", 0, BAD, 0, 0, 0, 0, 0 },
  { "<a@[IPv6:gggg::1]>", 0, BAD, 0, 0, 0, 0, 0 },
  { "<a@[x-tag:stuff]>", 0, BAD, 0, 0, 0, 0, 0 },
  { "<a@[]>", 0, BAD, 0, 0, 0, 0, 0 },
  { "<a@[192.0.2.1>", 0, BAD, 0, 0, 0, 0, 0 },
  { "<a@192.0.2.1>", 0, BAD, 0, 0, 0, 0, 0 },
  /* domains */
  { "<a@localhost>", 0, OK, 0, "a@localhost", 0, 0, 0 },
  { "<a@123.example>", 0, OK, 0, "a@123.example", 0, 0, 0 },
  { "<a@a-b.example>", 0, OK, 0, "a@a-b.example", 0, 0, 0 },
  { "<a@example.com.>", 0, BAD, 0, 0, 0, 0, 0 },
  { "<a@.example.com>", 0, BAD, 0, 0, 0, 0, 0 },
  { "<a@exa..mple>", 0, BAD, 0, 0, 0, 0, 0 },
  { "<a@-ex.com>", 0, BAD, 0, 0, 0, 0, 0 },
  { "<a@ex-.com>", 0, BAD, 0, 0, 0, 0, 0 },
  { "<a@ex_ample.com>", 0, BAD, 0, 0, 0, 0, 0 },
  { "<a@example.123>", 0, BAD, 0, 0, 0, 0, 0 },
  { "<a@>", 0, BAD, 0, 0, 0, 0, 0 },
  { "<a@b@example.com>", 0, BAD, 0, 0, 0, 0, 0 },
  { "<a@exa mple.com>", 0, BAD, 0, 0, 0, 0, 0 },
  /* path syntax */
  { "a@example.com", 0, BAD, 0, 0, 0, 0, 0 },
  { "<a@example.com", 0, BAD, 0, 0, 0, 0, 0 },
  { " <a@example.com>", 0, BAD, 0, 0, 0, 0, 0 },
  { "< a@example.com>", 0, BAD, 0, 0, 0, 0, 0 },
  { "<a@example.com >", 0, BAD, 0, 0, 0, 0, 0 },
  { "<", 0, BAD, 0, 0, 0, 0, 0 },
  { "", N, BAD, 0, 0, 0, 0, 0 },
} ;

static char msg[512] ;
static char const *m (char const *what, char const *in)
{
  snprintf(msg, sizeof msg, "%s: %s", in, what) ;
  return msg ;
}

static int eq (stralloc *sa, char const *want)
{
  int r = sa->len == strlen(want) && !memcmp(sa->s, want, sa->len) ;
  if (!r) fprintf(stderr, "  got \"%.*s\", want \"%s\"\n", (int)sa->len, sa->s, want) ;
  sa->len = 0 ;
  return r ;
}

static void onepath (unsigned int i, tern_addr *a, stralloc *sa)
{
  char const *in = paths[i].in ;
  char const *plain = paths[i].flags ? 0 : paths[i].key ;
  char const *fmt = paths[i].fmt ? paths[i].fmt : plain ;
  char const *ufmt = paths[i].ufmt ? paths[i].ufmt : fmt && !(paths[i].flags & FI) ? fmt : 0 ;
  char const *log = paths[i].log ? paths[i].log : plain ;
  size_t used = 0 ;
  int r = tern_path_parse(a, in, strlen(in), paths[i].opts, &used) ;
  T(r == paths[i].rc, m("return code", in)) ;
  if (r || paths[i].rc) return ;
  T(used == strlen(in), m("consumed all", in)) ;
  T(a->flags == paths[i].flags, m("flags", in)) ;
  T(tern_addr_key(sa, a) && eq(sa, paths[i].key), m("key", in)) ;
  if (fmt) T(tern_addr_fmt(sa, a, 1) && eq(sa, fmt), m("fmt ascii", in)) ;
  if (ufmt) T(tern_addr_fmt(sa, a, 0) && eq(sa, ufmt), m("fmt unicode", in)) ;
  if (log) T(tern_addr_logfmt(sa, a) && eq(sa, log), m("logfmt", in)) ;
  if (a->flags & TERN_ADDRF_NULL) return ;
  {
    /* round trip: the SMTP form parses back to the same key */
    stralloc k = STRALLOC_ZERO ;
    tern_addr b = TERN_ADDR_ZERO ;
    T(tern_addr_fmt(sa, a, 1) && tern_addr_key(&k, a), m("fmt+key", in)) ;
    T(tern_addr_parse(&b, sa->s, sa->len, paths[i].opts) == OK, m("fmt reparses", in)) ;
    sa->len = 0 ;
    T(tern_addr_key(sa, &b) && sa->len == k.len && !memcmp(sa->s, k.s, k.len), m("same key after reparse", in)) ;
    sa->len = 0 ;
    stralloc_free(&k) ;
    tern_addr_free(&b) ;
  }
}

static struct { char const *in ; int rc ; char const *ascii ; char const *unicode ; } const domains[] =
{
  { "example.com", OK, "example.com", "example.com" },
  { "EXAMPLE.Com", OK, "example.com", "example.com" },
  { "møx.example", OK, "xn--mx-lka.example", "møx.example" },
  { "MØX.EXAMPLE", OK, "xn--mx-lka.example", "møx.example" },
  { "xn--mx-lka.example", OK, "xn--mx-lka.example", "møx.example" },
  { "ß.de", OK, "xn--zca.de", "ß.de" },
  { "ab--cd.example", OK, "ab--cd.example", "ab--cd.example" },
  { "example.com.", BAD, 0, 0 },
  { "", BAD, 0, 0 },
  { ".", BAD, 0, 0 },
  { "a b.example", BAD, 0, 0 },
  { "1.2.3.4", BAD, 0, 0 },
  { "☺.example", BAD, 0, 0 },
  { "xn--74h.example", BAD, 0, 0 },
  { "[192.0.2.1]", BAD, 0, 0 },
  { "møx.example.", BAD, 0, 0 },
} ;

static void onedomain (unsigned int i, stralloc *x, stralloc *u)
{
  char const *in = domains[i].in ;
  int r = tern_domain_parse(x, u, in, strlen(in)) ;
  T(r == domains[i].rc, m("domain return code", in)) ;
  if (r || domains[i].rc) return ;
  T(eq(x, domains[i].ascii), m("domain A-label form", in)) ;
  T(eq(u, domains[i].unicode), m("domain U-label form", in)) ;
}

/* a string of n copies of c */
static char const *rep (char *buf, char c, size_t n)
{
  memset(buf, c, n) ;
  buf[n] = 0 ;
  return buf ;
}

static void limits (tern_addr *a, stralloc *sa)
{
  char l[80], d[400], p[600] ;
  size_t used ;
  snprintf(p, sizeof p, "<%s@example.com>", rep(l, 'a', 64)) ;
  T(tern_path_parse(a, p, strlen(p), 0, &used) == OK, "localpart of 64 octets") ;
  snprintf(p, sizeof p, "<%s@example.com>", rep(l, 'a', 65)) ;
  T(tern_path_parse(a, p, strlen(p), 0, &used) == BAD, "localpart of 65 octets") ;
  snprintf(p, sizeof p, "<\"%s\"@example.com>", rep(l, 'a', 62)) ;
  T(tern_path_parse(a, p, strlen(p), 0, &used) == OK, "quoted localpart of 64 octets") ;
  snprintf(p, sizeof p, "<\"%s\"@example.com>", rep(l, 'a', 63)) ;
  T(tern_path_parse(a, p, strlen(p), 0, &used) == BAD, "quoted localpart of 65 octets") ;
  snprintf(p, sizeof p, "<a@%s.example>", rep(l, 'b', 63)) ;
  T(tern_path_parse(a, p, strlen(p), 0, &used) == OK, "label of 63 octets") ;
  snprintf(p, sizeof p, "<a@%s.example>", rep(l, 'b', 64)) ;
  T(tern_path_parse(a, p, strlen(p), 0, &used) == BAD, "label of 64 octets") ;
  /* 4 x 63 + 3 dots = 255 */
  rep(l, 'c', 63) ;
  snprintf(d, sizeof d, "%s.%s.%s.%s", l, l, l, l) ;
  T(tern_domain_parse(&a->domain, &a->udomain, d, strlen(d)) == OK, "domain of 255 octets") ;
  snprintf(p, sizeof p, "a@%s", d) ;
  T(tern_addr_parse(a, p, strlen(p), 0) == OK, "mailbox with a domain of 255 octets") ;
  snprintf(d, sizeof d, "%s.%s.%s.%.62s.d", l, l, l, l) ;
  T(strlen(d) == 256 && tern_domain_parse(&a->domain, &a->udomain, d, strlen(d)) == BAD, "domain of 256 octets") ;
  /* path of 256: "<" + 64 + "@" + 189 + ">" */
  rep(l, 'e', 63) ;
  snprintf(d, sizeof d, "%s.%s.%.61s", l, l, l) ;
  snprintf(p, sizeof p, "<%s@%s>", rep(l, 'a', 64), d) ;
  T(strlen(p) == 256 && tern_path_parse(a, p, 256, 0, &used) == OK && used == 256, "path of 256 octets") ;
  rep(l, 'e', 63) ;
  snprintf(d, sizeof d, "%s.%s.%.62s", l, l, l) ;
  snprintf(p, sizeof p, "<%s@%s>", rep(l, 'a', 64), d) ;
  T(strlen(p) == 257 && tern_path_parse(a, p, 257, 0, &used) == BAD, "path of 257 octets") ;
  sa->len = 0 ;
}

/* NUL, CR, LF and spaces outside quotes */
static struct { char const *s ; size_t len ; } const raw[] =
{
  { "a\0b@example.com", 15 }, { "a@exa\0mple.com", 14 }, { "\"a\0b\"@example.com", 17 },
  { "a\r@example.com", 14 }, { "a@example.com\n", 14 }, { "\"a\rb\"@x.example", 15 },
  { "\"a\nb\"@x.example", 15 }, { "a @example.com", 14 }, { "a@ example.com", 14 },
  { "a@example.com ", 14 }, { "a@[192.0.2.1\0]", 14 }, { "\"ab\0", 4 }, { "a@b.c\0", 6 },
} ;

static void rawbytes (tern_addr *a)
{
  unsigned int i ;
  for (i = 0 ; i < sizeof raw / sizeof *raw ; i++)
  {
    char p[64] ;
    size_t used ;
    T(tern_addr_parse(a, raw[i].s, raw[i].len, U|D) == BAD, m("raw mailbox", raw[i].s)) ;
    p[0] = '<' ; memcpy(p + 1, raw[i].s, raw[i].len) ; p[raw[i].len + 1] = '>' ;
    T(tern_path_parse(a, p, raw[i].len + 2, U|D|N, &used) == BAD, m("raw path", raw[i].s)) ;
  }
}

static void refexamples (tern_addr *a, stralloc *sa)
{
  /* REFERENCE.md 12; the emoji domain cannot come from the parser (IDNA2008) */
  tern_addr h = TERN_ADDR_ZERO ;
  T(stralloc_cats(&h.local, "☹") && stralloc_cats(&h.domain, "xn--74h.example")
    && stralloc_cats(&h.udomain, "☺.example"), "build ☹@☺.example") ;
  h.flags = F8 | FI ;
  T(tern_addr_logfmt(sa, &h) && eq(sa, "☹@☺.example/\"\\u2639\"@xn--74h.example"), "log ☹@☺.example") ;
  T(tern_addr_fmt(sa, &h, 0) && eq(sa, "☹@☺.example"), "fmt ☹@☺.example") ;
  T(tern_addr_fmt(sa, &h, 1) && eq(sa, "☹@xn--74h.example"), "fmt ☹@xn--74h.example") ;
  tern_addr_free(&h) ;
  T(tern_domain_logfmt(sa, "xn--mx-lka.example", "møx.example") && eq(sa, "møx.example/xn--mx-lka.example"), "domain log form, IDN") ;
  T(tern_domain_logfmt(sa, "example.com", "example.com") && eq(sa, "example.com"), "domain log form, ASCII") ;
  T(tern_domain_logfmt(sa, "example.com", 0) && eq(sa, "example.com"), "domain log form, no unicode") ;
  T(tern_addr_parse(a, "mox@example.com", 15, 0) == OK && tern_addr_logfmt(sa, a) && eq(sa, "mox@example.com"), "log mox@example.com") ;
  T(tern_addr_parse(a, "<mox@example.com>", 17, 0) == BAD, "mailbox parse refuses brackets") ;
  T(tern_addr_fmtlocal(sa, "a\"b", 3) && eq(sa, "\"a\\\"b\""), "fmtlocal quotes") ;
  T(tern_addr_dotatom("a.b", 3) && !tern_addr_dotatom("a..b", 4) && !tern_addr_dotatom("", 0), "dotatom") ;
  T(tern_addr_literal(sa, "[IPv6:::1]", 10) == OK && eq(sa, "[IPv6:::1]"), "literal ::1") ;
  /* queue envelope addresses (SMTP form, A-label) in the log form */
  T(tern_addr_logtext(sa, "q@xn--bcher-kva.test", 0) && eq(sa, "q@bücher.test/q@xn--bcher-kva.test"), "logtext A-label") ;
  T(tern_addr_logtext(sa, "q@XN--BCHER-KVA.test", 0) && eq(sa, "q@bücher.test/q@xn--bcher-kva.test"), "logtext A-label, upper case") ;
  T(tern_addr_logtext(sa, "jøe@example.org", 1) && eq(sa, "jøe@example.org/\"j\\u00f8e\"@example.org"), "logtext UTF-8 localpart") ;
  T(tern_addr_logtext(sa, "\"a b\"@example.org", 0) && eq(sa, "\"a b\"@example.org/\"\\\"a b\\\"\"@example.org"), "logtext quoted: as tern-smtp-in logs it") ;
  T(tern_addr_logtext(sa, "a@[192.0.2.1]", 0) && eq(sa, "a@192.0.2.1"), "logtext literal") ;
  T(tern_addr_logtext(sa, "bob@example.org", 0) && eq(sa, "bob@example.org"), "logtext plain") ;
  T(tern_addr_logtext(sa, "box-xn--x@example.org", 0) && eq(sa, "box-xn--x@example.org"), "logtext xn-- in a localpart") ;
  T(tern_addr_logtext(sa, "", 0) && eq(sa, ""), "logtext null") ;
  T(tern_addr_logtext(sa, "a@xn--zz", 0) && eq(sa, "a@xn--zz"), "logtext not an address: as it is") ;
}

static void params (tern_addr *a, stralloc *sa)
{
  static char const in[] = "<a@example.com> SIZE=100 BODY=8BITMIME" ;
  static char const q[] = "<\"x>y\"@example.com> SIZE=1" ;
  size_t used = 0 ;
  T(tern_path_parse(a, in, sizeof in - 1, 0, &used) == OK && used == 15, "path followed by parameters") ;
  T(tern_path_parse(a, q, sizeof q - 1, 0, &used) == OK && used == 19, "quoted '>' does not end the path") ;
  /* a second parse into the same address forgets the first */
  T(tern_path_parse(a, "<mox@møx.example>", 18, U, &used) == OK, "parse IDN") ;
  T(tern_path_parse(a, "<>", 2, N, &used) == OK && a->flags == TERN_ADDRF_NULL && !a->domain.len && !a->local.len, "null path resets") ;
  T(tern_path_parse(a, "<b@[192.0.2.1]>", 15, 0, &used) == OK && tern_path_parse(a, "<c@example.org>", 15, 0, &used) == OK
    && a->flags == 0 && tern_addr_fmt(sa, a, 0) && eq(sa, "c@example.org"), "flags reset") ;
}

static void more (tern_addr *a, stralloc *sa)
{
  stralloc u = STRALLOC_ZERO ;
  unsigned int i ;
  for (i = 0 ; i < sizeof domains / sizeof *domains ; i++) onedomain(i, sa, &u) ;
  stralloc_free(&u) ;
  limits(a, sa) ;
  rawbytes(a) ;
  refexamples(a, sa) ;
  params(a, sa) ;
}

int main (void)
{
  tern_addr a = TERN_ADDR_ZERO ;
  stralloc sa = STRALLOC_ZERO ;
  unsigned int i ;
  for (i = 0 ; i < sizeof paths / sizeof *paths ; i++) onepath(i, &a, &sa) ;
  more(&a, &sa) ;
  tern_addr_free(&a) ;
  stralloc_free(&sa) ;
  return tdone() ;
}
