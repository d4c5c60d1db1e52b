/* fuzz-qenvmake: tern_qenv_make (the envelope tern-queue-inject and
   tern-smtp-in build from their arguments).  Input: first byte the flags
   (bit 0 8BITMIME, bit 1 SMTPUTF8, bit 2 an account), then NUL-separated
   sender, account, ip, helo and recipients.  An envelope it makes must
   format, parse back (as tern-queue-run reads it) and format the same. */
#include <stdint.h>
#include <stddef.h>
#include <string.h>
#include <stdlib.h>
#include "tern.h"
#include "tern_queue.h"

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  char const *part[5] = { "", "", "", "", "" } ;
  char *s ;
  size_t np = 0, i = 0 ;
  unsigned int n = 0 ;
  if (!size || size > 4096) return 0 ;
  s = malloc(size + 1) ;
  if (!s) return 0 ;
  memcpy(s, data + 1, size - 1) ;
  s[size - 1] = 0 ; s[size] = 0 ;
  while (np < 4 && i < size - 1)
  {
    part[np++] = s + i ;
    i += strlen(s + i) + 1 ;
  }
  part[4] = i < size ? s + i : s + size - 1 ;  /* the recipients: the rest */
  for (size_t j = part[4] - s ; j < size - 1 ; j += strlen(s + j) + 1) if (s[j]) n++ ; else break ;
  {
    tern_qenv e = TERN_QENV_ZERO, f = TERN_QENV_ZERO ;
    stralloc a = STRALLOC_ZERO, b = STRALLOC_ZERO ;
    char const *what, *bad ;
    unsigned int flags = data[0] & 3 ;
    if (n && !tern_qenv_make(&e, part[0], part[4], n, (data[0] & 4) ? part[1] : 0, part[2], part[3], flags, &what, &bad))
    {
      if (!tern_qenv_fmt(&a, &e)) abort() ;
      if (tern_qenv_parse(&f, a.s, a.len) || !tern_qenv_fmt(&b, &f) || a.len != b.len || memcmp(a.s, b.s, a.len)) abort() ;
    }
    stralloc_free(&a) ; stralloc_free(&b) ;
    tern_qenv_free(&e) ; tern_qenv_free(&f) ;
  }
  free(s) ;
  return 0 ;
}
