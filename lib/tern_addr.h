/* tern_addr.h: mail addresses and domains (RFC 5321 paths, quoted and
   SMTPUTF8 localparts, IDNA via libidn2), and their log form (see
   REFERENCE.md section 12). */
#ifndef TERN_ADDR_H
#define TERN_ADDR_H

#include <stddef.h>
#include <skalibs/stralloc.h>

#define TERN_ADDR_UTF8    0x01  /* in opts: allow UTF-8 in the localpart (SMTPUTF8) */
#define TERN_ADDR_NULLOK  0x02  /* in opts: "<>" is acceptable (MAIL FROM) */
#define TERN_ADDR_NODOM   0x04  /* in opts: a bare localpart is acceptable (RCPT TO:<postmaster>) */

#define TERN_ADDRF_QUOTED  0x01 /* in flags: the localpart needs quoting in SMTP */
#define TERN_ADDRF_UTF8    0x02 /* the localpart has non-ASCII bytes */
#define TERN_ADDRF_IDN     0x04 /* the domain has a U-label form different from its A-labels */
#define TERN_ADDRF_LITERAL 0x08 /* the domain is an address literal [1.2.3.4] or [IPv6:...] */
#define TERN_ADDRF_NULL    0x10 /* the null path <> */

typedef struct tern_addr_s tern_addr, *tern_addr_ref ;
struct tern_addr_s
{
  stralloc local ;    /* unquoted localpart (quoted-pairs resolved), UTF-8; no NUL */
  stralloc domain ;   /* A-label form, lower case; "[...]" for literals; empty for <> */
  stralloc udomain ;  /* U-label form (NFC), lower case; equal to domain if not IDN */
  unsigned int flags ;
} ;
#define TERN_ADDR_ZERO { .local = STRALLOC_ZERO, .domain = STRALLOC_ZERO, .udomain = STRALLOC_ZERO, .flags = 0 }

/* Each returns TERN_OK, TERN_PERM (syntax: the input is bad) or TERN_TEMP
   (out of memory).  Input is not NUL-terminated; a NUL byte is bad syntax.
   Outputs are replaced, not appended to.  Limits (RFC 5321 4.5.3.1): a
   localpart of at most 64 octets as written, a domain of at most 255 (A-label
   form), a label of at most 63, a path of at most 256 with its brackets.
   Without TERN_ADDR_UTF8 any non-ASCII byte is bad, in the domain as well
   (RFC 6531).  An empty localpart ("") is bad. */

/* Domain "example.com", "møx.example", "xn--mx-lka.example" (no literal).
   Sets ascii to the A-label form and unicode to the U-label form, both lower
   case.  IDNA2008 (libidn2) rejects symbols: "☺.example" is TERN_PERM. */
extern int tern_domain_parse (stralloc *ascii, stralloc *unicode, char const *s, size_t len) ;
/* Address literal "[192.0.2.1]" or "[IPv6:2001:db8::1]" (tag in any case).
   Sets sa to the canonical form: "[192.0.2.1]", "[IPv6:2001:db8::1]". */
extern int tern_addr_literal (stralloc *sa, char const *s, size_t len) ;
/* Mailbox "local@domain" (no angle brackets), per opts.  With
   TERN_ADDR_NODOM, "local" alone leaves domain and udomain empty. */
extern int tern_addr_parse (tern_addr *a, char const *s, size_t len, unsigned int opts) ;
/* Path "<local@domain>", "<@relay,@relay:local@domain>" (route ignored),
   "<>" with TERN_ADDR_NULLOK.  *used gets the bytes consumed (the path only,
   so ESMTP parameters can follow). */
extern int tern_path_parse (tern_addr *a, char const *s, size_t len, unsigned int opts, size_t *used) ;
/* 1 if s is a dot-atom localpart (RFC 5321 Dot-string with RFC 6531 UTF-8),
   that is, one that needs no quotes; 0 if not. */
extern int tern_addr_dotatom (char const *s, size_t len) ;

/* Appenders; each returns 1, or 0 on ENOMEM.  The null path appends
   nothing; an address without a domain (TERN_ADDR_NODOM) appends no "@". */
/* SMTP form: localpart quoted when needed, @, A-label domain (ascii=1) or U-label (ascii=0). */
extern int tern_addr_fmt (stralloc *sa, tern_addr const *a, int ascii) ;
/* SMTP form of a localpart alone: s as is if a dot-atom, else quoted. */
extern int tern_addr_fmtlocal (stralloc *sa, char const *s, size_t len) ;
/* Lookup key: ASCII letters of the localpart lowered, "@", A-label domain. */
extern int tern_addr_key (stralloc *sa, tern_addr const *a) ;
/* Log form (REFERENCE.md 12): plain if ASCII, else "unicode/escaped-ascii":
   møx@example.com/"m\u00f8x"@example.com.  Literals log as bare IPs. */
extern int tern_addr_logfmt (stralloc *sa, tern_addr const *a) ;
/* Log form of s, an address in SMTP form with an A-label domain (as in a
   queue envelope; utf8: its localpart may be UTF-8): tern_addr_logfmt's,
   or s itself when it does not parse.  "" appends nothing. */
extern int tern_addr_logtext (stralloc *sa, char const *s, int utf8) ;
/* Log form of a domain: "ascii", or "unicode/ascii" for IDN. */
extern int tern_domain_logfmt (stralloc *sa, char const *ascii, char const *unicode) ;

extern void tern_addr_free (tern_addr *a) ;

#endif
