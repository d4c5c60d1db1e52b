/* tern-junk: an account's junk filter from the command line: classify,
   train, untrain, import, stats (tern-junk(8)).
   stdout: the verdict, counts.  exit: 0 done, 100 usage/no account/no
   filter, 111 temporary (unreadable, damaged, lock, memory). */
#include <string.h>
#include <skalibs/strerr.h>
#include <skalibs/buffer.h>
#include "tern.h"
#include "tern-junk.h"

int main (int argc, char const *const *argv)
{
  jargs a = { .cmd = 0, .acct = STRALLOC_ZERO, .verbose = 0, .batch = 0, .spam = -1,
    .junkpaths = GENALLOC_ZERO, .hampaths = GENALLOC_ZERO } ;
  PROG = "tern-junk" ;
  if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")))
  {
    if (buffer_putsflush(buffer_1, "usage: " USAGE "\n") < 0) strerr_diefusys(111, "write to stdout") ;
    return 0 ;
  }
  jargs_parse(&a, argc, argv) ;
  if (!strcmp(a.cmd, "classify")) cmd_classify(&a) ;
  else if (!strcmp(a.cmd, "train")) cmd_train(&a, 1) ;
  else if (!strcmp(a.cmd, "untrain")) cmd_train(&a, -1) ;
  else if (!strcmp(a.cmd, "import")) cmd_import(&a) ;
  else cmd_stats(&a) ;
  return 0 ;
}
