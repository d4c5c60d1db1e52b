/* tern_mime.h: reading MIME header text (RFC 2047 encoded words) for
   search and, later, the junk filter's tokens.  No I/O. */
#ifndef TERN_MIME_H
#define TERN_MIME_H

#include <stddef.h>
#include <skalibs/stralloc.h>

/* Appends s[0..len) to out with its encoded words (=?charset?B|Q?text?=)
   decoded to UTF-8; whitespace between two adjacent encoded words is
   dropped (RFC 2047 6.2).  Charsets: UTF-8, US-ASCII, ISO-8859-1,
   ISO-8859-15, Windows-1252 (any case, RFC 2231 language suffix
   allowed); an encoded word in another charset or malformed is copied as
   it is.  Lenient, as mail in the wild needs: base64 without padding,
   Q with lower-case hex.  Returns 0 (ENOMEM) or 1. */
extern int tern_rfc2047_cat (stralloc *out, char const *s, size_t len) ;

#endif
