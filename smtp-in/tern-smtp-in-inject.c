/* tern-smtp-in-inject: each message into the queue.  By default this
   process writes the queue file itself (tern_qfile, the code of
   tern-queue-inject, in a file taken from the queue's pool): commit, and
   250, only after the whole message, its seal and fdatasync; an abort or
   a dying session leaves only a tmp/ file that is not whole.
   With TERN_QUEUE_INJECT (tests) a child runs that program, the message on
   a pipe to its stdin and its id read from its stdout; it commits only on
   a "Y" on its confirmation pipe (-y 3) after the message. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include "tern.h"
#include "tern_log.h"
#include "tern-smtp-in.h"

/* touched only once a message comes, and kept resident (zeroed) between
   connections: 16 KiB, not 64, keeps an idle session under 1 MiB of RSS
   (tern-smtp-in.8 NOTES); a larger message costs a write per 16 KiB and
   the seal one pwrite */
static char qbuf[16384] ;
static size_t qhigh = 0 ;  /* how far into qbuf the queue file went: the wipe's length */
static stralloc qtmp = STRALLOC_ZERO ;  /* the queue file's tmp/ path, for the log */

/* The envelope, then the queue file; 0 (451 at once) on a temporary
   error; a refused envelope is answered 554 after the data, as inject's. */
static int inq_start (smtp *s)
{
  tern_qenv env = TERN_QENV_ZERO ;
  char const *what, *bad ;
  unsigned int n = 0 ;
  int r ;
  for (size_t i = 0 ; i < s->rcpts.len ; i += strlen(s->rcpts.s + i) + 1) n++ ;
  s->qdir.len = 0 ;
  r = tern_conf_global(&s->conf, "datadir", &s->qdir) ;
  if (!r) errno = ENOENT ;
  if (r != 1) { smtp_syserr(s, "datadir", s->conf.path.s) ; return 0 ; }
  if (!stralloc_cats(&s->qdir, "/queue") || !stralloc_0(&s->qdir)) { smtp_syserr(s, "queue", "") ; return 0 ; }
  r = tern_qenv_make(&env, s->from.s, s->rcpts.s, n, s->account.len ? s->account.s : 0, s->ip, s->heloname.s,
    (s->mp.body8 ? TERN_QENV_8BIT : 0) | (s->mp.utf8 ? TERN_QENV_UTF8 : 0), &what, &bad) ;
  if (r == TERN_PERM)
  {
    tern_log_warn("inject", "session", s->session, "error", "envelope refused", what, bad, TERN_LOG_END) ;
    s->injfail = 2 ;
  }
  else if (!r)
  {
    r = tern_qfile_take(&s->q, s->qdir.s, &env, qbuf, sizeof qbuf) ;
    if (s->q.len > qhigh) qhigh = s->q.len ;
    qtmp.len = 0 ;
    if (r == TERN_TEMP)
    {
      int e = errno ;
      if (!stralloc_copyb(&qtmp, s->qdir.s, s->qdir.len - 1) || !stralloc_cats(&qtmp, "/tmp") || !stralloc_0(&qtmp)) qtmp.len = 0 ;
      errno = e ;
      smtp_syserr(s, "open", qtmp.len ? qtmp.s : s->qdir.s) ;
    }
    else if (!stralloc_copyb(&qtmp, s->q.tmp.s, s->q.tmp.len)) qtmp.len = 0 ;
  }
  else smtp_syserr(s, "envelope", "") ;
  tern_qenv_free(&env) ;
  if (r == TERN_TEMP) return 0 ;
  s->inq = 1 ;
  return 1 ;
}

static char const *inq_finish (smtp *s, stralloc *id)
{
  int fail = s->injfail ;
  s->inq = 0 ;
  if (fail == 2) return "554 5.0.0 message refused by the queue" ;
  if (!fail && tern_qfile_commit(&s->q, s->qdir.s))
    smtp_syserr(s, "commit", qtmp.len ? qtmp.s : s->qdir.s) ;
  else if (!fail && stralloc_cats(id, s->q.id) && stralloc_0(id)) return 0 ;
  tern_qfile_abort(&s->q) ;
  return "451 4.3.0 temporary failure, try again later" ;
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
  argv[n++] = prog ;
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
  if (strchr(prog, '/')) execv(prog, (char *const *)argv) ;
  else execvp(prog, (char *const *)argv) ;
  strerr_warnwu2sys("exec ", prog) ;
  _exit(errno == ENOENT ? 127 : 126) ;
}

int smtp_inject_start (smtp *s)
{
  int in[2], out[2], y[2] ;
  pid_t parent = getpid() ;
  char const *x = getenv("TERN_QUEUE_INJECT") ;
  s->injfail = 0 ;
  if (!x || !*x) return inq_start(s) ;
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
  smtp_syserr(s, "fork", x) ;
  s->pid = -1 ;
  return 0 ;
}

void smtp_inject_write (smtp *s, char const *p, size_t n)
{
  if (s->injfail) return ;
  if (s->inq)
  {
    /* tern_qfile fills its buffer from the start: q.len is its high mark */
    int r = tern_qfile_write(&s->q, p, n) ;
    if (s->q.len > qhigh) qhigh = s->q.len ;
    if (r)
    {
      smtp_syserr(s, "write", qtmp.len ? qtmp.s : s->qdir.s) ;
      s->injfail = 1 ;
    }
    return ;
  }
  if (s->infd < 0) return ;
  if (allwrite(s->infd, p, n) != n)
  {
    smtp_syserr(s, "write", getenv("TERN_QUEUE_INJECT")) ;
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
  if (s->inq)
  {
    tern_qfile_abort(&s->q) ;
    s->inq = 0 ;
    return ;
  }
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
  if (s->inq) return inq_finish(s, id) ;
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
  if (!WIFEXITED(wstat) || WEXITSTATUS(wstat))
  {
    char fmt[UINT_FMT] ;
    fmt[uint_fmt(fmt, WIFEXITED(wstat) ? WEXITSTATUS(wstat) : WTERMSIG(wstat))] = 0 ;
    tern_log_warn("inject", "session", s->session, "prog", getenv("TERN_QUEUE_INJECT"),
      WIFEXITED(wstat) ? "exit" : "signal", fmt, TERN_LOG_END) ;
  }
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

void smtp_inject_wipe (void)
{
  /* beyond qhigh, qbuf is still as the last wipe left it: zeros; a
     reused session's RSS then holds only the pages its messages used */
  explicit_bzero(qbuf, qhigh) ;
  qhigh = 0 ;
  smtp_wipesa(&qtmp) ;
}
