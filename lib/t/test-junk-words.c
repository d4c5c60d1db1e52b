/* test-junk-words: tern_junkwords_message on small crafted messages, each
   with its exact words in first-seen order (REFERENCE.md 8.2); then
   hostile input with generous time and memory bounds. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <skalibs/stralloc.h>
#include "t.h"
#include "tern_junk.h"
#include "tern_siphash.h"

/* the words of msg with n-grams g ("1", "12", "123", "2"...), joined by '|' */
static char const *words (tern_junkwords *w, char const *g, char const *msg, size_t len)
{
  static stralloc out = STRALLOC_ZERO ;
  tern_junkopt o ;
  memset(&o, 0, sizeof o) ;
  o.onegrams = !!strchr(g, '1') ; o.twograms = !!strchr(g, '2') ; o.threegrams = !!strchr(g, '3') ;
  o.maxbytes = 1 << 20 ;
  out.len = 0 ;
  if (!tern_junkwords_message(w, msg, len, &o)) return "ENOMEM" ;
  for (unsigned int i = 0 ; i < w->n ; i++)
    if ((i && !stralloc_catb(&out, "|", 1)) || !stralloc_cats(&out, tern_junkwords_word(w, i))) return "ENOMEM" ;
  if (!stralloc_0(&out)) return "ENOMEM" ;
  return out.s ;
}

