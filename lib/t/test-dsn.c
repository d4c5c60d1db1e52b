/* test-dsn: the DSN composer: input lines, Status, cleaning, the delay
   schedule, folding, the original attached, and whole notices checked for
   structure (CRLF lines <= 998 bytes, parts, fields) with hostile text. */
#include <string.h>
#include <stdlib.h>
#include "tern.h"
#include "tern_dsn.h"
#include "t.h"

static struct { char const *in ; int r ; unsigned int action ; char const *addr, *code, *text ; } const lines[] =
{
  { "failed bob@example.org 550 5.1.1 no such user", TERN_OK, TERN_DSN_FAILED, "bob@example.org", "550", "5.1.1 no such user" },
  { "delayed c@x.example 451 tern: unable to connect", TERN_OK, TERN_DSN_DELAYED, "c@x.example", "451", "tern: unable to connect" },
  { "failed \"a b\"@x.example 550 x", TERN_OK, TERN_DSN_FAILED, "\"a b\"@x.example", "550", "x" },
  { "failed \"a\\\" b\"@x.example 550", TERN_OK, TERN_DSN_FAILED, "\"a\\\" b\"@x.example", "550", "" },
  { "failed bob@example.org 550 ", TERN_OK, TERN_DSN_FAILED, "bob@example.org", "550", "" },
  { "bounced bob@example.org 550 x", TERN_PERM, 0, 0, 0, 0 },
  { "failed bob@example.org 55 x", TERN_PERM, 0, 0, 0, 0 },
  { "failed bob@example.org 5500 x", TERN_PERM, 0, 0, 0, 0 },
  { "failed bob@example.org 5x0 x", TERN_PERM, 0, 0, 0, 0 },
  { "failed bob@example.org", TERN_PERM, 0, 0, 0, 0 },
  { "failed  550 x", TERN_PERM, 0, 0, 0, 0 },
  { "failed", TERN_PERM, 0, 0, 0, 0 },
  { "", TERN_PERM, 0, 0, 0, 0 },
} ;

static struct { unsigned int action ; char const *text, *st ; int has ; } const statuses[] =
{
  { TERN_DSN_FAILED, "5.1.1 no such user", "5.1.1", 1 },
  { TERN_DSN_FAILED, "4.4.1 tern: unable to connect", "5.4.1", 1 },
  { TERN_DSN_DELAYED, "5.7.1 go away", "4.7.1", 1 },
  { TERN_DSN_DELAYED, "2.123.999", "4.123.999", 1 },
  { TERN_DSN_FAILED, "5.1234.1 x", "5.0.0", 0 },
  { TERN_DSN_FAILED, "5.1.1x", "5.0.0", 0 },
  { TERN_DSN_FAILED, "3.1.1 x", "5.0.0", 0 },
  { TERN_DSN_FAILED, "tern: no such address", "5.0.0", 0 },
  { TERN_DSN_DELAYED, "", "4.0.0", 0 },
  { TERN_DSN_DELAYED, "4..1 x", "4.0.0", 0 },
} ;

static struct { char const *in ; int utf8 ; size_t max ; char const *out ; } const cleans[] =
{
  { "  a\r\n b\t\tc \x01 ", 0, 100, "a b c" },
  { "caf\xc3\xa9", 0, 100, "caf??" },
  { "caf\xc3\xa9", 1, 100, "caf\xc3\xa9" },
  { "x\xc2\x85y\xff", 1, 100, "x?y?" },
  { "abcdefghij", 0, 8, "abcde..." },
  { "abc d\xc3\xa9\xc3\xa9", 1, 8, "abc d..." },
  { "abc d\xc3\xa9\xc3\xa9", 1, 9, "abc d\xc3\xa9\xc3\xa9" },
  { "\x7f\x1b[31m", 0, 100, "[31m" },
} ;

static void testlines (void)
{
  for (size_t i = 0 ; i < sizeof lines / sizeof *lines ; i++)
  {
    char buf[200] ;
    tern_dsn_rcpt r ;
    size_t n = strlen(lines[i].in) ;
    memcpy(buf, lines[i].in, n + 1) ;
    int x = tern_dsn_line(&r, buf, n) ;
    T(x == lines[i].r, lines[i].in) ;
    if (x || lines[i].r) continue ;
    T(r.action == lines[i].action && !strcmp(r.addr, lines[i].addr) && !strcmp(r.code, lines[i].code)
      && r.textlen == strlen(lines[i].text) && !memcmp(r.text, lines[i].text, r.textlen), lines[i].in) ;
  }
}

