/* tern_dkim_canon: DKIM's relaxed canonicalisation (RFC 6376 3.4.2,
   3.4.4): the body streamed into SHA-256 in fixed memory, one header
   field into a buffer; the header section split into fields. */
#include <string.h>
#include "tern_dkim.h"

static void flush (tern_dkim_body *b)
{
  br_sha256_update(&b->h, b->buf, b->n) ;
  b->n = 0 ;
}

static void emit (tern_dkim_body *b, unsigned char c)
{
  if (b->n == sizeof b->buf) flush(b) ;
  b->buf[b->n++] = c ;
}

/* an ordinary byte: the line ends and whitespace before it first */
static void content (tern_dkim_body *b, unsigned char c)
{
  for (; b->nl ; b->nl--) { emit(b, '\r') ; emit(b, '\n') ; }
  if (b->wsp) emit(b, ' ') ;
  b->wsp = 0 ;
  emit(b, c) ;
  b->any = 1 ;
}

void tern_dkim_body_init (tern_dkim_body *b)
{
  br_sha256_init(&b->h) ;
  b->nl = 0 ; b->wsp = 0 ; b->cr = 0 ; b->any = 0 ; b->n = 0 ;
}

/* the ordinary bytes of s from its first one, after content() for the
   first: in bulk; the number taken */
static size_t run (tern_dkim_body *b, char const *s, size_t len)
{
  size_t n = 1 ;
  while (n < len && s[n] != '\r' && s[n] != '\n' && s[n] != ' ' && s[n] != '\t') n++ ;
  content(b, s[0]) ;
  if (b->n + n - 1 > sizeof b->buf) { flush(b) ; br_sha256_update(&b->h, s + 1, n - 1) ; }
  else { memcpy(b->buf + b->n, s + 1, n - 1) ; b->n += n - 1 ; }
  return n ;
}

void tern_dkim_body_put (tern_dkim_body *b, char const *s, size_t len)
{
  for (size_t i = 0 ; i < len ; i++)
  {
    unsigned char c = s[i] ;
    if (!b->cr && c != '\r' && c != '\n' && c != ' ' && c != '\t')
    {
      i += run(b, s + i, len - i) - 1 ;
      continue ;
    }
    if (b->cr)
    {
      b->cr = 0 ;
      if (c != '\n') content(b, '\r') ;
    }
    switch (c)
    {
      case '\r' : b->cr = 1 ; break ;
      case '\n' : b->wsp = 0 ; if (b->any) b->nl++ ; break ;
      case ' ' : case '\t' : b->wsp = 1 ; break ;
      default : content(b, c) ; break ;
    }
  }
}

void tern_dkim_body_end (tern_dkim_body *b, unsigned char out[32])
{
  if (b->cr) { b->cr = 0 ; content(b, '\r') ; }
  if (b->any) { emit(b, '\r') ; emit(b, '\n') ; }
  flush(b) ;
  br_sha256_out(&b->h, out) ;
}

int tern_dkim_canonhdr (stralloc *sa, char const *s, size_t len, int crlf)
{
  size_t colon = 0 ;
  int wsp = 0 ;
  while (colon < len && s[colon] != ':') colon++ ;
  if (!stralloc_readyplus(sa, len + 3)) return 0 ;
  for (size_t i = 0 ; i < colon ; i++)
  {
    unsigned char c = s[i] ;
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue ;
    sa->s[sa->len++] = c >= 'A' && c <= 'Z' ? c + 32 : c ;
  }
  sa->s[sa->len++] = ':' ;
  for (size_t i = colon + 1 ; i < len ; i++)
  {
    unsigned char c = s[i] ;
    if (c == '\r' && i + 1 < len && s[i + 1] == '\n') continue ;
    if (c == '\n') continue ;
    if (c == ' ' || c == '\t') { wsp = 1 ; continue ; }
    if (wsp && sa->s[sa->len - 1] != ':') sa->s[sa->len++] = ' ' ;
    wsp = 0 ;
    sa->s[sa->len++] = c ;
  }
  if (crlf) { sa->s[sa->len++] = '\r' ; sa->s[sa->len++] = '\n' ; }
  return 1 ;
}

/* where the line at i ends (after its LF, or len) */
static size_t eol (char const *s, size_t len, size_t i)
{
  char const *nl = memchr(s + i, '\n', len - i) ;
  return nl ? (size_t)(nl - s) + 1 : len ;
}

void tern_dkim_fields (char const *hdr, size_t len, tern_dkim_field_f *f, void *aux)
{
  size_t i = 0 ;
  while (i < len)
  {
    size_t j = eol(hdr, len, i), n = 0 ;
    if (hdr[i] == ' ' || hdr[i] == '\t') { i = j ; continue ; }  /* continues nothing */
    while (j < len && (hdr[j] == ' ' || hdr[j] == '\t')) j = eol(hdr, len, j) ;
    while (i + n < j && hdr[i + n] != ':' && hdr[i + n] != '\n') n++ ;
    if (i + n < j && hdr[i + n] == ':')
    {
      size_t nl = n ;
      while (nl && (hdr[i + nl - 1] == ' ' || hdr[i + nl - 1] == '\t')) nl-- ;
      if (nl) f(hdr + i, j - i, hdr + i, nl, aux) ;
    }
    i = j ;
  }
}

size_t tern_dkim_hdrlen (char const *msg, size_t len, size_t *body)
{
  size_t i = 0 ;
  while (i < len)
  {
    if (msg[i] == '\n') { *body = i + 1 ; return i ; }
    if (msg[i] == '\r' && i + 1 < len && msg[i + 1] == '\n') { *body = i + 2 ; return i ; }
    i = eol(msg, len, i) ;
  }
  *body = len ;
  return len ;
}
