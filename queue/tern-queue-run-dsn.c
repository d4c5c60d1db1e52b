/* tern-queue-run-dsn: owed delivery status notices (recipients in state
   bounce or delay), made by one run of tern-queue-dsn per message and kind
   with "failed|delayed RCPT CODE TEXT" lines on its stdin; exit 0 settles
   them, so does 100 for a delay notice; a failure notice is the last trace
   of a message and is never given up: retried after an hour (100) or a
   minute (anything else). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <skalibs/types.h>
#include <skalibs/strerr.h>
#include "tern.h"
#include "tern_log.h"
#include "tern-queue-run.h"

int dsn_owed (msg const *m)
{
  for (unsigned int k = 0 ; k < m->env.nrcpt ; k++)
  {
    unsigned int s = tern_qstate_rcpt(&m->st, k)->state ;
    if (s == TERN_QRCPT_BOUNCE || s == TERN_QRCPT_DELAY) return 1 ;
  }
  return 0 ;
}

/* the line of one recipient; an error without a reply code gets one */
static int addline (stralloc *sa, char const *kind, char const *rcpt, char const *error)
{
  int coded = strlen(error) > 4 && error[0] >= '2' && error[0] <= '5' && error[1] >= '0' && error[1] <= '9'
    && error[2] >= '0' && error[2] <= '9' && error[3] == ' ' ;
  if (!stralloc_cats(sa, kind) || !stralloc_catb(sa, " ", 1) || !stralloc_cats(sa, rcpt) || !stralloc_catb(sa, " ", 1)) return 0 ;
  if (!coded && (!stralloc_cats(sa, kind[0] == 'f' ? "554 5.0.0 tern: " : "451 4.0.0 tern: ")
   || !stralloc_cats(sa, error[0] ? error : "no reason given"))) return 0 ;
  if (coded && !stralloc_cats(sa, error)) return 0 ;
  return stralloc_catb(sa, "\n", 1) ;
}

static void child (int in, char const *path, int delayed)
{
  char const *argv[6] = { "tern-queue-dsn", "-c", confdir, delayed ? "-d" : path, delayed ? path : 0, 0 } ;
  sigset_t none ;
  sigemptyset(&none) ;
  sigprocmask(SIG_SETMASK, &none, 0) ;
  signal(SIGPIPE, SIG_DFL) ;
  signal(SIGTERM, SIG_DFL) ;
  if (dup2(in, 0) < 0) _exit(111) ;
  execvp(argv[0], (char *const *)argv) ;
  strerr_diefu2sys(111, "run ", argv[0]) ;
}

int dsn_start (size_t mi, uint64_t now)
{
  static stralloc sa = STRALLOC_ZERO ;
  static genalloc ks = GENALLOC_ZERO ;  /* unsigned int */
  job j = { .pid = 0, .m = mi, .kind = JOB_DSN, .out = -1, .account = STRALLOC_ZERO, .rcpts = GENALLOC_ZERO } ;
  msg *m = MSG(mi) ;
  int delayed = 1, fd = -1 ;
  sa.len = 0 ;
  genalloc_setlen(unsigned int, &ks, 0) ;
  for (unsigned int k = 0 ; k < m->env.nrcpt ; k++)
    if (tern_qstate_rcpt(&m->st, k)->state == TERN_QRCPT_BOUNCE) delayed = 0 ;
  for (unsigned int k = 0 ; k < m->env.nrcpt ; k++)
  {
    tern_qrcpt const *r = tern_qstate_rcpt(&m->st, k) ;
    if (r->state != (delayed ? TERN_QRCPT_DELAY : TERN_QRCPT_BOUNCE)) continue ;
    if (!addline(&sa, delayed ? "delayed" : "failed", rcpt_addr(m, k), tern_qrcpt_error(r))
     || !genalloc_append(unsigned int, &ks, &k)) goto err ;
  }
  fd = tmpfile_open() ;
  if (fd < 0 || write(fd, sa.s, sa.len) != (ssize_t)sa.len || lseek(fd, 0, SEEK_SET) < 0) goto err ;
  if (!stralloc_cats(&j.account, delayed ? "delayed" : "failed") || !stralloc_0(&j.account)
   || !genalloc_ready(unsigned int, &j.rcpts, genalloc_len(unsigned int, &ks)) || !genalloc_ready(job, &jobs, NJOBS + 1)) goto err ;
  j.pid = fork() ;
  if (j.pid < 0) goto err ;
  if (!j.pid) child(fd, qpath(0, "mess", m->id), delayed) ;
  close(fd) ;
  job_add(&j, genalloc_s(unsigned int, &ks), genalloc_len(unsigned int, &ks)) ;
  return 1 ;
 err:
  tern_log_warn("dsn", "id", m->id, "error", strerror(errno), TERN_LOG_END) ;
  if (fd >= 0) close(fd) ;
  stralloc_free(&j.account) ;
  genalloc_free(unsigned int, &j.rcpts) ;
  m->dsnwake = now + 60 ;
  return 0 ;
}

void dsn_ended (size_t ji, int wstat, uint64_t now)
{
  job *j = JOB(ji) ;
  msg *m = MSG(j->m) ;
  int code = WIFEXITED(wstat) ? WEXITSTATUS(wstat) : 111 ;
  int delayed = j->account.s[0] == 'd' ;
  char n[UINT_FMT], c[UINT_FMT] ;
  n[uint_fmt(n, genalloc_len(unsigned int, &j->rcpts))] = 0 ;
  c[uint_fmt(c, (unsigned int)code)] = 0 ;
  if (code && code != 100)
  {
    m->dsnwake = now + 60 ;
    tern_log_warn("dsn", "id", m->id, "kind", j->account.s, "nrcpt", n, "result", "temp", "exit", c, TERN_LOG_END) ;
  }
  else if (code && !delayed)
  {
    /* no account to take it (no postmaster) or a bad queue file: the
       admin can act (postmaster, tern queue kick), the message waits */
    m->dsnwake = now + 3600 ;
    tern_log_warn("dsn", "id", m->id, "kind", j->account.s, "nrcpt", n, "result", "kept", "exit", c, "next", "+3600s", TERN_LOG_END) ;
  }
  else
  {
    for (unsigned int i = 0 ; i < genalloc_len(unsigned int, &j->rcpts) ; i++)
    {
      tern_qrcpt *r = tern_qstate_rcpt(&m->st, genalloc_s(unsigned int, &j->rcpts)[i]) ;
      if (delayed && r->state == TERN_QRCPT_DELAY) r->state = TERN_QRCPT_PENDING ;
      if (!delayed && r->state == TERN_QRCPT_BOUNCE) r->state = TERN_QRCPT_FAILED ;
    }
    m->dirty = 1 ;
    if (code) tern_log_warn("dsn", "id", m->id, "kind", j->account.s, "nrcpt", n, "result", "failed", "exit", c, TERN_LOG_END) ;
    else tern_log_info("dsn", "id", m->id, "kind", j->account.s, "nrcpt", n, "result", "ok", TERN_LOG_END) ;
  }
  job_drop(ji) ;
}
