/* tern_random: unpredictable bytes for salts, nonces and challenges. */
#include <skalibs/random.h>
#include "tern_crypto.h"

void tern_random (void *s, size_t n)
{
  random_buf(s, n) ;
}
