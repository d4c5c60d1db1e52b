/* tern_file_replacing: 1 if a file name is NAME.tmp.PID, the temporary of
   tern_file_replace, and process PID runs: a replace under way, not a
   stray (check and verify skip it; a dead PID's file is a leftover). */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <skalibs/types.h>
#include "tern.h"

int tern_file_replacing (char const *name)
{
  char const *t = strstr(name, ".tmp.") ;
  pid_t pid ;
  size_t n ;
  if (!t || t == name) return 0 ;
  n = pid_scan(t + 5, &pid) ;
  return n && !t[5 + n] && pid > 0 && (kill(pid, 0) == 0 || errno == EPERM) ;
}