static void teststatus (void)
{
  for (size_t i = 0 ; i < sizeof statuses / sizeof *statuses ; i++)
  {
    char st[TERN_DSN_STATUSMAX] ;
    int h = tern_dsn_status(st, statuses[i].action, statuses[i].text, strlen(statuses[i].text)) ;
    T(h == statuses[i].has && !strcmp(st, statuses[i].st), statuses[i].text) ;
  }
}

static void testclean (void)
{
  stralloc sa = STRALLOC_ZERO ;
  for (size_t i = 0 ; i < sizeof cleans / sizeof *cleans ; i++)
  {
    sa.len = 0 ;
    T(tern_dsn_clean(&sa, cleans[i].in, strlen(cleans[i].in), cleans[i].utf8, cleans[i].max)
      && sa.len == strlen(cleans[i].out) && !memcmp(sa.s, cleans[i].out, sa.len), cleans[i].out) ;
    T(sa.len <= cleans[i].max, "clean respects max") ;
  }
  stralloc_free(&sa) ;
}

static void testwaits (void)
{
  uint64_t u ;
  T(tern_dsn_waits(5, 8, 1000, &u) == 3 && u == 1000 + 454 * (16 + 32 + 64), "after 5 of 8: 3 waits, 2h 4h 8h + jitter") ;
  T(tern_dsn_waits(1, 8, 0, &u) == 7 && u == 454 * 127, "after 1 of 8: 7 waits") ;
  T(tern_dsn_waits(8, 8, 5, &u) == 0 && u == 5, "after 8 of 8: none") ;
  T(tern_dsn_waits(3, 4, 0, &u) == 1 && u == 454 * 4, "after 3 of 4: one") ;
  T(tern_dsn_waits(0, 2, 0, &u) == 1 && u == 454, "0 attempts counts as 1") ;
  T(tern_dsn_waits(1, 1000, UINT64_MAX - 10, &u) == 999 && u == UINT64_MAX, "saturates") ;
}

/* CRLF only, no line over 998 bytes */
static int crlf (char const *s, size_t len)
{
  size_t col = 0 ;
  for (size_t i = 0 ; i < len ; i++)
  {
    if (s[i] == '\r') { if (i + 1 >= len || s[i + 1] != '\n') return 0 ; i++ ; col = 0 ; continue ; }
    if (s[i] == '\n' || ++col > 998) return 0 ;
  }
  return len >= 2 && s[len - 2] == '\r' ;
}

static int has (stralloc const *sa, char const *s)
{
  size_t n = strlen(s) ;
  for (size_t i = 0 ; i + n <= sa->len ; i++) if (!memcmp(sa->s + i, s, n)) return 1 ;
  return 0 ;
}

static void testfold (void)
{
  stralloc sa = STRALLOC_ZERO, v = STRALLOC_ZERO ;
  T(tern_dsn_fold(&sa, "Status", "5.1.1", 5) && sa.len == 15 && !memcmp(sa.s, "Status: 5.1.1\r\n", 15), "short field") ;
  for (unsigned int i = 0 ; i < 40 ; i++) stralloc_cats(&v, "word ") ;
  sa.len = 0 ;
  T(tern_dsn_fold(&sa, "Diagnostic-Code", v.s, v.len) && crlf(sa.s, sa.len), "folded field is CRLF lines") ;
  T(has(&sa, "word\r\n word"), "folded at a space") ;
  {
    size_t first = (size_t)((char *)memchr(sa.s, '\r', sa.len) - sa.s) ;
    T(first <= 78, "first line within 78") ;
  }
  v.len = 0 ;
  for (unsigned int i = 0 ; i < 3000 ; i++) stralloc_cats(&v, "\xc3\xa9") ;
  sa.len = 0 ;
  T(tern_dsn_fold(&sa, "X", v.s, v.len) && crlf(sa.s, sa.len), "unbreakable 6000 bytes: lines <= 998") ;
  T(!has(&sa, "\xc3\r"), "not broken inside a UTF-8 character") ;
  sa.len = 0 ;
  T(tern_dsn_wrap(&sa, "  ", v.s, 3001, 76) && crlf(sa.s, sa.len), "wrap of a long word") ;
  T(has(&sa, "\r\n  \xc3"), "wrapped lines are indented") ;
  sa.len = 0 ;
  T(tern_dsn_wrap(&sa, "    ", "a b c", 5, 76) && sa.len == 11 && !memcmp(sa.s, "    a b c\r\n", 11), "short paragraph") ;
  stralloc_free(&sa) ;
  stralloc_free(&v) ;
}

