/* fuzz-dsn: the DSN composer with hostile input.  Byte 0: flags (utf8,
   postmaster, delayed, whole); byte 1: attempts; byte 2: max attempts;
   the rest, split at NUL bytes: hostname, sender, a stdin line
   (tern_dsn_line; if malformed its bytes are the address), a second
   reply text, the message.  The notice must be CRLF lines of at most 998
   bytes, its header only our fields, its boundary in no part. */
#include <stdint.h>
#include <stddef.h>
#include <string.h>
#include <stdlib.h>
#include "tern.h"
#include "tern_dsn.h"

static char const *const names[] = { "Return-Path:", "From:", "To:", "Subject:", "Date:", "Message-ID:",
  "In-Reply-To:", "References:", "Auto-Submitted:", "MIME-Version:", "Content-Type:", "Content-Transfer-Encoding:" } ;

static void checklines (stralloc const *sa)
{
  size_t col = 0, i = 0, hdrend = 0 ;
  for (; i < sa->len ; i++)
  {
    if (sa->s[i] == '\r') { if (i + 1 >= sa->len || sa->s[i + 1] != '\n') abort() ; i++ ; col = 0 ; continue ; }
    if (sa->s[i] == '\n' || ++col > 998) abort() ;
  }
  /* the header: each line one of ours, or a continuation */
  for (i = 0 ; i < sa->len && !hdrend ; )
  {
    size_t j = i ;
    int known = sa->s[i] == ' ' ;
    while (sa->s[j] != '\r') j++ ;
    if (j == i) { hdrend = 1 ; break ; }
    for (size_t k = 0 ; k < sizeof names / sizeof *names && !known ; k++)
      known = !strncmp(sa->s + i, names[k], strlen(names[k])) ;
    if (!known) abort() ;
    i = j + 2 ;
  }
  if (!hdrend) abort() ;
}

static void checkboundary (stralloc const *sa, size_t uniqlen)
{
  static char const key[] = "\r\nContent-Type: multipart/report; report-type=delivery-status;\r\n boundary=\"" ;
  char const *b = 0 ;
  size_t blen = 0, n = 0 ;
  for (size_t i = 0 ; i + sizeof key - 1 < sa->len && !b ; i++)
    if (!memcmp(sa->s + i, key, sizeof key - 1)) b = sa->s + i + sizeof key - 1 ;
  if (!b) abort() ;
  while (b[blen] != '"') blen++ ;
  if (blen >= 11 + uniqlen + 10) return ;  /* every candidate was taken: the fuzzer's doing */
  /* in the body, only the 4 delimiters (the header may quote it: To:) */
  for (size_t i = (size_t)(b - sa->s) + blen ; i + blen <= sa->len ; i++) if (!memcmp(sa->s + i, b, blen)) n++ ;
  if (n != 4) abort() ;
}

static char const *field (uint8_t const **p, uint8_t const *end, size_t *len)
{
  uint8_t const *s = *p, *z = s ;
  while (z < end && *z) z++ ;
  *len = (size_t)(z - s) ;
  *p = z < end ? z + 1 : z ;
  return (char const *)s ;
}

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  uint8_t const *p = data + 3, *end = data + size ;
  stralloc sa = STRALLOC_ZERO, f[3] = { STRALLOC_ZERO, STRALLOC_ZERO, STRALLOC_ZERO } ;
  tern_dsn_rcpt r[2] = { { .action = TERN_DSN_FAILED, .code = "550" }, { .action = TERN_DSN_DELAYED, .code = "451" } } ;
  tern_dsn d = { .uniq = "fuzz", .now = 1700000000, .arrival = 1699990000 } ;
  char const *msg ;
  size_t len ;
  if (size < 3) return 0 ;
  d.utf8 = data[0] & 1 ; d.postmaster = !!(data[0] & 2) ;
  d.fullmax = data[0] & 8 ? TERN_DSN_FULLMAX : 0 ;
  for (unsigned int i = 0 ; i < 3 ; i++)
  {
    char const *s = field(&p, end, &len) ;
    if (!stralloc_catb(&f[i], s, len) || !stralloc_0(&f[i])) goto done ;
  }
  d.hostname = f[0].s ; d.sender = f[1].s ;
  if (tern_dsn_line(&r[0], f[2].s, f[2].len - 1) != TERN_OK)
  {
    r[0].addr = f[2].s ; r[0].text = f[2].s ; r[0].textlen = f[2].len - 1 ;
  }
  if (data[0] & 4) r[0].action = TERN_DSN_DELAYED ;
  r[0].attempts = data[1] ; r[0].last = data[1] ? 1700000000 + data[1] : 0 ;
  r[1].text = field(&p, end, &r[1].textlen) ;
  r[1].addr = d.hostname ; r[1].attempts = data[1] ;
  msg = field(&p, end, &len) ;
  d.msg = msg ; d.msglen = (size_t)(end - (uint8_t const *)msg) ; d.msgsize = d.msglen + (data[0] & 16 ? 1 : 0) ;
  d.maxattempts = data[2] ;
  d.rcpts = r ; d.nrcpt = data[0] & 32 ? 2 : 1 ;
  if (!tern_dsn_fmt(&sa, &d)) goto done ;
  checklines(&sa) ;
  checkboundary(&sa, 4) ;
 done:
  stralloc_free(&sa) ;
  for (unsigned int i = 0 ; i < 3 ; i++) stralloc_free(&f[i]) ;
  return 0 ;
}
