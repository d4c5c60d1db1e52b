/* tern-tls-child.c: the side of tern-tls that becomes prog: uid/gid from
   the environment, the UCSPI-TLS variables (STARTTLS mode) or the session
   facts read from the helper (implicit mode), then exec. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>
#include <signal.h>
#include <grp.h>
#include <sys/wait.h>
#include <skalibs/socket.h>
#include <skalibs/types.h>
#include <skalibs/strerr.h>
#include <skalibs/djbunix.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/exec.h>
#include "tern-tls.h"

/* Become the uid and gid named by the variables uvar and gvar, if set.
   Returns 0, or what failed (errno set): never go on with the wrong ids. */
char const *tls_ids (char const *uvar, char const *gvar, int strict)
{
  char const *us = getenv(uvar) ;
  char const *gs = getenv(gvar) ;
  uint32_t uid = 0, gid = 0 ;
  if (!us && !gs) return 0 ;
  errno = EINVAL ;
  if (us && !uid0_scan(us, &uid)) return uvar ;
  if (gs && !uid0_scan(gs, &gid)) return gvar ;
  if (!geteuid() && setgroups(0, 0) < 0) return "setgroups" ;
  if (gs && setgid(gid) < 0) return "setgid" ;
  if (us && setuid(uid) < 0) return "setuid" ;
  errno = EPERM ;
  if (strict && us && uid && (!getuid() || !geteuid())) return "setuid" ;
  return 0 ;
}

static int allowed (char const *s, size_t n)
{
  static char const *const names[] = { "SSL_PROTOCOL", "SSL_CIPHER", "SSL_TLS_SNI_SERVERNAME" } ;
  for (size_t i = 0 ; i < sizeof names / sizeof *names ; i++)
    if (strlen(names[i]) == n && !memcmp(s, names[i], n)) return 1 ;
  return 0 ;
}

/* Waits for the facts of the session; without them (failed handshake)
   prog is not run. */
static void facts (int fd)
{
  char buf[TLS_INFO_MAX + 1] ;
  size_t len = allread(fd, buf, TLS_INFO_MAX) ;
  char *s = buf ;
  if (!len) _exit(0) ;
  buf[len] = 0 ;
  fd_close(fd) ;
  while (s < buf + len && *s)
  {
    char *eq = strchr(s, '=') ;
    size_t n = eq ? (size_t)(eq - s) : strlen(s) ;
    char *next = s + strlen(s) + 1 ;
    if (allowed(s, n))
    {
      if (eq) { *eq = 0 ; if (setenv(s, eq + 1, 1) < 0) strerr_diefusys(111, "setenv") ; }
      else unsetenv(s) ;
    }
    s = next ;
  }
}

static void setfd (char const *name, int fd)
{
  char fmt[INT_FMT] ;
  fmt[int_fmt(fmt, fd)] = 0 ;
  if (uncoe(fd) < 0) strerr_diefusys(111, "uncoe") ;
  if (setenv(name, fmt, 1) < 0) strerr_diefusys(111, "setenv") ;
}

/* f[0]: prog reads here, f[1]: prog writes here, f[2]: control socket
   (STARTTLS) or the pipe bringing the facts (implicit). */
static void child (char const *const *argv, int implicit, int const *f)
{
  char const *r = tls_ids("UID", "GID", 0) ;
  if (r) strerr_diefusys(111, "set ids for prog: ", r) ;
  signal(SIGPIPE, SIG_DFL) ;  /* ignored by the helper only, as under tern-listen */
  unsetenv("KEYFILE") ; unsetenv("CERTFILE") ;
  unsetenv("TLS_UID") ; unsetenv("TLS_GID") ;
  if (implicit)
  {
    facts(f[2]) ;
    if (dup2(f[0], 0) < 0 || dup2(f[1], 1) < 0) strerr_diefusys(111, "dup2") ;
    fd_close(f[0]) ; fd_close(f[1]) ;
  }
  else
  {
    setfd("SSLCTLFD", f[2]) ;
    setfd("SSLREADFD", f[0]) ;
    setfd("SSLWRITEFD", f[1]) ;
  }
  xexec(argv) ;
}

/* Forks prog; fills the helper's side of io. */
pid_t tls_spawn (char const *const *argv, int implicit, tlsio *io, tlspair *pairs)
{
  int a[2], b[2], x[2], f[3] ;
  pid_t pid ;
  if (pipecoe(a) < 0 || pipecoe(b) < 0) strerr_diefusys(111, "pipe") ;
  if (implicit ? pipecoe(x) < 0 : ipc_pair_coe(x) < 0) strerr_diefusys(111, "create control channel") ;
  pid = fork() ;
  if (pid < 0) strerr_diefusys(111, "fork") ;
  if (!pid)
  {
    tls_pair_wipe(pairs) ; tls_pair_wipe(pairs + 1) ;
    fd_close(b[0]) ; fd_close(a[1]) ; fd_close(x[1]) ;
    f[0] = a[0] ; f[1] = b[1] ; f[2] = x[0] ;
    child(argv, implicit, f) ;
  }
  fd_close(a[0]) ; fd_close(b[1]) ; fd_close(x[0]) ;
  io->ar = b[0] ; io->aw = a[1] ; io->note = x[1] ;
  return pid ;
}

/* prog's exit code; 111 if it was killed. */
int tls_reap (pid_t pid)
{
  int wstat ;
  if (wait_pid(pid, &wstat) < 0) strerr_diefusys(111, "wait for prog") ;
  return WIFSIGNALED(wstat) ? 111 : WEXITSTATUS(wstat) ;
}