static struct { char const *in ; int hdronly ; char const *out ; } const origs[] =
{
  { "A: 1\r\nB: 2\r\n\r\nbody\r\n", 1, "A: 1\r\nB: 2\r\n" },
  { "A: 1\r\nB: 2\r\n\r\nbody\r\n", 0, "A: 1\r\nB: 2\r\n\r\nbody\r\n" },
  { "A: 1\nB: 2\n\nbody", 0, "A: 1\r\nB: 2\r\n\r\nbody\r\n" },
  { "A: 1\rB: 2\r\rbody\r", 1, "A: 1\r\nB: 2\r\n" },
  { "A: 1\r\n", 1, "A: 1\r\n" },
  { "\r\nbody", 1, "" },
} ;

static void testorig (void)
{
  stralloc sa = STRALLOC_ZERO, m = STRALLOC_ZERO ;
  int e8 ;
  for (size_t i = 0 ; i < sizeof origs / sizeof *origs ; i++)
  {
    sa.len = 0 ; e8 = 0 ;
    T(tern_dsn_orig(&sa, origs[i].in, strlen(origs[i].in), origs[i].hdronly, &e8)
      && sa.len == strlen(origs[i].out) && !memcmp(sa.s, origs[i].out, sa.len) && !e8, origs[i].in) ;
  }
  stralloc_cats(&m, "Subject: caf\xc3\xa9 ") ;
  for (unsigned int i = 0 ; i < 2000 ; i++) stralloc_cats(&m, "x") ;
  stralloc_cats(&m, "\r\n\r\n") ;
  for (unsigned int i = 0 ; i < 2000 ; i++) stralloc_cats(&m, "y") ;
  sa.len = 0 ; e8 = 0 ;
  T(tern_dsn_orig(&sa, m.s, m.len, 0, &e8) && crlf(sa.s, sa.len) && e8, "long lines broken, 8bit seen") ;
  T(has(&sa, "x\r\n x") && has(&sa, "y\r\ny"), "header lines folded, body lines broken") ;
  m.len = 0 ;
  for (unsigned int i = 0 ; i < 20000 ; i++) stralloc_cats(&m, "X-Long: 0123456789\r\n") ;
  sa.len = 0 ;
  T(tern_dsn_orig(&sa, m.s, m.len, 1, &e8) && sa.len <= TERN_DSN_HDRMAX && sa.len > TERN_DSN_HDRMAX - 100, "header capped") ;
  T(sa.len >= 2 && sa.s[sa.len - 1] == '\n', "header cut at a line end") ;
  stralloc_free(&sa) ;
  stralloc_free(&m) ;
}

static struct { char const *in ; int r ; char const *id ; } const msgids[] =
{
  { "Subject: x\r\nMessage-ID: <a@b.example>\r\n\r\n", 1, "<a@b.example>" },
  { "message-id:\r\n   <a@b.example>  \r\n\r\n", 1, "<a@b.example>" },
  { "Subject: x\r\n\r\nMessage-ID: <a@b.example>\r\n", 0, 0 },
  { "Message-ID: <a b@c>\r\n", 0, 0 },
  { "Message-ID: <a\x01@c>\r\n", 0, 0 },
  { "Message-ID: a@c\r\n", 0, 0 },
  { "Message-ID: <a<@c>\r\n", 0, 0 },
  { "X-Message-ID: <a@c>\r\n", 0, 0 },
  { "Message-ID: <x@y>", 1, "<x@y>" },
} ;

static void testmsgid (void)
{
  stralloc sa = STRALLOC_ZERO ;
  for (size_t i = 0 ; i < sizeof msgids / sizeof *msgids ; i++)
  {
    sa.len = 0 ;
    int r = tern_dsn_msgid(&sa, msgids[i].in, strlen(msgids[i].in)) ;
    T(r == msgids[i].r && (!r || (sa.len == strlen(msgids[i].id) && !memcmp(sa.s, msgids[i].id, sa.len))), msgids[i].in) ;
  }
  stralloc_free(&sa) ;
}

static char const msg[] = "Received: from x\r\nSubject: hello\r\nMessage-ID: <m1@a.example>\r\n\r\nthe body\r\n" ;

