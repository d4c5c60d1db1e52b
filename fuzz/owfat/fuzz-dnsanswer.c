/* fuzz-dnsanswer: tern-dns's answer reader (smtp-out/tern-dns-answer.c) on
   hostile packets.  The first byte picks the type; the question name is
   dst.test.  Property: the records come out well framed, A 4 bytes, AAAA
   16, MX at least 2 + 1.  It links libowfat, never libtern or skalibs, so
   it lives outside fuzz/fuzz-*.c; build and run:
   clang -fsanitize=fuzzer,address,undefined -Ismtp-out fuzz/owfat/fuzz-dnsanswer.c \
     smtp-out/tern-dns-answer.c /usr/lib/libowfat.a -o /tmp/fd && /tmp/fd fuzz/corpus/dnsanswer */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <dns.h>
#include "tern-dns.h"

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  static char const *const types[5] = { DNS_T_MX, DNS_T_A, DNS_T_AAAA, DNS_T_TXT, DNS_T_PTR } ;
  stralloc out = { 0, 0, 0 } ;
  char *q = 0 ;
  unsigned int hops = 0 ;
  char const *t ;
  int r ;
  if (!size || size > 65536) return 0 ;
  t = types[data[0] % 5] ;
  if (!dns_domain_fromdot(&q, "dst.test", 8)) abort() ;
  r = dq_answer((char const *)data + 1, (unsigned int)(size - 1), t, &q, &out, &hops) ;
  if (r < DQ_AGAIN || r > DQ_FOUND || hops > 17 || (r == DQ_FOUND) != (out.len > 0)) abort() ;
  for (size_t i = 0 ; i < out.len ; )
  {
    size_t n ;
    if (i + 2 > out.len) abort() ;
    n = ((unsigned char)out.s[i] << 8) | (unsigned char)out.s[i + 1] ;
    if (i + 2 + n > out.len) abort() ;
    if ((t == types[1] && n != 4) || (t == types[2] && n != 16) || (t == types[0] && n < 3)) abort() ;
    i += 2 + n ;
  }
  stralloc_free(&out) ;
  dns_domain_free(&q) ;
  return 0 ;
}
