/* tern_dsn_waits: what is left of the retry schedule (tern-queue.5) after
   a given attempt: the number of waits, and the latest time the last
   attempt can come (Will-Retry-Until). */
#include "tern_queue.h"
#include "tern_dsn.h"

unsigned int tern_dsn_waits (uint32_t attempts, unsigned int max, uint64_t last, uint64_t *retryuntil)
{
  uint64_t t = last ;
  unsigned int n = 0 ;
  if (!attempts) attempts = 1 ;
  if (max > 100000) max = 100000 ;
  for (uint64_t k = attempts - 1 ; k + 2 <= max ; k++, n++)
  {
    uint64_t w = tern_queue_backoff((unsigned int)k, 4) ;
    t = t > UINT64_MAX - w ? UINT64_MAX : t + w ;
  }
  *retryuntil = t ;
  return n ;
}
