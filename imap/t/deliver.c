/* deliver: tests only: store the message on stdin in ACCT's MAILBOX.
   usage: deliver ACCT MAILBOX   stdout: the UID.  exit: 0, 100, 111. */
#include <stdio.h>
#include <time.h>
#include "tern.h"
#include "tern_store.h"

int main (int argc, char **argv)
{
  uint32_t uid ;
  int r ;
  if (argc != 3) return 100 ;
  if (tern_store_create(argv[1])) { perror("create") ; return 111 ; }
  r = tern_store_deliverfd(argv[1], argv[2], 0, 0, 0, 0, (int64_t)time(0), TERN_DELIVER_CREATE, &uid) ;
  if (r) { perror("deliver") ; return r ; }
  printf("%u\n", (unsigned int)uid) ;
  return 0 ;
}