static struct { char const *what, *g, *msg, *want ; } const cases[] =
{
  { "plain body", "1", "\nHello world, the test\n", "hello|world|the|test" },
  { "drop rules", "1", "\nab abc 12345 abc123 0xdeadbeef 0x123 x1234y a12b bcdfgh bcdfg aeiou9999 ''ab'' caf\xc3\xa9" "123"
    " k9k9k9 k1k9k9 BCDFGHa zzzzz0zzzzz xzzzzzzq\xc3\xa9\n",
    "abc|0xdeadbeef|a12b|bcdfg|caf\xc3\xa9" "123|k1k9k9|zzzzz0zzzzz|xzzzzzzq\xc3\xa9" },
  { "long tokens after 6 consonants in a row (8 bytes at a time)", "1",
    "\nbcdfghjkAbCdEfGh12\xc3\xa9 bcdfghjk12345678\xc3\xa9 bcdfghjk0a1b2c3d\xc3\xa9 bcdfghjkABCDEF01\xc3\xa9"
    " BCDFGHJKLMNPQRSTVWXZ\xc3\xa9 bcdfghjkaeiouaeiou9\xc3\xa9 bcdfghjkzzzzzzzz1\n",
    "bcdfghjkabcdefgh12\xc3\xa9|bcdfghjkabcdef01\xc3\xa9|bcdfghjklmnpqrstvwxz\xc3\xa9|bcdfghjkaeiouaeiou9\xc3\xa9" },
  { "a word over 64 bytes ends a history, a dropped one does not", "12",
    "\nalpha 1XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX\xc3\xa9 omega"
    " 2XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX beta\n",
    "alpha|omega|omega beta|beta" },
  { "apostrophe", "1", "\ndon't dogs' 'quoted' rock'n'roll it's abc'9 o'clock\n", "don|dogs|quoted|rock|roll|abc'9|clock" },
  { "n-grams", "123", "\none two three four\n",
    "one|one two|two|one two three|two three|three|two three four|three four|four" },
  { "twograms only", "2", "\nfirst second. third ab fourth\n", "first second|second third|third fourth" },
  { "history per part", "2",
    "Content-Type: multipart/mixed; boundary=b\n\n--b\n\nalpha beta\n--b\n\ngamma delta\n--b--\n",
    "ct:multipart/mixed|alpha beta|gamma delta" },
  { "case and unicode", "1", "\nHELLO \xc3\x84rger \xce\xa3\xce\x9f\xce\xa6\xce\x99\xce\x91 \xe6\xbc\xa2\xe5\xad\x97\xe8\xaa\x9e \xd9\xa1\xd9\xa2\xd9\xa3\n",
    "hello|\xc3\xa4rger|\xcf\x83\xce\xbf\xcf\x86\xce\xb9\xce\xb1|\xe6\xbc\xa2\xe5\xad\x97\xe8\xaa\x9e" },
  { "invalid utf-8 and NUL end words", "1", "\nabc\xff" "def\xc3" "ghi\0jkl\n", "abc|def|ghi|jkl" },
  { "header words", "12",
    "From: \"Alice Smith\" <alice@example.com>\nTo: bob@x.org\nSubject: Cheap\n pills now\nX-Other: notme\n"
    "reply-to: rr@example.net\nReturn-Path: <bounce@example.com>\n\nbody text\n",
    "From:alice|From:alice smith|From:smith|From:smith alice|From:alice example|From:example|From:example com"
    "|To:bob org|Subject:cheap|Subject:cheap pills|Subject:pills|Subject:pills now"
    "|Reply-To:example|Reply-To:example net|Return-Path:bounce|Return-Path:bounce example|Return-Path:example"
    "|Return-Path:example com|body|body text|text" },
  { "CRLF, Cc Bcc Sender, other fields ignored", "1",
    "Cc: carol@example.org\r\nBCC: dave@example.org\r\nsender: list-owner@lists.example\r\nX-Mailer: mailerword\r\n"
    "Received: from relayword\r\nContent-Type: multipart/mixed; boundary=\"c\"\r\n\r\n--c\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n\r\ncrlf body\r\n--c--\r\n",
    "Cc:carol|Cc:example|Bcc:dave|Bcc:example|Sender:list|Sender:owner|Sender:lists|Sender:example"
    "|ct:multipart/mixed|ct:text/plain|cs:utf-8|crlf|body" },
  { "mbox From line", "1", "From alice@example.com Mon Jan  1 00:00:00 2024\nSubject: hello there\n\nmbox body\n",
    "Subject:hello|Subject:there|mbox|body" },
  { "base64", "1", "Content-Transfer-Encoding: base64\n\naGVsbG8gYmFzZTY0IHdvcmxk\n", "hello|base64|world" },
  { "broken base64", "1", "Content-Transfer-Encoding: BASE64\n\naGVsb!!G8gd29y*bGQ\n", "hello|world" },
  { "quoted-printable", "1", "Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\ncaf=E9 soft=\nbreak =ZZbad\n",
    "ct:text/plain|cs:iso-8859-1|caf\xc3\xa9|softbreak|zzbad" },
  { "latin-1", "1", "Content-Type: text/plain; charset=ISO-8859-1\n\nGr\xfc\xdf" "e \xc0la\n", "ct:text/plain|cs:iso-8859-1|gr\xc3\xbc\xc3\x9f" "e|\xc3\xa0la" },
  { "cp1252", "1", "Content-Type: text/plain; charset=windows-1252\n\n\x93quoted\x94 \x8a" "ab\n", "ct:text/plain|cs:windows-1252|quoted|\xc5\xa1" "ab" },
  { "koi8-r via iconv", "1", "Content-Type: text/plain; charset=\"KOI8-R\"\n\n\xf0\xd2\xc9\xd7\xc5\xd4 \xcd\xc9\xd2\n",
    "ct:text/plain|cs:koi8-r|\xd0\xbf\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82|\xd0\xbc\xd0\xb8\xd1\x80" },
  { "unknown charset: bytes as they are", "1", "Content-Type: text/plain; charset=x-unknown-42\n\nplain words \xff" "here\n", "ct:text/plain|cs:x-unknown-42|plain|words|here" },
  { "html", "1", "Content-Type: text/html\n\n<html><head><title>The Title</title><style>p { color: red }</style>"
    "<script>var hidden = 1; if (a < b) {}</script></head><body>\n<p>Caf&eacute; &amp; cr&#232;me &#x41;bc</p>\n"
    "<img src=\"x.png\" alt=\"picture text\"> <svg><g>drawing</g>svgonly</svg> <br>tail <!-- comment here --> end</body></html>\n",
    "ct:text/html|the|title|caf\xc3\xa9|cr\xc3\xa8me|abc|picture|text|drawing|tail|end" },
  { "html text nodes join", "1", "Content-Type: text/html\n\n<b>bold</b><i>italic</i> x<img alt='alt'/>tail\n", "ct:text/html|bolditalic|xalttail" },
  { "multipart/alternative", "1",
    "Content-Type: multipart/alternative; boundary=\"==b;x\"\n\npreamble\n--==b;x\nContent-Type: text/plain\n\nplain part\n"
    "--==b;x\nContent-Type: text/html\n\n<p>html part</p>\n--==b;x--\nepilogue\n", "ct:multipart/alternative|ct:text/plain|plain|part|ct:text/html|html" },
  { "other types skipped", "1",
    "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: application/octet-stream\n\nbinary stuff\n"
    "--b\nContent-Type: image/png\n\nimage stuff\n--b\nContent-Type: text/x-custom\n\ncustom text\n--b--\n",
    "ct:multipart/mixed|ct:application/octet-stream|ct:image/png|ct:text/x-custom|custom|text" },
  { "message/rfc822", "1",
    "Subject: outer\nContent-Type: message/rfc822\n\nSubject: inner subject\nContent-Type: text/plain\n\ninner body\n",
    "Subject:outer|ct:message/rfc822|ct:text/plain|inner|body" },
  { "digest", "1",
    "Content-Type: multipart/digest; boundary=d\n\n--d\n\nSubject: one\n\nfirst message\n--d\n\nSubject: two\n\nsecond message\n--d--\n",
    "ct:multipart/digest|first|message|second" },
  { "no closing delimiter", "1", "Content-Type: multipart/mixed; boundary=b\n\n--b\n\nunclosed part\n", "ct:multipart/mixed|unclosed|part" },
  { "boundary needs its own line", "1", "Content-Type: multipart/mixed; boundary=b\n\n--b\n\nfirst part\n--bx\nstill first\n--b--\n",
    "ct:multipart/mixed|first|part|still" },
  { "Received hosts, Message-ID domain", "1",
    "Received: from mail.Example.COM (mail.example.com [192.0.2.7])\n\tby mx.tern.test with ESMTP id ab.\nX-Received: by x.y.example\n"
    "Message-ID: <abc.123@Gen.Sender.example>\nMessage-Id: <second@other.example>\n\nbody\n",
    "rcvd:mail.example.com|rcvd:example.com|rcvd:192.0.2.7|rcvd:mx.tern.test|rcvd:tern.test|mid:gen.sender.example"
    "|mid:other.example|body" },
  { "cs: printable ASCII only", "1", "Content-Type: text/plain; charset=\"a\xff" "b\"\n\nword\n", "ct:text/plain|word" },
  { "URL hosts", "1",
    "Content-Type: text/html\n\n<a href=\"HTTP://www.Spam.example/x?y\">click</a> see https://a.b.c.example:8080/ "
    "ftp://10.0.0.1/f mailto:x@y.example http://nodot/ http://.bad.example http://\n",
    "ct:text/html|url:www.spam.example|url:spam.example|url:a.b.c.example|url:b.c.example|url:c.example|url:10.0.0.1"
    "|click|see|https|example|ftp|mailto|http|nodot|bad" },
} ;

