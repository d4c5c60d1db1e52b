/* bin/t/smtp-body: the message-data filter against a byte-at-a-time model
   of it (the filter copies runs of ordinary bytes at once; every output
   byte, bad bit, state and count must be the same), on random input cut
   into random pieces.  Prints "N passed, N failed"; with DEBUG set in the
   environment, also where a piece first differs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../tern-smtp-in-body.c"

/* the model: RFC 5321 data, one byte at a time */
static void mput (smtp_body *b, char const *s, size_t n, char *out, size_t *outlen)
{
  if (b->bad) return ;
  if (b->size + n > b->max) { b->bad |= BODY_BIG ; return ; }
  for (size_t i = 0 ; i < n ; i++) out[(*outlen)++] = s[i] ;
  b->size += n ;
}

static void mtext (smtp_body *b, char c, char *out, size_t *outlen)
{
  if (c == '\r') { b->st = S_CR ; return ; }
  b->st = S_TEXT ;
  if (c == '\n') { b->bad |= BODY_BARE ; b->linelen = 0 ; return ; }
  if (!c) b->bad |= BODY_NUL ;
  if (++b->linelen > SMTP_TEXTMAX) b->bad |= BODY_LONG ;
  mput(b, &c, 1, out, outlen) ;
}

static size_t mfeed (smtp_body *b, char const *in, size_t len, char *out, size_t *outlen, int *done)
{
  size_t i = 0 ;
  *done = 0 ;
  while (i < len)
  {
    char c = in[i++] ;
    switch (b->st)
    {
      case S_BOL :
        if (b->dot && c == '.') { b->st = S_DOT ; b->linelen = 1 ; break ; }
        mtext(b, c, out, outlen) ; break ;
      case S_DOT :
        if (c == '\r') { b->st = S_DOTCR ; break ; }
        mtext(b, c, out, outlen) ; break ;
      case S_DOTCR :
        if (c == '\n') { *done = 1 ; return i ; }
        b->bad |= BODY_BARE ;
        mtext(b, c, out, outlen) ; break ;
      case S_CR :
        if (c == '\n') { mput(b, "\r\n", 2, out, outlen) ; b->st = S_BOL ; b->linelen = 0 ; break ; }
        b->bad |= BODY_BARE ;
        mtext(b, c, out, outlen) ; break ;
      default :
        mtext(b, c, out, outlen) ; break ;
    }
  }
  return i ;
}

#define INMAX 8192
static char in[INMAX], out1[INMAX + 2], out2[INMAX + 2] ;
static unsigned int pass, fail, badseeds, noreply, nbad, nclean ;

static void check (int ok, char const *what, unsigned long seed)
{
  if (ok) pass++ ;
  else { fail++ ; if (fail < 10) fprintf(stderr, "FAIL seed %lu: %s\n", seed, what) ; }
}

/* lines of every length up to the limit and (unless clean) past it, some
   dot-stuffed; unless clean, also bare CR, bare LF, NUL and lines glued */
static size_t gen (char *s, size_t max, int clean)
{
  size_t n = 0 ;
  while (n < max)
  {
    int k = rand() % 100 ;
    if (k < 70)
    {
      size_t line = rand() % 8 ? (size_t)(rand() % 80) : 990 + (size_t)(rand() % (clean ? 9 : 20)) ;
      if (k < 10 && n < max) s[n++] = '.' ;
      if (line > max - n) line = max - n ;
      for (size_t i = 0 ; i < line ; i++) s[n++] = (char)('a' + rand() % 26) ;
      if (!clean && k > 60) continue ;
      if (n < max) s[n++] = '\r' ;
      if (n < max) s[n++] = '\n' ;
    }
    else if (k < 90 || clean) { s[n++] = '\r' ; if (n < max) s[n++] = '\n' ; }
    else if (k < 94) s[n++] = '\r' ;
    else if (k < 97) s[n++] = '\n' ;
    else s[n++] = 0 ;
  }
  return n ;
}

static void one (unsigned long seed)
{
  smtp_body a, b ;
  size_t len, off = 0 ;
  int dot, same = 1, done1 = 0, done2 = 0 ;
  srand((unsigned int)seed) ;
  len = gen(in, (size_t)(rand() % INMAX), seed % 3 != 0) ;
  dot = rand() % 2 ;
  {
    uint64_t max = rand() % 3 ? (uint64_t)(rand() % (INMAX + 100)) : (uint64_t)-1 ;
    smtp_body_init(&a, dot, max) ;
    smtp_body_init(&b, dot, max) ;
  }
  while (off < len && same)
  {
    size_t n = 1 + (size_t)rand() % (len - off), o1 = 0, o2 = 0, u1, u2 ;
    if (rand() % 4 == 0) n = 1 + n % 3 ;
    u1 = smtp_body_feed(&a, in + off, n, out1, &o1, &done1) ;
    u2 = mfeed(&b, in + off, n, out2, &o2, &done2) ;
    same = u1 == u2 && o1 == o2 && !memcmp(out1, out2, o1) && done1 == done2 && o1 <= n + 2
      && a.st == b.st && a.bad == b.bad && a.size == b.size && a.linelen == b.linelen ;
    if (!same && getenv("DEBUG")) fprintf(stderr, "off %zu n %zu: used %zu/%zu out %zu/%zu done %d/%d st %d/%d bad %u/%u size %lu/%lu linelen %zu/%zu\n",
      off, n, u1, u2, o1, o2, done1, done2, a.st, b.st, a.bad, b.bad, (unsigned long)a.size, (unsigned long)b.size, a.linelen, b.linelen) ;
    off += u1 ;
    if (done1) break ;
  }
  if (!same) { badseeds++ ; if (badseeds < 10) fprintf(stderr, "seed %lu: feed differs from the model\n", seed) ; }
  if (a.bad && !smtp_body_reply(a.bad)) noreply++ ;
  if (a.bad) nbad++ ; else nclean++ ;
}

int main (void)
{
  smtp_body b ;
  size_t o = 0 ;
  int done ;
  char const *msg = "Subject: x\r\n\r\n..dot\r\nline\r\n.\r\nafter" ;
  smtp_body_init(&b, 1, 1000) ;
  check(smtp_body_feed(&b, msg, strlen(msg), out1, &o, &done) == strlen(msg) - 5 && done, "stops after CRLF.CRLF", 0) ;
  check(o == 26 && !memcmp(out1, "Subject: x\r\n\r\n.dot\r\nline\r\n", 26) && !b.bad, "unstuffed", 0) ;
  for (size_t i = 0 ; i < 999 ; i++) in[i] = 'x' ;
  smtp_body_init(&b, 1, 5000) ; o = 0 ;
  smtp_body_feed(&b, in, 998, out1, &o, &done) ;
  check(!b.bad && o == 998, "998 bytes is a line", 0) ;
  smtp_body_feed(&b, in, 1, out1 + o, &o, &done) ;
  check(b.bad == BODY_LONG && o == 998, "999 is too long", 0) ;
  for (unsigned long seed = 1 ; seed <= 20000 ; seed++) one(seed) ;
  check(!badseeds, "20,000 random inputs in random pieces: the same as the model", 0) ;
  check(!noreply, "every bad message has a reply", 0) ;
  check(nbad > 2000 && nclean > 2000, "both bad and good messages were tried", 0) ;
  printf("%u passed, %u failed\n", pass, fail) ;
  return fail ? 1 : 0 ;
}
