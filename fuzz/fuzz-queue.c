/* fuzz-queue: the queue file parsers.  First byte even: an envelope
   (tern_qenv_parse), re-formatted and parsed again, which must give the
   same text; odd: a state file for (byte / 2) % 8 recipients. */
#include <stdint.h>
#include <stddef.h>
#include <string.h>
#include <stdlib.h>
#include "tern.h"
#include "tern_queue.h"

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  char const *s = (char const *)data + 1 ;
  if (!size) return 0 ;
  if (!(data[0] & 1))
  {
    tern_qenv e = TERN_QENV_ZERO, f = TERN_QENV_ZERO ;
    stralloc a = STRALLOC_ZERO, b = STRALLOC_ZERO ;
    if (!tern_qenv_parse(&e, s, size - 1) && tern_qenv_fmt(&a, &e))
    {
      if (tern_qenv_parse(&f, a.s, a.len) || !tern_qenv_fmt(&b, &f) || a.len != b.len || memcmp(a.s, b.s, a.len)) abort() ;
    }
    stralloc_free(&a) ; stralloc_free(&b) ;
    tern_qenv_free(&e) ; tern_qenv_free(&f) ;
  }
  else
  {
    tern_qstate st = TERN_QSTATE_ZERO, st2 = TERN_QSTATE_ZERO ;
    stralloc a = STRALLOC_ZERO, b = STRALLOC_ZERO ;
    unsigned int n = (data[0] >> 1) % 8 ;
    if (!tern_qstate_parse(&st, s, size - 1, n) && tern_qstate_fmt(&a, &st))
    {
      if (tern_qstate_parse(&st2, a.s, a.len, n) || !tern_qstate_fmt(&b, &st2) || a.len != b.len || memcmp(a.s, b.s, a.len)) abort() ;
    }
    stralloc_free(&a) ; stralloc_free(&b) ;
    tern_qstate_free(&st) ; tern_qstate_free(&st2) ;
  }
  return 0 ;
}
