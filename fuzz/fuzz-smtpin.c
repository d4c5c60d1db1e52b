/* fuzz-smtpin: tern-smtp-in's parsers on hostile input: the command verb,
   MAIL and RCPT paths and parameters, HELO names, BDAT arguments, and the
   message-data filter (input cut in two at a point taken from the data).
   Includes the program parts directly, as they are not in libtern. */
#include <stdint.h>
#include <stddef.h>
#include <string.h>
#include "../smtp-in/tern-smtp-in-parse.c"
#include "../smtp-in/tern-smtp-in-body.c"

static tern_addr a = TERN_ADDR_ZERO ;
static char out[4096 + 2] ;

static void body (char const *s, size_t len, int dot)
{
  smtp_body b ;
  size_t cut = len ? (unsigned char)s[0] % len : 0, off = 0 ;
  smtp_body_init(&b, dot, 2000) ;
  while (off < len)
  {
    size_t n = off < cut ? cut - off : len - off, olen = 0, used ;
    int done ;
    if (n > 4096) n = 4096 ;
    used = smtp_body_feed(&b, s + off, n, out, &olen, &done) ;
    if (used > n || olen > n + 2) __builtin_trap() ;
    off += used ;
    if (done) break ;
  }
  {
    size_t olen = 0 ;
    smtp_body_end(&b, out, &olen) ;
    if (olen > 2) __builtin_trap() ;
  }
  (void)smtp_body_reply(b.bad) ;
}

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  char const *s = (char const *)data ;
  size_t arg, len = size > 1000 ? 1000 : size ;
  int v = smtp_verb(s, len, &arg) ;
  smtp_mailparams p ;
  uint64_t n ;
  int last ;
  if (arg > len) __builtin_trap() ;
  switch (v)
  {
    case V_MAIL : (void)smtp_parse_mail(&a, s + arg, len - arg, &p) ; break ;
    case V_RCPT : (void)smtp_parse_rcpt(&a, s + arg, len - arg, size & 1) ; break ;
    case V_EHLO : case V_HELO : (void)smtp_parse_helo(s + arg, len - arg) ; break ;
    case V_BDAT : (void)smtp_parse_bdat(s + arg, len - arg, &n, &last) ; break ;
    default : break ;
  }
  body(s, size, 1) ;
  body(s, size, 0) ;
  return 0 ;
}
