/* tern_mime.h: reading MIME: header text (RFC 2047 encoded words) and
   part bodies (Content-Transfer-Encoding), for IMAP SEARCH and BINARY
   and, later, the junk filter's tokens.  No I/O. */
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

/* Charsets tern converts to UTF-8 itself: the kind named by name[0..len)
   (any case, RFC 2231 "*language" suffix allowed), or TERN_CS_NONE; and
   s[0..len) in that charset appended to out as UTF-8 (TERN_CS_UTF8 copies
   the bytes as they are).  0 (ENOMEM) or 1. */
#define TERN_CS_UTF8 0      /* also US-ASCII */
#define TERN_CS_LATIN1 1
#define TERN_CS_LATIN9 2
#define TERN_CS_CP1252 3
#define TERN_CS_NONE 4
extern int tern_charset_kind (char const *name, size_t len) ;
extern int tern_charset_cat (stralloc *out, char const *s, size_t len, int cs) ;

/* Content-Transfer-Encoding: the kind named by a header block's field
   (TERN_CTE_NONE when absent: 7bit, 8bit, binary mean the same), or -1
   for an encoding tern does not know. */
#define TERN_CTE_NONE 0
#define TERN_CTE_BASE64 1
#define TERN_CTE_QP 2
extern int tern_cte_kind (char const *hdr, size_t len) ;

/* Appends s[0..len) decoded from cte (TERN_CTE_*) to out.  Lenient:
   base64 skips what is not in its alphabet and stops at "=";
   quoted-printable keeps a malformed "=" as it is, drops soft line
   breaks and the blanks that end a line (RFC 2045 6.7 rule 3).  Returns 0 (ENOMEM) or 1. */
extern int tern_cte_decode (stralloc *out, char const *s, size_t len, int cte) ;

#endif