/* SipHash-2-4 test vectors of the reference (key 00..0f, message 00..len-1);
   SipHash-1-3's (the word set's hash) */
static void siphash (void)
{
  static uint64_t const want[4] = { 0x726fdb47dd0e0e31ULL, 0x74f839c593dc67fdULL, 0x0d6c8009d9a94f5aULL, 0xa129ca6149be45e5ULL } ;
  static size_t const lens[4] = { 0, 1, 2, 15 } ;
  unsigned char k[16], m[16] ;
  uint64_t key[2] = { 0, 0 } ;
  for (unsigned int i = 0 ; i < 16 ; i++) { k[i] = (unsigned char)i ; m[i] = (unsigned char)i ; }
  for (unsigned int i = 0 ; i < 8 ; i++) { key[0] |= (uint64_t)k[i] << (8 * i) ; key[1] |= (uint64_t)k[8 + i] << (8 * i) ; }
  for (unsigned int i = 0 ; i < 4 ; i++) T(tern_siphash(key, m, lens[i]) == want[i], "siphash test vector") ;
  /* SipHash-1-3, zero key: published values (Rust's digest sip-hash) */
  key[0] = key[1] = 0 ;
  T(tern_siphash13(key, "", 0) == 0xd1fba762150c532cULL, "siphash-1-3 of nothing") ;
  T(tern_siphash13(key, "siphash", 7) == 0x8264ceeccb16bcbeULL, "siphash-1-3 of 7 bytes") ;
  T(tern_siphash13(key, "digest-sip_hash", 15) == 0xce31007e34130c0aULL, "siphash-1-3 of 15 bytes") ;
}

