/* tern_dns_run.c: one tern-dns query in a child; see tern_dnsrun.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <skalibs/djbunix.h>
#include "tern_dnsrun.h"

int tern_dns_run (char const *cmd, char const *arg, int quiet, stralloc *out)
{
  char const *t = getenv("TERN_DNS_TIMEOUT") ;
  char const *argv[6] = { "tern-dns", "-t", t && *t && strspn(t, "0123456789") == strlen(t) && strlen(t) <= 4 ? t : "30", cmd, arg, 0 } ;
  int p[2], wstat, code ;
  pid_t pid ;
  out->len = 0 ;
  if (pipecoe(p) < 0) return 111 ;
  pid = fork() ;
  if (pid < 0) { fd_close(p[0]) ; fd_close(p[1]) ; return 111 ; }
  if (!pid)
  {
    if (dup2(p[1], 1) < 0) _exit(111) ;
    if (quiet)
    {
      int null = open("/dev/null", O_WRONLY) ;
      if (null < 0 || dup2(null, 2) < 0) _exit(111) ;
    }
    execvp(argv[0], (char *const *)argv) ;
    _exit(errno == ENOENT ? 127 : 111) ;
  }
  fd_close(p[1]) ;
  if (!slurp(out, p[0])) out->len = 0 ;
  fd_close(p[0]) ;
  if (wait_pid(pid, &wstat) < 0) return 111 ;
  code = WIFEXITED(wstat) ? WEXITSTATUS(wstat) : 111 ;
  if (code && code != 100) stralloc_free(out) ;  /* callers may return at once */
  return code ;
}
