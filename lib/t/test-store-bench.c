/* test-store-bench: delivery is O(1).  Deterministic part: a delivery never
   reads the records before the last (a garbage record in the middle goes
   unnoticed).  Benchmark note (not pass/fail): the time per delivery for
   the first and the last 1000 of N messages in one mailbox (N from
   $TERN_STORE_BENCH_N, default 6000; make bench runs 100000). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "tern.h"
#include "tern_store.h"
#include "t.h"

#define A "acct"

static double now (void)
{
  struct timespec t ;
  clock_gettime(CLOCK_MONOTONIC, &t) ;
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9 ;
}

int main (void)
{
  char msg[512] ;
  char junk[TERN_STORE_RECSIZE], keep[TERN_STORE_RECSIZE] ;
  double t0 = 0, first = 0, last = 0 ;
  unsigned int bad = 0 ;
  int fd ;
  char const *x = getenv("TERN_STORE_BENCH_N") ;
  uint32_t N = x ? (uint32_t)strtoul(x, 0, 10) : 6000 ;
  if (N < 6000) N = 6000 ;
  memset(msg, 'x', sizeof msg) ;
  T(tern_store_create(A) == TERN_OK, "create") ;
  for (uint32_t i = 1 ; i <= N ; i++)
  {
    uint32_t uid = 0 ;
    if (i % 1000 == 1) t0 = now() ;
    if (tern_store_deliver(A, "Inbox", msg, sizeof msg, 0, 0, 0, 0, 0, &uid) || uid != i) bad++ ;
    if (i == 1000) first = now() - t0 ;
    if (i == N) last = now() - t0 ;
  }
  T(!bad, "N deliveries, UIDs in order") ;
  fd = open(A "/mail/1/index", O_RDWR) ;
  memset(junk, 0xff, sizeof junk) ;
  T(fd >= 0 && pread(fd, keep, sizeof keep, TERN_STORE_HDRSIZE + 5000 * TERN_STORE_RECSIZE) == sizeof keep
    && pwrite(fd, junk, sizeof junk, TERN_STORE_HDRSIZE + 5000 * TERN_STORE_RECSIZE) == sizeof junk, "garbage in record 5001") ;
  {
    uint32_t uid = 0 ;
    T(tern_store_deliver(A, "Inbox", "x", 1, 0, 0, 0, 0, 0, &uid) == TERN_OK && uid == N + 1, "delivery does not read old records") ;
  }
  T(pwrite(fd, keep, sizeof keep, TERN_STORE_HDRSIZE + 5000 * TERN_STORE_RECSIZE) == sizeof keep, "restore") ;
  close(fd) ;
  printf("# benchmark: %.3f ms per delivery for messages 1-1000, %.3f ms for %u-%u (%.2fx)\n",
    first, last, N - 999, N, first > 0 ? last / first : 0) ;
  return tdone() ;
}
