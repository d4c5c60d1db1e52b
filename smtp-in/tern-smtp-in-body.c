/* tern-smtp-in-body: the message-data filter, a byte state machine with
   no I/O (fuzzed by fuzz/fuzz-smtpin.c).  Only CRLF ends a line; a CR or
   LF alone marks the message bad (SMTP smuggling), and so the DATA end is
   CRLF.CRLF and nothing else.  Once a message is bad nothing more goes out:
   the caller drops it. */
#include <stdint.h>
#include <string.h>
#include "tern-smtp-in.h"

enum { S_BOL, S_TEXT, S_CR, S_DOT, S_DOTCR } ;

void smtp_body_init (smtp_body *b, int dot, uint64_t max)
{
  b->st = S_BOL ;
  b->dot = dot ;
  b->linelen = 0 ;
  b->size = 0 ;
  b->max = max ;
  b->bad = 0 ;
}

static void put (smtp_body *b, char const *s, size_t n, char *out, size_t *outlen)
{
  if (b->bad) return ;
  if (b->size + n > b->max) { b->bad |= BODY_BIG ; return ; }
  memcpy(out + *outlen, s, n) ;
  *outlen += n ;
  b->size += n ;
}

/* c inside a line */
static void text (smtp_body *b, char c, char *out, size_t *outlen)
{
  if (c == '\r') { b->st = S_CR ; return ; }
  b->st = S_TEXT ;
  if (c == '\n') { b->bad |= BODY_BARE ; b->linelen = 0 ; return ; }
  if (!c) b->bad |= BODY_NUL ;
  if (++b->linelen > SMTP_TEXTMAX) b->bad |= BODY_LONG ;
  put(b, &c, 1, out, outlen) ;
}

/* the ordinary bytes of a line from in[i] on (no CR, LF or NUL) at once,
   with the same effect as text() on each in turn */
static size_t run (smtp_body *b, char const *in, size_t i, size_t len, char *out, size_t *outlen)
{
  char const *s = in + i ;
  char const *e = memchr(s, '\r', len - i) ;
  size_t n = e ? (size_t)(e - s) : len - i ;
  size_t fit ;
  if ((e = memchr(s, '\n', n))) n = (size_t)(e - s) ;
  if ((e = memchr(s, 0, n))) n = (size_t)(e - s) ;
  if (!n) return i ;
  b->st = S_TEXT ;
  /* the bytes before the line gets too long, and of those what fits */
  fit = b->linelen < SMTP_TEXTMAX ? SMTP_TEXTMAX - b->linelen : 0 ;
  if (fit > n) fit = n ;
  if (!b->bad)
  {
    if (b->size + fit > b->max) { fit = (size_t)(b->max - b->size) ; b->bad |= BODY_BIG ; }
    memcpy(out + *outlen, s, fit) ;
    *outlen += fit ;
    b->size += fit ;
  }
  if (b->linelen + n > SMTP_TEXTMAX) b->bad |= BODY_LONG ;
  b->linelen += n ;
  return i + n ;
}

size_t smtp_body_feed (smtp_body *b, char const *in, size_t len, char *out, size_t *outlen, int *done)
{
  size_t i = 0 ;
  *done = 0 ;
  while (i < len)
  {
    char c ;
    if (b->st == S_TEXT || (b->st == S_BOL && !(b->dot && in[i] == '.')))
    {
      i = run(b, in, i, len, out, outlen) ;
      if (i == len) break ;
    }
    c = in[i++] ;
    switch (b->st)
    {
      case S_BOL :
        if (b->dot && c == '.') { b->st = S_DOT ; b->linelen = 1 ; break ; }
        text(b, c, out, outlen) ; break ;
      case S_DOT :
        if (c == '\r') { b->st = S_DOTCR ; break ; }
        text(b, c, out, outlen) ; break ;  /* the stuffed dot is dropped */
      case S_DOTCR :
        if (c == '\n') { *done = 1 ; return i ; }
        b->bad |= BODY_BARE ;
        text(b, c, out, outlen) ; break ;
      case S_CR :
        if (c == '\n')
        {
          put(b, "\r\n", 2, out, outlen) ;
          b->st = S_BOL ; b->linelen = 0 ;
          break ;
        }
        b->bad |= BODY_BARE ;
        text(b, c, out, outlen) ; break ;
      default :
        text(b, c, out, outlen) ; break ;
    }
  }
  return i ;
}

void smtp_body_end (smtp_body *b, char *out, size_t *outlen)
{
  if (b->st == S_CR) b->bad |= BODY_BARE ;
  else if (b->st != S_BOL) put(b, "\r\n", 2, out, outlen) ;
  b->st = S_BOL ;
}

char const *smtp_body_reply (unsigned int bad)
{
  if (bad & BODY_BIG) return "552 5.3.4 message too big" ;
  if (bad & BODY_BARE) return "554 5.6.0 bare CR or LF in message data (RFC 5321 2.3.8)" ;
  if (bad & BODY_NUL) return "554 5.6.0 NUL byte in message data" ;
  if (bad & BODY_LONG) return "554 5.6.0 line longer than 998 bytes in message data" ;
  return 0 ;
}
