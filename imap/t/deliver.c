/* deliver: tests only: store the message on stdin in ACCT's MAILBOX
   (COUNT times, for benchmarks).
   usage: deliver ACCT MAILBOX [COUNT]   stdout: the last UID.  exit: 0, 100, 111. */
#include <stdio.h>
#include <stdlib.h>
#include <skalibs/stralloc.h>
#include <skalibs/djbunix.h>
#include <time.h>
#include "tern.h"
#include "tern_store.h"

int main (int argc, char **argv)
{
  uint32_t uid ;
  int r ;
  stralloc sa = STRALLOC_ZERO ;
  unsigned long n = 1 ;
  if (argc != 3 && argc != 4) return 100 ;
  if (argc == 4) n = strtoul(argv[3], 0, 10) ;
  if (tern_store_create(argv[1])) { perror("create") ; return 111 ; }
  if (n == 1) r = tern_store_deliverfd(argv[1], argv[2], 0, 0, 0, 0, (int64_t)time(0), TERN_DELIVER_CREATE, &uid) ;
  else
  {
    if (!slurp(&sa, 0)) { perror("read") ; return 111 ; }
    r = 0 ;
    for (unsigned long i = 0 ; i < n && !r ; i++)
      r = tern_store_deliver(argv[1], argv[2], sa.s, sa.len, 0, 0, 0, (int64_t)time(0), TERN_DELIVER_CREATE, &uid) ;
  }
  stralloc_free(&sa) ;
  if (r) { perror("deliver") ; return r ; }
  printf("%u\n", (unsigned int)uid) ;
  return 0 ;
}
