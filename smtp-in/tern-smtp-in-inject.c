/* tern-smtp-in-inject: one tern-queue-inject per message, the message on a
   pipe to its stdin, its id read from its stdout.  Inject commits only on a
   "Y" on its confirmation pipe (-y 3) after the message: a message we drop,
   or a session that dies, closes that pipe unanswered and nothing is queued.
   The child runs inject's code without an exec (linked in: an exec cost
   more than the rest of the injection); TERN_QUEUE_INJECT execs another. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <skalibs/strerr.h>
#include "tern_log.h"
#include "tern-smtp-in.h"
#include "tern-queue-inject.h"

#define INJECT "tern-queue-inject"

/* Without an exec nothing is close-on-exec: close every fd but 0-3 (the
   connection, the TLS helper's channels, our ends of the pipes), or inject
   would hold its own stdin open and the helper's channels too. */
static void closefrom4 (void)
{
#ifdef SYS_close_range
  if (!syscall(SYS_close_range, 4U, ~0U, 0U)) return ;
#endif
  for (int fd = 4 ; fd < 1024 ; fd++) close(fd) ;
}

static void child (smtp *s, int in, int out, int y, pid_t parent)
{
  char const *argv[SMTP_MAXRCPT + 20] ;
  char const *prog = getenv("TERN_QUEUE_INJECT") ;
  unsigned int n = 0 ;
#ifdef __linux__
  prctl(PR_SET_PDEATHSIG, SIGKILL) ;
#endif
  if (getppid() != parent) _exit(111) ;
  signal(SIGPIPE, SIG_DFL) ;
  if (fd_move(0, in) < 0 || fd_move(1, out) < 0 || fd_move(3, y) < 0 || uncoe(3) < 0) _exit(111) ;
  argv[n++] = prog && *prog ? prog : INJECT ;
  argv[n++] = "-c" ; argv[n++] = s->confdir ;
  argv[n++] = "-y" ; argv[n++] = "3" ;
  if (s->account.len) { argv[n++] = "-a" ; argv[n++] = s->account.s ; }
  argv[n++] = "-i" ; argv[n++] = s->ip ;
  argv[n++] = "-H" ; argv[n++] = s->heloname.s ;
  if (s->mp.body8) argv[n++] = "-8" ;
  if (s->mp.utf8) argv[n++] = "-U" ;
  argv[n++] = "-f" ; argv[n++] = s->from.s ;
  argv[n++] = "--" ;
  for (size_t i = 0 ; i < s->rcpts.len && n < SMTP_MAXRCPT + 19 ; i += strlen(s->rcpts.s + i) + 1)
    argv[n++] = s->rcpts.s + i ;
  argv[n] = 0 ;
  if (!prog || !*prog)
  {
    closefrom4() ;
    _exit(inject_run((int)n, argv)) ;
  }
  if (strchr(prog, '/')) execv(prog, (char *const *)argv) ;
  else execvp(prog, (char *const *)argv) ;
  strerr_warnwu2sys("exec ", prog) ;
  _exit(errno == ENOENT ? 127 : 126) ;
}

int smtp_inject_start (smtp *s)
{
  int in[2], out[2], y[2] ;
  pid_t parent = getpid() ;
  s->injfail = 0 ;
  if (pipecoe(in) < 0) goto err ;
  if (pipecoe(out) < 0) { fd_close(in[0]) ; fd_close(in[1]) ; goto err ; }
  if (pipecoe(y) < 0) goto errpipes ;
  s->pid = fork() ;
  if (s->pid < 0)
  {
    fd_close(y[0]) ; fd_close(y[1]) ;
    goto errpipes ;
  }
  if (!s->pid) child(s, in[0], out[1], y[0], parent) ;
  fd_close(in[0]) ;
  fd_close(out[1]) ;
  fd_close(y[0]) ;
  s->infd = in[1] ;
  s->outfd = out[0] ;
  s->yfd = y[1] ;
  return 1 ;
 errpipes:
  fd_close(in[0]) ; fd_close(in[1]) ; fd_close(out[0]) ; fd_close(out[1]) ;
 err:
  tern_log_warn("inject", "session", s->session, "error", strerror(errno), TERN_LOG_END) ;
  s->pid = -1 ;
  return 0 ;
}

void smtp_inject_write (smtp *s, char const *p, size_t n)
{
  if (s->injfail || s->infd < 0) return ;
  if (allwrite(s->infd, p, n) != n)
  {
    tern_log_warn("inject", "session", s->session, "error", strerror(errno), TERN_LOG_END) ;
    s->injfail = 1 ;
  }
}

static int reap (smtp *s)
{
  int wstat = 0 ;
  if (s->infd >= 0) fd_close(s->infd) ;
  if (s->outfd >= 0) fd_close(s->outfd) ;
  if (s->yfd >= 0) fd_close(s->yfd) ;
  s->infd = s->outfd = s->yfd = -1 ;
  while (waitpid(s->pid, &wstat, 0) < 0 && errno == EINTR) ;
  s->pid = -1 ;
  return wstat ;
}

void smtp_inject_abort (smtp *s)
{
  if (s->pid <= 0) return ;
  /* closing the confirmation pipe unanswered is what discards the message */
  fd_close(s->yfd) ;
  s->yfd = -1 ;
  kill(s->pid, SIGTERM) ;
  reap(s) ;
}

char const *smtp_inject_finish (smtp *s, stralloc *id)
{
  char buf[128] ;
  size_t n = 0, i ;
  int wstat ;
  if (s->pid <= 0) return "451 4.3.0 temporary failure" ;
  fd_close(s->infd) ;
  s->infd = -1 ;
  if (!s->injfail && fd_write(s->yfd, "Y", 1) != 1) s->injfail = 1 ;
  fd_close(s->yfd) ;
  s->yfd = -1 ;
  for (;;)
  {
    ssize_t r = fd_read(s->outfd, buf + n, sizeof buf - n) ;
    if (r <= 0) break ;
    n += r ;
    if (n == sizeof buf) break ;
  }
  wstat = reap(s) ;
  if (s->injfail) return "451 4.3.0 temporary failure, try again later" ;
  if (WIFEXITED(wstat) && WEXITSTATUS(wstat) == 100) return "554 5.0.0 message refused by the queue" ;
  if (!WIFEXITED(wstat) || WEXITSTATUS(wstat)) return "451 4.3.0 temporary failure, try again later" ;
  for (i = 0 ; i < n && buf[i] != '\n' ; i++)
  {
    char c = buf[i] ;
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' || c == '-' || c == '_'))
      break ;
  }
  if (!i || i == n || buf[i] != '\n') return "451 4.3.0 temporary failure, try again later" ;
  if (!stralloc_catb(id, buf, i) || !stralloc_0(id)) return "451 4.3.0 out of memory" ;
  return 0 ;
}