static struct { char const *msg ; int bad ; } const ctypes[] =
{
  { "Content-Type: text\n\nx\n", 1 },
  { "Content-Type: ; charset=utf-8\n\nx\n", 1 },
  { "Content-Type: text/\n\nx\n", 1 },
  { "Content-Type: text/plain garbage\n\nx\n", 1 },
  { "Content-Type: text/plain (comment)\n\nx\n", 1 },
  { "Content-Type: te xt/plain\n\nx\n", 1 },
  { "Content-Type:\n\nx\n", 0 },
  { "Content-Type: \n text/html;;;;\n\nx\n", 0 },
  { "Content-Type: TEXT/PLAIN charset=US-ASCII\n\nx\n", 1 },
  { "Content-Type: TEXT/Plain ; charset=\"utf-8\"\n\nx\n", 0 },
  { "Content-Type: text/plain;\n charset=us-ascii\n\nx\n", 0 },
  { "Content-Type: application/x-whatever\n\nx\n", 0 },
  { "Subject: x\n\nContent-Type: text\n", 0 },
} ;

/* lengths: a word of TERN_JUNK_WORDMAX bytes is kept, one more is not,
   and an n-gram or header entry over the limit is not added */
static void lengths (tern_junkwords *w)
{
  char m[400], a64[65], a65[66], want[300] ;
  memset(a64, 'a', 64) ; a64[64] = 0 ;
  memset(a65, 'b', 65) ; a65[65] = 0 ;
  snprintf(m, sizeof m, "\n%s %s tail\n", a64, a65) ;
  snprintf(want, sizeof want, "%s|tail", a64) ;
  T(!strcmp(words(w, "12", m, strlen(m)), want), "64 bytes kept, 65 dropped, n-grams with it too") ;
  snprintf(m, sizeof m, "Subject: %.56s\n\n", a64) ;
  snprintf(want, sizeof want, "Subject:%.56s", a64) ;
  T(!strcmp(words(w, "1", m, strlen(m)), want), "header entry of 64 bytes kept") ;
  snprintf(m, sizeof m, "Subject: %.57s\n\n", a64) ;
  T(!strcmp(words(w, "1", m, strlen(m)), ""), "header entry of 65 bytes dropped") ;
}

int main (void)
{
  tern_junkwords w = TERN_JUNKWORDS_ZERO ;
  siphash() ;
  lengths(&w) ;
  for (size_t i = 0 ; i < sizeof ctypes / sizeof *ctypes ; i++)
  {
    words(&w, "1", ctypes[i].msg, strlen(ctypes[i].msg)) ;
    T(w.badctype == (unsigned int)ctypes[i].bad, ctypes[i].msg) ;
  }
  for (size_t i = 0 ; i < sizeof cases / sizeof *cases ; i++)
  {
    size_t len = strlen(cases[i].msg) ;
    if (!strcmp(cases[i].what, "invalid utf-8 and NUL end words")) len = 17 ;
    char const *got = words(&w, cases[i].g, cases[i].msg, len) ;
    T(!strcmp(got, cases[i].want), cases[i].what) ;
    if (strcmp(got, cases[i].want)) fprintf(stderr, "  got  %s\n  want %s\n", got, cases[i].want) ;
    T(!w.cut && !w.badctype, cases[i].what) ;
  }
  tern_junkwords_free(&w) ;
  return tdone() ;
}
