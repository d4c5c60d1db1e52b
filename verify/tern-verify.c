/* tern-verify: check a data directory (or a backup of it), and repair it
   with -fix.  usage: tern-verify [ -c confdir ] [ -fix ] [ -q ] datadir
   stdout: one line per problem, a summary.  exit: 0 clean, 100 problems
   found (or usage), 111 something could not be checked. */
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <skalibs/buffer.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include "tern.h"
#include "tern-verify.h"

#define USAGE "tern-verify [ -c confdir ] [ -fix ] [ -q ] datadir"

verify V = { .datadir = 0 } ;

static void put (char const *s)
{
  if (buffer_puts(buffer_1, s) < 0) strerr_diefu1sys(111, "write to stdout") ;
}

static void putnum (uint64_t n, char const *what)
{
  char fmt[UINT64_FMT] ;
  if (buffer_put(buffer_1, fmt, uint64_fmt(fmt, n)) < 0) strerr_diefu1sys(111, "write to stdout") ;
  put(what) ;
}

static void summary (void)
{
  unsigned int p = V.fix ? V.left : V.found ;
  put("tern-verify: ") ; put(V.datadir) ; put(": ") ;
  if (!V.found && !V.fixed) put("ok") ;
  else
  {
    putnum(V.found, V.found == 1 ? " problem" : " problems") ;
    if (V.fix) { put(", ") ; putnum(V.fixed, " fixed, ") ; putnum(p, " left") ; }
  }
  if (V.incomplete) put(", incomplete check") ;
  put(": ") ;
  putnum(V.accounts, V.accounts == 1 ? " account, " : " accounts, ") ;
  putnum(V.mailboxes, V.mailboxes == 1 ? " mailbox, " : " mailboxes, ") ;
  putnum(V.messages, V.messages == 1 ? " message, " : " messages, ") ;
  putnum(V.queued, " queued\n") ;
  v_flush() ;
}

int main (int argc, char const *const *argv)
{
  char const *confdir = 0 ;
  int quiet = 0 ;
  struct stat st ;
  PROG = "tern-verify" ;
  for (argc--, argv++ ; argc && argv[0][0] == '-' && argv[0][1] ; argc--, argv++)
  {
    if (!strcmp(argv[0], "-fix")) V.fix = 1 ;
    else if (!strcmp(argv[0], "-q")) quiet = 1 ;
    else if (!strcmp(argv[0], "-c") && argc > 1) { confdir = argv[1] ; argc-- ; argv++ ; }
    else if (!strcmp(argv[0], "--")) { argc-- ; argv++ ; break ; }
    else strerr_dieusage(100, USAGE) ;
  }
  if (argc != 1) strerr_dieusage(100, USAGE) ;
  V.datadir = argv[0] ;
  V.confdir = confdir ;
  V.dlen = strlen(V.datadir) ;
  while (V.dlen > 1 && V.datadir[V.dlen - 1] == '/') V.dlen-- ;
  V.progress = !quiet && isatty(2) ;
  if (stat(V.datadir, &st) < 0) strerr_diefu2sys(111, "read ", V.datadir) ;
  if (!S_ISDIR(st.st_mode)) strerr_dief2x(100, V.datadir, " is not a directory") ;
  if (access(V.datadir, R_OK | X_OK) < 0) strerr_diefu2sys(111, "read ", V.datadir) ;
  {
    /* what -fix leaves to the administrator is left */
    unsigned int before = V.found ;
    v_version() ;
    v_top() ;
    v_config(confdir) ;
    if (V.fix) V.left += V.found - before ;
  }
  v_accounts() ;
  v_queue() ;
  v_progress(2) ;
  summary() ;
  if (V.incomplete) return 111 ;
  return (V.fix ? V.left : V.found) ? 100 : 0 ;
}
