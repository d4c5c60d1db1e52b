/* fuzz-dkim: DKIM's canonicalisers and header parsing with hostile input
   (a message: header section and body).  The body hash must not depend
   on how the body is cut into pieces (byte 0 picks the piece size); each
   header field's relaxed form must have no line end but its last, no
   whitespace before it, no two spaces in a row, a lower-case name, and
   be its own relaxed form; the From: domain, if any, a non-empty NUL-
   terminated lower-case A-label string. */
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "tern_dkim.h"

static void field (char const *s, size_t len, char const *name, size_t nlen, void *aux)
{
  stralloc a = STRALLOC_ZERO, b = STRALLOC_ZERO ;
  size_t colon ;
  (void)name ; (void)aux ;
  if (!nlen || nlen > len) abort() ;
  if (!tern_dkim_canonhdr(&a, s, len, 1)) goto end ;
  if (a.len < 3 || memcmp(a.s + a.len - 2, "\r\n", 2)) abort() ;
  colon = (char *)memchr(a.s, ':', a.len) - a.s ;
  for (size_t i = 0 ; i + 2 < a.len ; i++)
  {
    if (a.s[i] == '\n' || (a.s[i] == '\r' && a.s[i + 1] == '\n') || a.s[i] == '\t') abort() ;
    if (a.s[i] == ' ' && (a.s[i + 1] == ' ' || i + 3 == a.len || i == colon + 1)) abort() ;
    if (i < colon && a.s[i] >= 'A' && a.s[i] <= 'Z') abort() ;
  }
  if (!tern_dkim_canonhdr(&b, a.s, a.len, 1)) goto end ;
  if (a.len != b.len || memcmp(a.s, b.s, a.len)) abort() ;
 end:
  stralloc_free(&a) ; stralloc_free(&b) ;
}

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  char const *s = (char const *)data + 1 ;
  stralloc dom = STRALLOC_ZERO ;
  tern_dkim_body b ;
  unsigned char h1[32], h2[32] ;
  size_t len, hl, body, step ;
  if (!size) return 0 ;
  len = size - 1 ; step = data[0] % 7 + 1 ;
  hl = tern_dkim_hdrlen(s, len, &body) ;
  if (hl > len || body > len || body < hl) abort() ;
  tern_dkim_fields(s, hl, &field, 0) ;
  if (tern_dkim_fromdomain(&dom, s, hl) == 1)
  {
    if (dom.len < 2 || dom.s[dom.len - 1] || strlen(dom.s) != dom.len - 1) abort() ;
    for (size_t i = 0 ; i + 1 < dom.len ; i++) if ((unsigned char)dom.s[i] >= 128 || (dom.s[i] >= 'A' && dom.s[i] <= 'Z')) abort() ;
  }
  tern_dkim_body_init(&b) ;
  tern_dkim_body_put(&b, s + body, len - body) ;
  tern_dkim_body_end(&b, h1) ;
  tern_dkim_body_init(&b) ;
  for (size_t i = body ; i < len ; i += step) tern_dkim_body_put(&b, s + i, len - i < step ? len - i : step) ;
  tern_dkim_body_end(&b, h2) ;
  if (memcmp(h1, h2, 32)) abort() ;
  stralloc_free(&dom) ;
  return 0 ;
}