static void notice (stralloc *sa, tern_dsn *d, tern_dsn_rcpt *r, unsigned int n)
{
  d->hostname = "mail.example.org" ; d->sender = "alice@example.org" ; d->uniq = "1700000000.123" ;
  d->arrival = 1700000000 ; d->now = 1700003600 ; d->maxattempts = 8 ;
  d->msg = msg ; d->msglen = sizeof msg - 1 ; d->msgsize = d->msglen ; if (!d->fullmax) d->fullmax = TERN_DSN_FULLMAX ;
  d->rcpts = r ; d->nrcpt = n ;
  sa->len = 0 ;
  T(tern_dsn_fmt(sa, d), "fmt") ;
  T(crlf(sa->s, sa->len), "notice: CRLF lines of at most 998 bytes") ;
}

static void testfmt (void)
{
  stralloc sa = STRALLOC_ZERO ;
  tern_dsn d = { 0 } ;
  tern_dsn_rcpt r[2] =
  {
    { .action = TERN_DSN_FAILED, .addr = "bob@remote.example", .code = "550", .text = "4.1.1 no such user", .textlen = 18, .attempts = 1, .last = 1700001000 },
    { .action = TERN_DSN_DELAYED, .addr = "carol@remote.example", .code = "451", .text = "tern: unable to connect", .textlen = 23, .attempts = 5, .last = 1700002000 },
  } ;
  notice(&sa, &d, r, 1) ;
  T(sa.len > 17 && !memcmp(sa.s, "Return-Path: <>\r\n", 17), "Return-Path first") ;
  T(has(&sa, "\r\nFrom: Mail Delivery System <postmaster@mail.example.org>\r\n"), "From") ;
  T(has(&sa, "\r\nTo: <alice@example.org>\r\n"), "To") ;
  T(has(&sa, "\r\nSubject: Mail delivery failed\r\n"), "Subject failed") ;
  T(has(&sa, "\r\nDate: Tue, 14 Nov 2023 23:13:20 +0000\r\n"), "Date") ;
  T(has(&sa, "\r\nMessage-ID: <1700000000.123@mail.example.org>\r\n"), "Message-ID") ;
  T(has(&sa, "\r\nIn-Reply-To: <m1@a.example>\r\nReferences: <m1@a.example>\r\n"), "In-Reply-To, References") ;
  T(has(&sa, "\r\nAuto-Submitted: auto-replied\r\n"), "Auto-Submitted") ;
  T(has(&sa, "multipart/report; report-type=delivery-status;\r\n boundary=\"=_tern-dsn-1700000000.123a\""), "Content-Type") ;
  T(has(&sa, "Content-Type: message/delivery-status\r\n"), "delivery-status part") ;
  T(has(&sa, "\r\n\r\nReporting-MTA: dns; mail.example.org\r\nArrival-Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n\r\n"
    "Final-Recipient: rfc822; bob@remote.example\r\nAction: failed\r\nStatus: 5.1.1\r\n"
    "Diagnostic-Code: smtp; 550 4.1.1 no such user\r\nLast-Attempt-Date: Tue, 14 Nov 2023 22:30:00 +0000\r\n\r\n--"), "delivery-status fields") ;
  T(has(&sa, "Content-Type: message/rfc822\r\nContent-Transfer-Encoding: 7bit\r\n\r\nReceived: from x\r\n"), "whole message attached") ;
  T(has(&sa, "the body\r\n\r\n--=_tern-dsn-1700000000.123a--\r\n"), "closing boundary") ;
  T(has(&sa, "no further attempts"), "plain words") ;
  notice(&sa, &d, r + 1, 1) ;
  T(has(&sa, "\r\nSubject: Mail delivery delayed\r\n"), "Subject delayed") ;
  T(has(&sa, "Action: delayed\r\nStatus: 4.0.0\r\nDiagnostic-Code: smtp; 451 tern: unable to connect\r\n"), "delayed fields") ;
  T(has(&sa, "Will-Retry-Until: Wed, 15 Nov 2023 12:54:08 +0000\r\n"), "Will-Retry-Until = last + 14 h + jitter") ;
  T(has(&sa, "tern has tried 5 times and will try 3 more times: in about 2 hours, then 4\r\nhours after that, then 8 hours after that."), "schedule in words") ;
  T(has(&sa, "Content-Type: text/rfc822-headers\r\nContent-Transfer-Encoding: 7bit\r\n\r\nReceived: from x\r\nSubject: hello\r\nMessage-ID: <m1@a.example>\r\n\r\n--"), "delay: header only") ;
  T(!has(&sa, "the body"), "delay: no body") ;
  notice(&sa, &d, r, 2) ;
  T(has(&sa, "Subject: Mail delivery failed") && has(&sa, "Action: failed") && has(&sa, "Action: delayed"), "mixed notice") ;
  d.fullmax = 10 ;
  notice(&sa, &d, r, 1) ;
  T(has(&sa, "text/rfc822-headers") && !has(&sa, "the body"), "over fullmax: header only") ;
  d.fullmax = TERN_DSN_FULLMAX ;
  d.utf8 = 1 ;
  r[0].addr = "b\xc3\xb8" "b@remote.example" ;
  notice(&sa, &d, r, 1) ;
  T(has(&sa, "message/global-delivery-status") && has(&sa, "Content-Type: message/global\r\n"), "utf8: global types") ;
  T(has(&sa, "Final-Recipient: utf-8; b\xc3\xb8" "b@remote.example\r\n"), "utf8: utf-8 address type") ;
  T(has(&sa, "text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit"), "utf8: text is 8bit") ;
  d.utf8 = 0 ;
  notice(&sa, &d, r, 1) ;
  T(has(&sa, "Final-Recipient: rfc822; b??b@remote.example\r\n"), "ascii notice: no raw 8-bit address") ;
  d.postmaster = 1 ;
  notice(&sa, &d, r, 1) ;
  T(has(&sa, "went to the postmaster"), "postmaster note") ;
  stralloc_free(&sa) ;
}

