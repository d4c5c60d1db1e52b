/* tern-queue-run-deliver: one child per delivery attempt (a fork running
   tern-queue-local's delivery, stdin = the message, no exec), and recording
   the results of those that ended: exit 0 delivered, 100 failed, else retry. */
#include <errno.h>
#include <malloc.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <skalibs/types.h>
#include <skalibs/strerr.h>
#include "tern.h"
#include "tern_crypto.h"
#include "tern_log.h"
#include "tern-queue-run.h"
#include "tern-queue-local.h"

static void child (int fd, char const *account, uint64_t date)
{
  char const *agent = getenv("TERN_QUEUE_LOCAL") ;
  sigset_t none ;
  sigemptyset(&none) ;
  sigprocmask(SIG_SETMASK, &none, 0) ;
  signal(SIGPIPE, SIG_DFL) ;
  signal(SIGTERM, SIG_DFL) ;
  PROG = "tern-queue-local" ;
  if (dup2(fd, 0) < 0) _exit(111) ;
  if (agent && *agent)
  {
    /* another local delivery program, with tern-queue-local's argv */
    char d[UINT64_FMT] ;
    char const *argv[8] = { agent, "-c", confdir, "-d", d, "--", account, 0 } ;
    d[uint64_fmt(d, date)] = 0 ;
    execvp(agent, (char *const *)argv) ;
    strerr_diefu2sys(111, "run ", agent) ;
  }
  local_deliver(confdir, account, date) ;
  _exit(0) ;
}

/* A child's first allocation of 1 KiB or more made glibc consolidate the
   parent's fastbins (inherited): every chunk touched, each page a
   copy-on-write fault, in every child.  Without fastbins there is nothing
   to consolidate. */
static void nofastbins (void)
{
#ifdef M_MXFAST
  static int done = 0 ;
  if (!done) done = mallopt(M_MXFAST, 0) ;
#endif
}

int deliver_start (size_t mi, char const *account, unsigned int const *rcpts, unsigned int n)
{
  job j = { .pid = 0, .m = mi, .account = STRALLOC_ZERO, .rcpts = GENALLOC_ZERO } ;
  msg *m = MSG(mi) ;
  int fd = open(qpath(0, "mess", m->id), O_RDONLY | O_CLOEXEC) ;
  if (fd < 0 || lseek(fd, (off_t)m->env.hdrlen, SEEK_SET) < 0) goto err ;
  if (!stralloc_cats(&j.account, account) || !stralloc_0(&j.account)
   || !genalloc_catb(unsigned int, &j.rcpts, rcpts, n) || !genalloc_ready(job, &jobs, NJOBS + 1)) goto err ;
  nofastbins() ;
  j.pid = fork() ;
  if (j.pid < 0) goto err ;
  if (!j.pid) child(fd, account, m->env.time) ;
  close(fd) ;
  genalloc_append(job, &jobs, &j) ;
  for (unsigned int i = 0 ; i < n ; i++) m->busy.s[rcpts[i]] = 1 ;
  m->running++ ;
  return 1 ;
 err:
  tern_log_warn("start", "id", m->id, "account", account, "error", strerror(errno), TERN_LOG_END) ;
  if (fd >= 0) close(fd) ;
  stralloc_free(&j.account) ;
  genalloc_free(unsigned int, &j.rcpts) ;
  return 0 ;
}

static void result (msg *m, job const *j, int code, char const *what, uint64_t now)
{
  char const *rcpt0 = m->env.rcpts.s ;
  unsigned int const *ks = genalloc_s(unsigned int, &j->rcpts) ;
  for (unsigned int i = 0 ; i < genalloc_len(unsigned int, &j->rcpts) ; i++)
  {
    tern_qrcpt *r = tern_qstate_rcpt(&m->st, ks[i]) ;
    char const *rcpt = rcpt0 ;
    char att[UINT_FMT], nx[UINT64_FMT] ;
    for (unsigned int k = 0 ; k < ks[i] ; k++) rcpt += strlen(rcpt) + 1 ;
    m->busy.s[ks[i]] = 0 ;
    r->attempts++ ;
    r->last = now ;
    att[uint_fmt(att, r->attempts)] = 0 ;
    if (!code)
    {
      r->state = TERN_QRCPT_DELIVERED ;
      r->error[0] = 0 ;
      tern_log_info("delivery", "id", m->id, "rcpt", rcpt, "account", j->account.s, "result", "ok", TERN_LOG_END) ;
      continue ;
    }
    tern_qrcpt_seterror(r, what) ;
    if (code == 100 || r->attempts >= maxattempts)
    {
      r->state = TERN_QRCPT_FAILED ;
      tern_log_warn("delivery", "id", m->id, "rcpt", rcpt, "account", j->account.s, "result", "failed",
        "attempts", att, "error", what, TERN_LOG_END) ;
      continue ;
    }
    {
      unsigned char b ;
      tern_random(&b, 1) ;
      r->next = now + tern_queue_backoff(r->attempts - 1, (int)(b % 10) - 5) ;
    }
    nx[uint64_fmt(nx, r->next)] = 0 ;
    tern_log_info("delivery", "id", m->id, "rcpt", rcpt, "account", j->account.s, "result", "temp",
      "attempts", att, "next", nx, "error", what, TERN_LOG_END) ;
  }
}

static void ended (size_t ji, int wstat, uint64_t now)
{
  job *j = JOB(ji) ;
  size_t mi = j->m ;
  msg *m = MSG(mi) ;
  char what[80] ;
  int code = WIFEXITED(wstat) ? WEXITSTATUS(wstat) : 111 ;
  size_t n = 0 ;
  memcpy(what, "local delivery ", 15) ; n = 15 ;
  if (WIFSIGNALED(wstat))
  {
    memcpy(what + n, "killed by signal ", 17) ; n += 17 ;
    n += uint_fmt(what + n, (unsigned int)WTERMSIG(wstat)) ;
  }
  else
  {
    memcpy(what + n, code == 100 ? "failed permanently (exit " : "failed temporarily (exit ", 25) ; n += 25 ;
    n += uint_fmt(what + n, (unsigned int)code) ;
    what[n++] = ')' ;
  }
  what[n] = 0 ;
  result(m, j, code, what, now) ;
  m->dirty = 1 ;
  m->running-- ;
  stralloc_free(&j->account) ;
  genalloc_free(unsigned int, &j->rcpts) ;
  *j = *JOB(NJOBS - 1) ;
  genalloc_setlen(job, &jobs, NJOBS - 1) ;
  msg_settle(mi, now) ;
}

void deliver_reap (uint64_t now)
{
  for (;;)
  {
    int wstat ;
    size_t i = 0 ;
    pid_t pid = waitpid(-1, &wstat, WNOHANG) ;
    if (pid <= 0) break ;
    while (i < NJOBS && JOB(i)->pid != pid) i++ ;
    if (i < NJOBS) ended(i, wstat, now) ;
  }
}
