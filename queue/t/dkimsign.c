/* dkimsign: a test helper (bin/t/dkim-sign, not installed) that signs the
   message on fd 0 (a regular file) with tern's DKIM code, as the queue
   does, and writes the signature fields then the message to fd 1.
   usage: dkim-sign [-n COUNT] DOMAIN TIME SELECTOR KEYFILE [SELECTOR KEYFILE]...
   (-n: for benchmarks, the whole signing, key reading included, COUNT
   times, the last one written).
   exit 0; 100 the header section is too long; 111 a key or I/O failed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <skalibs/stralloc.h>
#include <skalibs/allreadwrite.h>
#include "tern.h"
#include "tern_dkim.h"

static int sign (int argc, char const *const *argv, stralloc *hdr, stralloc *out)
{
  unsigned char bh[32] ;
  int r = tern_dkim_read(0, 0, hdr, bh) ;
  if (r) { fprintf(stderr, "dkim-sign: %s\n", r == TERN_PERM ? "header section too long" : "read failed") ; return r == TERN_PERM ? 100 : 111 ; }
  out->len = 0 ;
  for (int i = 3 ; i < argc ; i += 2)
  {
    static tern_dkim_key k ;
    char const *why = tern_dkim_key_read(&k, argv[i + 1]) ;
    if (why) { fprintf(stderr, "dkim-sign: %s: %s\n", argv[i + 1], why) ; r = 111 ; break ; }
    if (!tern_dkim_sign(out, hdr->s, hdr->len, bh, argv[1], argv[i], strtoull(argv[2], 0, 10), &k)) { fprintf(stderr, "dkim-sign: sign failed\n") ; r = 111 ; }
    tern_dkim_key_wipe(&k) ;
  }
  return r ;
}

int main (int argc, char const *const *argv)
{
  stralloc hdr = STRALLOC_ZERO, out = STRALLOC_ZERO ;
  char buf[65536] ;
  unsigned long n = 1 ;
  int r = 0 ;
  if (argc > 2 && !strcmp(argv[1], "-n")) { n = strtoul(argv[2], 0, 10) ; argc -= 2 ; argv += 2 ; }
  if (argc < 5 || !(argc & 1) || !n) { fprintf(stderr, "usage: dkim-sign [-n COUNT] DOMAIN TIME SELECTOR KEYFILE...\n") ; return 100 ; }
  while (!r && n--) r = sign(argc, argv, &hdr, &out) ;
  if (!r && allwrite(1, out.s, out.len) < out.len) r = 111 ;
  for (ssize_t n ; !r && (n = fd_read(0, buf, sizeof buf)) ;)
    if (n < 0 || allwrite(1, buf, n) < (size_t)n) r = 111 ;
  stralloc_free(&hdr) ; stralloc_free(&out) ;
  return r ;
}
