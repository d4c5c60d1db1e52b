/* tern-sendmail-run.c: run tern-queue-inject or tern-smtp-out from our own
   directory (which also goes first in their PATH, for tern-tlsc and
   tern-dns: cron's PATH may lack it), the message on its stdin; and the
   exit code for tern-smtp-out's report. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <poll.h>
#include <sys/wait.h>
#include <skalibs/strerr.h>
#include <skalibs/djbunix.h>
#include <skalibs/allreadwrite.h>
#include "tern.h"
#include "tern-sendmail.h"

/* our directory, with a slash, or "" */
static char const *selfdir (void)
{
  static char dir[4096] ;
  static int done = 0 ;
  if (!done)
  {
    ssize_t n = readlink("/proc/self/exe", dir, sizeof dir - 1) ;
    char *slash ;
    dir[n > 0 ? n : 0] = 0 ;
    slash = strrchr(dir, '/') ;
    if (slash) slash[1] = 0 ; else dir[0] = 0 ;
    if (dir[0])
    {
      char const *path = getenv("PATH") ;
      stralloc sa = STRALLOC_ZERO ;
      if (stralloc_catb(&sa, dir, strlen(dir) - 1) && stralloc_cats(&sa, ":")
       && stralloc_cats(&sa, path && *path ? path : "/usr/bin:/bin") && stralloc_0(&sa))
        setenv("PATH", sa.s, 1) ;
      stralloc_free(&sa) ;
    }
    done = 1 ;
  }
  return dir ;
}

/* read fds[0] into sa[0] and fds[1] into sa[1] until both end */
static void collect (int *fd, stralloc *sa)
{
  struct pollfd p[2] = { { .fd = fd[0], .events = POLLIN }, { .fd = fd[1], .events = POLLIN } } ;
  while (p[0].fd >= 0 || p[1].fd >= 0)
  {
    if (poll(p, 2, -1) < 0) { if (errno == EINTR) continue ; break ; }
    for (unsigned int i = 0 ; i < 2 ; i++)
    {
      char buf[4096] ;
      ssize_t r ;
      if (p[i].fd < 0 || !p[i].revents) continue ;
      r = read(p[i].fd, buf, sizeof buf) ;
      if (r < 0 && errno == EINTR) continue ;
      if (r <= 0 || !stralloc_catb(sa + i, buf, r)) { fd_close(p[i].fd) ; p[i].fd = -1 ; }
    }
  }
}

int sm_run (char const *const *argv, char const *msg, size_t len, stralloc *out, stralloc *errout)
{
  char const *dir = selfdir() ;
  int in[2], res[2], err[2], wstat ;
  pid_t pid ;
  size_t dl = strlen(dir), pl = strlen(argv[0]) ;
  char path[dl + pl + 1] ;
  memcpy(path, dir, dl) ; memcpy(path + dl, argv[0], pl + 1) ;
  if (pipecoe(in) < 0) return -1 ;
  if (pipecoe(res) < 0) { fd_close(in[0]) ; fd_close(in[1]) ; return -1 ; }
  if (pipecoe(err) < 0) { fd_close(in[0]) ; fd_close(in[1]) ; fd_close(res[0]) ; fd_close(res[1]) ; return -1 ; }
  pid = fork() ;
  if (pid < 0) return -1 ;
  if (!pid)
  {
    if (fd_move(0, in[0]) < 0 || fd_move(1, res[1]) < 0 || fd_move(2, err[1]) < 0) _exit(111) ;
    if (dl) execv(path, (char *const *)argv) ;
    else execvp(argv[0], (char *const *)argv) ;
    strerr_warnwu2sys("run ", dl ? path : argv[0]) ;
    _exit(errno == ENOENT ? 127 : 126) ;
  }
  fd_close(in[0]) ; fd_close(res[1]) ; fd_close(err[1]) ;
  /* the helpers read all of stdin before they write much: no deadlock */
  allwrite(in[1], msg, len) ;
  fd_close(in[1]) ;
  {
    int fd[2] = { res[0], err[0] } ;
    stralloc sa[2] = { *out, *errout } ;
    collect(fd, sa) ;
    *out = sa[0] ; *errout = sa[1] ;
  }
  if (wait_pid(pid, &wstat) < 0) return -1 ;
  return WIFSIGNALED(wstat) ? 256 + WTERMSIG(wstat) : WEXITSTATUS(wstat) ;
}

/* 1 if reply (CODE TEXT) has enhanced code 5.1.X, X not 7 or 8 */
static int nouser (char const *reply)
{
  char const *e = strchr(reply, ' ') ;
  if (!e || strncmp(e + 1, "5.1.", 4)) return 0 ;
  e += 5 ;
  if (*e < '0' || *e > '9') return 0 ;
  return !((*e == '7' || *e == '8') && (e[1] == ' ' || !e[1])) ;
}

static stralloc la = STRALLOC_ZERO ;  /* an address as logged */

int sm_report (char const *out, size_t len, char const *rcpts, unsigned int n, int verbose, unsigned int *nfail)
{
  int temp = 0, user = 0, perm = 0 ;
  size_t pos = 0 ;
  char const *r = rcpts ;
  for (unsigned int i = 0 ; i < n ; i++, r += strlen(r) + 1)
  {
    char const *nl = memchr(out + pos, '\n', len - pos) ;
    size_t l = nl ? (size_t)(nl - out - pos) : 0, rl = strlen(r) ;
    char line[l + 1] ;
    char const *cls = line, *reply ;
    if (!nl) return SM_SOFTWARE ;
    memcpy(line, out + pos, l) ; line[l] = 0 ;
    pos += l + 1 ;
    reply = strchr(line, ' ') ;
    if (!reply || strncmp(reply + 1, r, rl) || reply[1 + rl] != ' ') return SM_SOFTWARE ;
    reply += 2 + rl ;
    if (!strncmp(cls, "ok ", 3)) { if (verbose) strerr_warni("sent to ", sm_logaddr(&la, r), ": ", reply) ; continue ; }
    if (!strncmp(cls, "temp ", 5)) temp = 1 ;
    else if (!strncmp(cls, "perm ", 5)) { perm = 1 ; user |= nouser(reply) ; }
    else return SM_SOFTWARE ;
    (*nfail)++ ;
    strerr_warnw("not sent to ", sm_logaddr(&la, r), ": ", cls[0] == 't' ? "temporary failure: " : "permanent failure: ", reply) ;
  }
  if (pos >= len || strncmp(out + pos, "msg ", 4)) return SM_SOFTWARE ;
  return temp ? SM_TEMPFAIL : user ? SM_NOUSER : perm ? SM_UNAVAILABLE : SM_OK ;
}
