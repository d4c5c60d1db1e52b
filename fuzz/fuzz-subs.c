/* fuzz-subs: arbitrary bytes as an account's subscriptions file
   (tern-store.5): the parser must take or refuse it without crashing, and
   a set it takes must come back the same through the format and through
   unsubscribing and subscribing each name again. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "tern.h"
#include "tern_store.h"

static void roundtrip (stralloc const *sa)
{
  stralloc f = STRALLOC_ZERO, again = STRALLOC_ZERO, copy = STRALLOC_ZERO ;
  if (!stralloc_cats(&f, "tern-subscriptions 1\n")) goto end ;
  for (size_t i = 0 ; i < sa->len ; i += strlen(sa->s + i) + 1)
    if (!stralloc_cats(&f, sa->s + i) || !stralloc_catb(&f, "\n", 1)) goto end ;
  if (tern_subs_parse(&again, f.s, f.len) != TERN_OK || again.len != sa->len || (sa->len && memcmp(again.s, sa->s, sa->len))) abort() ;
  if (!stralloc_copy(&copy, sa)) goto end ;
  for (size_t i = 0 ; i < sa->len ; i += strlen(sa->s + i) + 1)
  {
    if (!tern_subs_find(&copy, sa->s + i)) abort() ;
    if (tern_subs_set(&copy, sa->s + i, 0) != 1 || tern_subs_find(&copy, sa->s + i)) abort() ;
    if (tern_subs_set(&copy, sa->s + i, 1) != 1 || !tern_subs_find(&copy, sa->s + i)) abort() ;
  }
  if (copy.len != sa->len) abort() ;
 end:
  stralloc_free(&f) ;
  stralloc_free(&again) ;
  stralloc_free(&copy) ;
}

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  stralloc sa = STRALLOC_ZERO ;
  if (tern_subs_parse(&sa, (char const *)data, size) == TERN_OK) roundtrip(&sa) ;
  stralloc_free(&sa) ;
  return 0 ;
}
