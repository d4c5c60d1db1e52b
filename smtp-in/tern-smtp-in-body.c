/* tern-smtp-in-body: the message-data filter, a byte state machine with
   no I/O (fuzzed by fuzz/fuzz-smtpin.c).  Only CRLF ends a line; a CR or
   LF alone marks the message bad (SMTP smuggling), and so the DATA end is
   CRLF.CRLF and nothing else.  Once a message is bad nothing more goes out:
   the caller drops it. */
#include <stdint.h>
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
  for (size_t i = 0 ; i < n ; i++) out[(*outlen)++] = s[i] ;
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

size_t smtp_body_feed (smtp_body *b, char const *in, size_t len, char *out, size_t *outlen, int *done)
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