static void testhostile (void)
{
  stralloc sa = STRALLOC_ZERO, text = STRALLOC_ZERO, m = STRALLOC_ZERO, addr = STRALLOC_ZERO ;
  tern_dsn d = { 0 } ;
  tern_dsn_rcpt r = { .action = TERN_DSN_FAILED, .code = "550", .attempts = 8, .last = 1 } ;
  for (unsigned int i = 0 ; i < 70000 ; i++) stralloc_catb(&text, i % 7 ? "A\r\n\x00\x1b\xff--=_tern-dsn" + i % 17 : " ", 1) ;
  for (unsigned int i = 0 ; i < 3000 ; i++) stralloc_cats(&addr, "x\r\n>") ;
  stralloc_0(&addr) ;
  stralloc_cats(&m, "Subject: --=_tern-dsn-1700000000.123a\r\n\r\n--=_tern-dsn-1700000000.123a--\r\n") ;
  for (unsigned int i = 0 ; i < 5000 ; i++) stralloc_catb(&m, "\r\n\x00\x80z" + i % 5, 1) ;
  r.addr = addr.s ; r.text = text.s ; r.textlen = text.len ;
  d.hostname = "mail.example.org\r\nBcc: x" ; d.sender = "a\r\nBcc: evil@x" ; d.uniq = "1700000000.123" ;
  d.now = 1 ; d.arrival = UINT64_MAX ; d.maxattempts = 1000 ;
  d.msg = m.s ; d.msglen = m.len ; d.msgsize = m.len ; d.fullmax = TERN_DSN_FULLMAX ;
  d.rcpts = &r ; d.nrcpt = 1 ;
  T(tern_dsn_fmt(&sa, &d) && crlf(sa.s, sa.len), "hostile: CRLF lines <= 998") ;
  T(!has(&sa, "\r\nBcc:"), "hostile: no injected header") ;
  T(has(&sa, "boundary=\"=_tern-dsn-1700000000.123b\""), "hostile: boundary in the message is avoided") ;
  T(sa.len < 200000, "hostile: bounded size") ;
  r.action = TERN_DSN_DELAYED ; r.attempts = 2 ;
  sa.len = 0 ;
  T(tern_dsn_fmt(&sa, &d) && crlf(sa.s, sa.len), "hostile delay, 1000 attempts: valid") ;
  T(has(&sa, "and 992 more times"), "long schedules are summed up") ;
  T(!has(&sa, "Will-Retry-Until"), "out of range date left out") ;
  stralloc_free(&sa) ; stralloc_free(&text) ; stralloc_free(&m) ; stralloc_free(&addr) ;
}

int main (void)
{
  testlines() ;
  teststatus() ;
  testclean() ;
  testwaits() ;
  testfold() ;
  testorig() ;
  testmsgid() ;
  testfmt() ;
  testhostile() ;
  return tdone() ;
}
