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
   (out of memory).  Input is not NUL-terminated; a NUL byte is bad syntax. */

/* Domain "example.com", "møx.example", "xn--mx-lka.example" (no literal). */
extern int tern_domain_parse (stralloc *ascii, stralloc *unicode, char const *s, size_t len) ;
/* Mailbox "local@domain" (no angle brackets), per opts. */
extern int tern_addr_parse (tern_addr *a, char const *s, size_t len, unsigned int opts) ;
/* Path "<local@domain>", "<@relay,@relay:local@domain>" (route ignored),
   "<>" with TERN_ADDR_NULLOK.  *used gets the bytes consumed (the path only,
   so ESMTP parameters can follow). */
extern int tern_path_parse (tern_addr *a, char const *s, size_t len, unsigned int opts, size_t *used) ;

/* Appenders; each returns 1, or 0 on ENOMEM. */
/* SMTP form: localpart quoted when needed, @, A-label domain (ascii=1) or U-label (ascii=0). */
extern int tern_addr_fmt (stralloc *sa, tern_addr const *a, int ascii) ;
/* Lookup key: ASCII letters of the localpart lowered, "@", A-label domain. */
extern int tern_addr_key (stralloc *sa, tern_addr const *a) ;
/* Log form (REFERENCE.md 12): plain if ASCII, else "unicode/escaped-ascii". */
extern int tern_addr_logfmt (stralloc *sa, tern_addr const *a) ;
/* Log form of a domain: "ascii", or "unicode/ascii" for IDN. */
extern int tern_domain_logfmt (stralloc *sa, char const *ascii, char const *unicode) ;

extern void tern_addr_free (tern_addr *a) ;

#endif
