/* tern-queue-run-deliver: the jobs (local deliveries: in a worker, see
   tern-queue-run-worker.c, or with TERN_QUEUE_LOCAL a fork and exec of
   that program; remote ones and notices in their own files), the attempt
   count, and recording each recipient's result. */
#include <errno.h>
#include <malloc.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <skalibs/types.h>
#include <skalibs/strerr.h>
#include "tern.h"
#include "tern_addr.h"
#include "tern_crypto.h"
#include "tern_log.h"
#include "tern-queue-run.h"
#include "tern-queue-local.h"

char const *localagent = 0 ;  /* TERN_QUEUE_LOCAL, or 0: workers */
size_t jobslater = 0 ;

/* the child running TERN_QUEUE_LOCAL, with tern-queue-local's argv */
static void child (int fd, char const *account, uint64_t date, int outside)
{
  char d[UINT64_FMT] ;
  char const *argv[9] = { localagent, "-c", confdir, "-d", d, "--", account, 0, 0 } ;
  sigset_t none ;
  sigemptyset(&none) ;
  sigprocmask(SIG_SETMASK, &none, 0) ;
  signal(SIGPIPE, SIG_DFL) ;
  signal(SIGTERM, SIG_DFL) ;
  PROG = "tern-queue-local" ;
  if (dup2(fd, 0) < 0) _exit(111) ;
  d[uint64_fmt(d, date)] = 0 ;
  if (outside) { argv[5] = "-j" ; argv[6] = "--" ; argv[7] = account ; }
  execvp(localagent, (char *const *)argv) ;
  strerr_diefu2sys(111, "run ", localagent) ;
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

/* a memfd where the kernel has them: a file in QDIR/tmp costs an inode
   of the queue's file system for each job (found slow to allocate on ext4
   after many removals, fanout.bench) */
int tmpfile_open (void)
{
  static unsigned int n = 0 ;
  char name[16 + 2 * UINT_FMT] = "report." ;
  size_t k = 7 ;
  int fd ;
#ifdef SYS_memfd_create
  fd = (int)syscall(SYS_memfd_create, "tern-queue-run", 1u) ;  /* MFD_CLOEXEC */
  if (fd >= 0 || (errno != ENOSYS && errno != EINVAL)) return fd ;
#endif
  k += uint_fmt(name + k, (unsigned int)getpid()) ;
  name[k++] = '.' ;
  name[k + uint_fmt(name + k, n++)] = 0 ;
  fd = open(qpath(2, "tmp", name), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600) ;
  if (fd >= 0) unlink(qpath(2, "tmp", name)) ;
  return fd ;
}

char const *rcpt_addr (msg const *m, unsigned int k)
{
  char const *rcpt = m->env.rcpts.s ;
  while (k--) rcpt += strlen(rcpt) + 1 ;
  return rcpt ;
}

char const *logaddr (msg const *m, char const *addr)
{
  static stralloc sa = STRALLOC_ZERO ;
  sa.len = 0 ;
  if (!tern_addr_logtext(&sa, addr, m->env.flags & TERN_QENV_UTF8) || !stralloc_0(&sa)) return addr ;
  return sa.s ;
}

void rcpt_count (tern_qrcpt *r, uint64_t now)
{
  uint64_t wait ;
  r->attempts++ ;
  r->last = now ;
  if (basedelay >= 0) wait = r->attempts > 21 ? (uint64_t)basedelay << 20 : (uint64_t)basedelay << (r->attempts - 1) ;
  else
  {
    unsigned char b ;
    tern_random(&b, 1) ;
    wait = tern_queue_backoff(r->attempts - 1, (int)(b % 10) - 5) ;
  }
  r->next = now + wait ;
}

int job_add (job *j, unsigned int const *rcpts, unsigned int n)
{
  msg *m = MSG(j->m) ;
  if (!genalloc_catb(unsigned int, &j->rcpts, rcpts, n) || !genalloc_append(job, &jobs, j)) return 0 ;
  for (unsigned int i = 0 ; i < n ; i++) m->busy.s[rcpts[i]] = 1 ;
  m->running++ ;
  return 1 ;
}

void job_drop (size_t ji)
{
  job *j = JOB(ji) ;
  unsigned int const *ks = genalloc_s(unsigned int, &j->rcpts) ;
  part one = { .m = j->m, .off = 0, .n = genalloc_len(unsigned int, &j->rcpts) } ;
  part const *p = genalloc_len(part, &j->parts) ? genalloc_s(part, &j->parts) : &one ;
  size_t np = genalloc_len(part, &j->parts) ? genalloc_len(part, &j->parts) : 1 ;
  for (size_t pi = 0 ; pi < np ; pi++)
  {
    msg *m = MSG(p[pi].m) ;
    for (unsigned int i = p[pi].off ; i < p[pi].off + p[pi].n ; i++) m->busy.s[ks[i]] = 0 ;
    m->running-- ;
  }
  if (j->out >= 0) close(j->out) ;
  if (j->later) jobslater-- ;
  stralloc_free(&j->note) ;
  stralloc_free(&j->account) ;
  genalloc_free(unsigned int, &j->rcpts) ;
  genalloc_free(part, &j->parts) ;
  *j = *JOB(NJOBS - 1) ;
  genalloc_setlen(job, &jobs, NJOBS - 1) ;
}

int deliver_start (size_t mi, char const *account, unsigned int const *rcpts, unsigned int n, uint64_t now)
{
  job j = { .pid = 0, .m = mi, .kind = JOB_LOCAL, .out = -1, .account = STRALLOC_ZERO, .rcpts = GENALLOC_ZERO } ;
  msg *m = MSG(mi) ;
  int fd = open(qpath(0, "mess", m->id), O_RDONLY | O_CLOEXEC) ;
  if (fd < 0 || lseek(fd, (off_t)m->env.hdrlen, SEEK_SET) < 0) goto err ;
  if (!stralloc_cats(&j.account, account) || !stralloc_0(&j.account)
   || !genalloc_ready(unsigned int, &j.rcpts, n) || !genalloc_ready(job, &jobs, NJOBS + 1)) goto err ;
  nofastbins() ;
  if (localagent)
  {
    j.pid = fork() ;
    if (!j.pid) child(fd, account, m->env.time, m->outside) ;
  }
  else j.pid = worker_start(fd, account, m->env.time, m->outside ? LOCAL_CLASSIFY : 0) ;
  if (j.pid < 0) goto err ;
  close(fd) ;
  job_add(&j, rcpts, n) ;
  /* counted at the start, recorded with the result (no fsync before a local delivery) */
  for (unsigned int i = 0 ; i < n ; i++) rcpt_count(tern_qstate_rcpt(&m->st, rcpts[i]), now) ;
  return 1 ;
 err:
  tern_log_warn("start", "id", m->id, "account", account, "error", strerror(errno), TERN_LOG_END) ;
  if (fd >= 0) close(fd) ;
  stralloc_free(&j.account) ;
  genalloc_free(unsigned int, &j.rcpts) ;
  return 0 ;
}

/* failed for good: a notice is owed unless the sender is null */
static void failed (msg *m, tern_qrcpt *r)
{
  r->state = m->env.from.s[0] ? TERN_QRCPT_BOUNCE : TERN_QRCPT_FAILED ;
}

/* what the junk filter did in the local delivery that just ended: its
   "JUNK\0MAILBOX\0", or 0 */
static char const *junknote = 0 ;

/* the delivery line of a success */
static void delivered (msg const *m, char const *rcpt, char const *what, char const *via, char const *vval)
{
  char const *mbox = junknote ? junknote + strlen(junknote) + 1 : "" ;
  if (via[0] == 't')
    tern_log_info("delivery", "id", m->id, "rcpt", rcpt, via, vval, "result", "ok", "reply", what, TERN_LOG_END) ;
  else if (junknote && junknote[0])
    tern_log_info("delivery", "id", m->id, "rcpt", rcpt, via, vval, "result", "ok", "junk", junknote,
      mbox[0] ? "mailbox" : 0, mbox, TERN_LOG_END) ;
  else tern_log_info("delivery", "id", m->id, "rcpt", rcpt, via, vval, "result", "ok", TERN_LOG_END) ;
}

void rcpt_result (size_t mi, unsigned int k, int code, char const *what, char const *via, char const *vval)
{
  msg *m = MSG(mi) ;
  tern_qrcpt *r = tern_qstate_rcpt(&m->st, k) ;
  char const *rcpt = logaddr(m, rcpt_addr(m, k)) ;
  char att[UINT_FMT], nx[UINT64_FMT] ;
  if (m->dropped) return ;
  m->dirty = 1 ;
  att[uint_fmt(att, r->attempts)] = 0 ;
  if (!code)
  {
    r->state = TERN_QRCPT_DELIVERED ;
    tern_qrcpt_seterror(r, "") ;
    delivered(m, rcpt, what, via, vval) ;
    return ;
  }
  tern_qrcpt_seterror(r, what) ;
  if (code == 100 || r->attempts >= maxattempts)
  {
    failed(m, r) ;
    tern_log_warn("delivery", "id", m->id, "rcpt", rcpt, via, vval, "result", "failed",
      "attempts", att, "error", what, TERN_LOG_END) ;
    return ;
  }
  if (r->attempts == 5 && m->env.from.s[0]) r->state = TERN_QRCPT_DELAY ;
  nx[uint64_fmt(nx, r->next)] = 0 ;
  tern_log_info("delivery", "id", m->id, "rcpt", rcpt, via, vval, "result", "temp",
    "attempts", att, "next", nx, "error", what, TERN_LOG_END) ;
}

static void ended (size_t ji, int wstat, char const *note, uint64_t now)
{
  job *j = JOB(ji) ;
  size_t mi = j->m ;
  char what[80] ;
  int code = WIFEXITED(wstat) ? WEXITSTATUS(wstat) : 111 ;
  size_t n = 0 ;
  int again ;
  if (j->kind == JOB_REMOTE) { remote_ended(ji, wstat, now) ; return ; }
  if (j->kind == JOB_DSN) { dsn_ended(ji, wstat, now) ; msg_settle(mi, now) ; return ; }
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
  /* killed (by an admin, the OOM killer, a crash): nothing the message did
     wrong as far as we know, and it was accepted long ago: again at once,
     a few times, rather than after the backoff */
  again = WIFSIGNALED(wstat) && MSG(mi)->kills < KILLS_AGAIN ;
  if (again) MSG(mi)->kills++ ;
  for (unsigned int i = 0 ; i < genalloc_len(unsigned int, &j->rcpts) ; i++)
  {
    unsigned int k = genalloc_s(unsigned int, &j->rcpts)[i] ;
    if (again) tern_qstate_rcpt(&MSG(mi)->st, k)->next = now ;
    junknote = note ;
    rcpt_result(mi, k, code, what, "account", j->account.s) ;
    junknote = 0 ;
  }
  MSG(mi)->dirty = 1 ;
  job_drop(ji) ;
  msg_settle(mi, now) ;
}

/* the job worker pid is running (not one that awaits its sync) */
static size_t running (pid_t pid)
{
  size_t i = 0 ;
  while (i < NJOBS && (JOB(i)->pid != pid || JOB(i)->later)) i++ ;
  return i ;
}

void deliver_ended (pid_t pid, int wstat, char const *note, uint64_t now)
{
  size_t i = running(pid) ;
  if (i < NJOBS) ended(i, wstat, note, now) ;
}

int deliver_later (pid_t pid, char const *note, size_t len)
{
  static uint64_t seq = 0 ;
  size_t i = running(pid) ;
  job *j = JOB(i) ;
  if (i >= NJOBS || j->kind != JOB_LOCAL) return 0 ;
  /* never 0 once the job is found: the worker keeps the delivery, and its
     sync's codes must meet one job each (without memory, no junk note) */
  j->note.len = 0 ;
  if (len && !stralloc_catb(&j->note, note, len)) j->note.len = 0 ;
  j->later = 1 ;
  j->seq = ++seq ;
  jobslater++ ;
  return 1 ;
}

void deliver_synced (pid_t pid, char const *codes, size_t n, uint64_t now)
{
  /* in the order answered: the k-th code is the k-th oldest job's.  If
     the counts differ, which code is whose is unknown: every job failed
     temporarily (a second copy at worst, never a loss) */
  size_t njobs = 0 ;
  for (size_t i = 0 ; i < NJOBS ; i++) njobs += JOB(i)->pid == pid && JOB(i)->later ;
  if (njobs != n) codes = 0 ;
  for (size_t k = 0 ;; k++)
  {
    size_t first = NJOBS ;
    for (size_t i = 0 ; i < NJOBS ; i++)
      if (JOB(i)->pid == pid && JOB(i)->later && (first == NJOBS || JOB(i)->seq < JOB(first)->seq)) first = i ;
    if (first == NJOBS) break ;
    ended(first, (codes ? codes[k] & 0xff : 111) << 8, JOB(first)->note.len ? JOB(first)->note.s : 0, now) ;
  }
}

void deliver_reap (uint64_t now)
{
  for (;;)
  {
    int wstat ;
    pid_t pid = waitpid(-1, &wstat, WNOHANG) ;
    if (pid <= 0) break ;
    if (!worker_gone(pid, wstat, now)) deliver_ended(pid, wstat, 0, now) ;
  }
}
