/* tern-queue-run-worker: local deliveries in long-lived workers (forks of
   the runner, no exec): a fork and an exit per message were two fifths of
   the runner's CPU.  A worker takes a job (the queue file by SCM_RIGHTS at
   the message's offset, "DATE OPTS ACCOUNT"), delivers it, answers one byte
   (0, 100 or 111) and what the junk filter did ("JUNK\0MAILBOX\0", see
   local_note) and waits for the next; it leaves after a minute idle or
   10,000 jobs (shutting its socket first, so that no job is sent to it in
   vain), always with 111: a worker that dies with a job is a temporary
   failure of that job (the runner's SIGCHLD path).
   With TERN_QUEUE_SYNC_WAIT above 0 (the default) a worker's deliveries
   are only written into tmp/ when it answers 1 (LATER): it keeps them
   (tern_store_later), and the runner counts them done only after it sent
   "sync" (no descriptor) and got their codes back, one byte each in the
   order answered: one shared sync of each file system (tern_fssync) for
   all of their data, then each committed (renamed into cur/, recorded),
   then one more sync; then those whose flags ask for training (into
   Junk) trained, one commit of each account's filter.  111, or a worker
   gone with deliveries kept: a temporary failure (retried: at worst a
   second copy, never a loss). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <time.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <skalibs/types.h>
#include <skalibs/genalloc.h>
#include <skalibs/strerr.h>
#include "tern.h"
#include "tern_log.h"
#include "tern_store.h"
#include "tern_fssync.h"
#include "tern_junkdeliver.h"
#include "tern-queue-run.h"
#include "tern-queue-local.h"

unsigned int workeridle = 60000 ;  /* ms: TERN_QUEUE_WORKER_IDLE */
unsigned int syncwait = 200 ;      /* ms: TERN_QUEUE_SYNC_WAIT */
unsigned int syncquiet = 25 ;      /* ms: TERN_QUEUE_SYNC_QUIET */
static uint64_t lastlater = 0 ;    /* when a delivery last answered LATER (ms) */
#define JOBS_MAX 10000
#define JOBLEN 1024
#define SYNC_BATCH 32  /* deliveries a worker keeps unsynced at most (runner) */
#define LATER_MAX 64   /* and the worker itself: past that, a delivery syncs alone */
#define LATER 1        /* a worker's answer: delivered, durable at the next "sync" */
#define SYNC_PATIENCE 20000  /* us a "sync"'s second sync waits for the other workers' commits */

typedef struct worker_s worker ;
struct worker_s
{
  pid_t pid ; int fd ; int busy ;
  int syncing ;         /* busy with "sync", not a job */
  unsigned int nlater ;  /* its deliveries answered 0, not yet synced */
  uint64_t since ;      /* when the first of those answered (ms) */
} ;
static genalloc workers = GENALLOC_ZERO ;  /* worker */
#define W(i) (genalloc_s(worker, &workers) + (i))
#define NW genalloc_len(worker, &workers)

static uint64_t msnow (void)
{
  struct timespec ts ;
  clock_gettime(CLOCK_MONOTONIC, &ts) ;
  return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000 ;
}

/* one job within ms: the account and date in buf, its fd (-1 for
   "sync"); 0 if none came */
static int take (int s, char *buf, int *fd, int ms)
{
  struct pollfd p = { .fd = s, .events = POLLIN } ;
  unsigned int n ;
  ssize_t r ;
  if (poll(&p, 1, ms) <= 0) return 0 ;
  r = tern_fd_recv(s, buf, JOBLEN - 1, fd, 1, &n, 0) ;
  if (r <= 0 || n > 1) return 0 ;
  buf[r] = 0 ;
  if (!n) { *fd = -1 ; return !strcmp(buf, "sync") ; }
  return 1 ;
}

/* the worker's deliveries written into tmp/ and answered LATER, not yet
   durable nor committed (tern_store_later), in the order answered, the
   device each file is on, the job's account (for its training) and the
   UID its commit gave */
typedef struct later_s later ;
struct later_s { tern_store_pending p ; dev_t dev ; stralloc account ; uint32_t uid ; } ;
static genalloc laters = GENALLOC_ZERO ;  /* later */
static stralloc fsstate = STRALLOC_ZERO ;  /* QDIR/fssync */
static char const *jobaccount = "" ;  /* the account of the job being delivered */

/* tern_store_later: a delivery kept for the next "sync" */
static int keep (tern_store_pending *p)
{
  struct stat st ;
  later x ;
  if (genalloc_len(later, &laters) >= LATER_MAX || fstat(p->fd, &st) < 0) return 0 ;
  x.p = *p ;
  x.dev = st.st_dev ;
  x.uid = 0 ;
  x.account = (stralloc)STRALLOC_ZERO ;
  if (!stralloc_copys(&x.account, jobaccount) || !stralloc_0(&x.account)) { stralloc_free(&x.account) ; return 0 ; }
  /* its writes are done: a sync begun from now on covers them */
  tern_fssync_written(fsstate.s, x.p.fd, &x.p.mk) ;
  if (genalloc_append(later, &laters, &x)) return 1 ;
  stralloc_free(&x.account) ;
  return 0 ;
}

/* how a file system is synced: through which descriptor, with which marks */
typedef struct devsync_s devsync ;
struct devsync_s { dev_t dev ; int fd ; tern_fssync mk ; } ;
/* a descriptor per file system (a mailbox directory), opened at the end
   of a "sync", so older than every file of the next: a sync through it
   stands for the other workers' deliveries too (tern_fssync.h: their
   tickets are younger), where one through a worker's oldest file would
   stand only for those written after it */
static genalloc syncfds = GENALLOC_ZERO ;  /* devsync */
#define SYNCFDS_MAX 8

/* x[i] is the first delivery kept on its file system */
static int firston (later const *x, size_t i)
{
  size_t k = 0 ;
  while (k < i && x[k].dev != x[i].dev) k++ ;
  return k == i ;
}

/* the syncs of x[i]'s file system (x[i] the first kept on it): through
   the worker's descriptor for it if it has one, else through x[i]'s file
   (opened before all the others); with x[i]'s marks (the oldest), and
   the last "written" mark of them all */
static devsync plan (later const *x, size_t n, size_t i)
{
  devsync d = { .dev = x[i].dev, .fd = x[i].p.fd, .mk = x[i].p.mk } ;
  devsync const *f = genalloc_s(devsync, &syncfds) ;
  for (size_t j = i ; j < n ; j++)
  {
    if (x[j].dev != d.dev) continue ;
    if (!x[j].p.mk.aok || x[j].p.mk.gen != d.mk.gen) d.mk.aok = 0 ;
    else if (x[j].p.mk.after > d.mk.after) d.mk.after = x[j].p.mk.after ;
  }
  for (size_t k = 0 ; k < genalloc_len(devsync, &syncfds) ; k++)
    if (f[k].dev == d.dev && f[k].mk.ok && d.mk.ok && f[k].mk.gen == d.mk.gen)
    {
      d.fd = f[k].fd ;
      d.mk.dticket = f[k].mk.dticket ;
    }
  return d ;
}

/* after a "sync": a descriptor kept for x[i]'s file system, new if it
   has none of the current generation */
static void keepfd (later const *x, size_t i, devsync const *d)
{
  devsync *f = genalloc_s(devsync, &syncfds) ;
  size_t k = 0, nf = genalloc_len(devsync, &syncfds) ;
  devsync y = { .dev = x[i].dev } ;
  struct stat st ;
  while (k < nf && f[k].dev != x[i].dev) k++ ;
  if (k < nf && f[k].fd == d->fd) return ;  /* used: still good */
  if (k == nf && nf >= SYNCFDS_MAX) return ;
  y.fd = open(x[i].p.m.dir.s, O_RDONLY | O_DIRECTORY | O_CLOEXEC) ;
  if (y.fd < 0) return ;
  if (fstat(y.fd, &st) < 0 || st.st_dev != x[i].dev) { close(y.fd) ; return ; }
  tern_fssync_begin(fsstate.s, y.fd, &y.mk) ;
  if (k < nf) { close(f[k].fd) ; f[k] = y ; }
  else if (!genalloc_append(devsync, &syncfds, &y)) close(y.fd) ;
}

/* one sync of each file system holding a delivery still on its way
   (code 0), as planned (d[i] for each x[i] first on its file system):
   through a descriptor opened before every file to cover (its syncfs
   reports their write-back errors too), with marks taken before their
   writes (tern_fssync.h).  A sync that fails fails each delivery on
   that file system. */
static void syncdevs (later *x, size_t n, devsync *d, char *code, char const *what)
{
  for (size_t i = 0 ; i < n ; i++)
  {
    size_t j = i ;
    if (!firston(x, i)) continue ;
    while (j < n && (x[j].dev != x[i].dev || code[j])) j++ ;
    if (j == n) continue ;  /* none left on it */
    if (tern_fssync_wait(fsstate.s, d[i].fd, &d[i].mk, 0)) continue ;
    strerr_warnwu3sys("sync the deliveries just ", what, " (each is retried)") ;
    for (j = i ; j < n ; j++) if (x[j].dev == x[i].dev) code[j] = 111 ;
  }
}

static tern_conf wconf = TERN_CONF_ZERO ;

/* the deliveries of x (k of them, at idx) to account, committed and
   durable, trained as their flags ask: the account's filter options and
   directory as the configuration has them now (a filter removed
   meanwhile trains nothing); a failure only warns (delivered, untrained:
   tern retrain repairs it) */
static void train (later *x, size_t const *idx, size_t k, char const *account)
{
  tern_junkopt o ;
  tern_junkdb d = TERN_JUNKDB_ZERO ;
  stralloc dir = STRALLOC_ZERO ;
  tern_mbox *m[LATER_MAX] ;
  uint32_t uid[LATER_MAX] ;
  int r = tern_junkopt_conf(&wconf, account, &o) ;
  if (!r) return ;
  if (r < 0 || !tern_conf_accountdir(&wconf, account, &dir) || (dir.s[dir.len - 1] && !stralloc_0(&dir))) r = TERN_TEMP ;
  else
  {
    for (size_t i = 0 ; i < k ; i++) { m[i] = &x[idx[i]].p.m ; uid[i] = x[idx[i]].uid ; }
    r = tern_junkdb_open(&d, dir.s, TERN_JUNKDB_WRITE) ;
    if (!r) r = tern_junkdeliver_train(&d, &o, m, uid, k) ;
  }
  if (r && errno == EUCLEAN)
    strerr_warnw("delivered to account ", account, " but not trained: damaged junk filter: ", tern_store_damage_path(), ": ",
      tern_store_damage_what(), " (tern retrain repairs it)") ;
  else if (r) strerr_warnwu3sys("train the junk filter of account ", account, " (delivered; tern retrain repairs it)") ;
  tern_junkdb_close(&d) ;
  stralloc_free(&dir) ;
}

/* after the second sync: the deliveries done (code 0) whose flags ask
   for training, account by account */
static void trainall (later *x, size_t n, char const *code)
{
  unsigned char seen[LATER_MAX] ;
  memset(seen, 0, n) ;
  for (size_t i = 0 ; i < n ; i++)
  {
    size_t idx[LATER_MAX], k = 0 ;
    if (seen[i] || code[i] || tern_junk_wanted(x[i].p.rec.flags) == TERN_TRAIN_NONE) continue ;
    for (size_t j = i ; j < n ; j++)
      if (!seen[j] && !code[j] && tern_junk_wanted(x[j].p.rec.flags) != TERN_TRAIN_NONE && !strcmp(x[j].account.s, x[i].account.s))
      {
        seen[j] = 1 ;
        idx[k++] = j ;
      }
    train(x, idx, k, x[i].account.s) ;
  }
}

/* "sync": every delivery kept made durable, data first (tern-queue-run(8)):
   a sync of their files' data; then each renamed into cur/ and recorded
   (tern_store_commit); then a sync of those names and records; then
   those that ask for it trained (never one that is not committed and
   durable: a worker killed before has trained nothing, and the retry
   trains its copy).  code[i]: 0 done, 111 (its commit or a sync failed:
   retried, never lost) */
static void syncall (char *code)
{
  later *x = genalloc_s(later, &laters) ;
  size_t n = genalloc_len(later, &laters) ;
  devsync d[LATER_MAX] ;
  memset(code, 0, n) ;
  for (size_t i = 0 ; i < n ; i++) if (firston(x, i)) d[i] = plan(x, n, i) ;
  syncdevs(x, n, d, code, "written") ;
  /* the second sync's marks, before the commits: the same descriptors,
     still as old (tern_fssync_again) */
  for (size_t i = 0 ; i < n ; i++) if (firston(x, i)) tern_fssync_again(fsstate.s, d[i].fd, &d[i].mk) ;
  for (size_t i = 0 ; i < n ; i++)
  {
    int r = code[i] ? TERN_OK : tern_store_commit(&x[i].p, &x[i].uid) ;
    if (!r) continue ;
    if (errno == EUCLEAN)
      strerr_warnwu("commit a delivery in ", x[i].p.m.dir.s, ": damaged store: ", tern_store_damage_path(), ": ",
        tern_store_damage_what(), " (it is retried)") ;
    else strerr_warnwu3sys("commit a delivery in ", x[i].p.m.dir.s, " (it is retried)") ;
    code[i] = 111 ;
  }
  /* the other workers sent "sync" with this one commit into the same
     mailboxes one after the other: a sync that waits for them a little
     serves them all */
  tern_fssync_patience = SYNC_PATIENCE ;
  syncdevs(x, n, d, code, "named") ;
  tern_fssync_patience = 2000 ;
  trainall(x, n, code) ;
  for (size_t i = 0 ; i < n ; i++) if (firston(x, i)) keepfd(x, i, d + i) ;
  for (size_t i = 0 ; i < n ; i++) { tern_store_pending_free(&x[i].p) ; stralloc_free(&x[i].account) ; }
  genalloc_setlen(later, &laters, 0) ;
}

static void one (int s, char *buf, int fd)
{
  uint64_t date = 0 ;
  unsigned int opts = 0 ;
  size_t k = uint64_scan(buf, &date), n, before = 0 ;
  char code ;
  local_note note = { .junk = "", .mailbox = "" } ;
  char ans[1 + sizeof note.junk + sizeof note.mailbox] ;
  if (!k || buf[k++] != ' ' || !(n = uint_scan(buf + k, &opts)) || buf[k + n] != ' ') _exit(111) ;
  k += n ;
  if (fd && (dup2(fd, 0) < 0 || close(fd) < 0)) _exit(111) ;
  /* the worker's own map of the configuration, moved to a new config.cdb
     before each job (one stat), never reopened per message */
  if (!wconf.path.len ? tern_conf_open(&wconf, confdir) : tern_conf_refresh(&wconf))
  {
    before = genalloc_len(later, &laters) ;
    jobaccount = buf + k + 1 ;
    code = (char)local_deliver_conf(&wconf, buf + k + 1, date, opts, &note) ;
    jobaccount = "" ;
  }
  else
  {
    strerr_warnwu3sys("read the configuration in ", confdir, " for a local delivery") ;
    code = 111 ;
  }
  close(0) ;
  /* written, kept for the next "sync": not yet a success */
  ans[0] = !code && genalloc_len(later, &laters) > before ? LATER : code ;
  n = strlen(note.junk) + 1 ;
  memcpy(ans + 1, note.junk, n) ;
  k = strlen(note.mailbox) + 1 ;
  memcpy(ans + 1 + n, note.mailbox, k) ;
  if (write(s, ans, 1 + n + k) != (ssize_t)(1 + n + k)) _exit(111) ;
}

/* every fd from 3 up but keep; a loop only before Linux 5.9 (or headers
   without close_range) */
static void closeall (int keep)
{
  long max ;
#ifdef SYS_close_range
  unsigned int k = (unsigned int)keep ;
  if (k < 3 ? !syscall(SYS_close_range, 3u, ~0u, 0u)
   : (k == 3 || !syscall(SYS_close_range, 3u, k - 1, 0u)) && !syscall(SYS_close_range, k + 1, ~0u, 0u)) return ;
#endif
  max = sysconf(_SC_OPEN_MAX) ;
  for (int i = 3 ; i < (max > 0 && max < 65536 ? max : 65536) ; i++) if (i != keep) close(i) ;
}

static stralloc syncstate = STRALLOC_ZERO ;  /* QDIR/dirsync */

static void serve (int s)
{
  char buf[JOBLEN] ;
  int fd ;
  sigset_t none ;
  /* the runner's descriptors, other workers' sockets above all: a worker
     holding them would keep its siblings from ever seeing the runner go */
  closeall(s) ;
  sigemptyset(&none) ;
  sigprocmask(SIG_SETMASK, &none, 0) ;
  signal(SIGPIPE, SIG_DFL) ;
  signal(SIGTERM, SIG_DFL) ;
  signal(SIGHUP, SIG_DFL) ;
  PROG = "tern-queue-local" ;
  /* wconf stays mapped between jobs: the junk settings can stay compiled
     (tern-queue-local.h) */
  local_keepjunk = 1 ;
  /* workers delivering into one mailbox share their fsyncs of its cur/
     through the queue's state file (tern-queue.5) */
  if (stralloc_copys(&syncstate, qpath(2, "dirsync", 0)) && stralloc_0(&syncstate)) tern_store_dirsync = syncstate.s ;
  /* or no sync per delivery, one for many at the runner's "sync"
     (TERN_QUEUE_SYNC_WAIT); or, with TERN_SYNC=syncfs, their syncs of the
     file system with the SMTP sessions' commits (tern-queue(5)) */
  if ((syncwait || tern_fssync_on()) && stralloc_copys(&fsstate, qpath(2, "fssync", 0)) && stralloc_0(&fsstate))
  {
    tern_store_fssync = fsstate.s ;
    if (syncwait) tern_store_later = &keep ;
  }
  tern_fssync_patience = 2000 ;
  /* fssync mapped once for all of its deliveries (a worker never forks) */
  tern_fssync_keepmap = 1 ;
  for (unsigned int n = 0 ;; n++)
  {
    int last = 0, kept = genalloc_len(later, &laters) > 0 ;
    /* never with deliveries kept, idle or not: the runner's "sync" comes
       soon (or its end, which ends the wait) */
    if ((n >= JOBS_MAX && !kept) || !take(s, buf, &fd, kept ? -1 : (int)workeridle))
    {
      /* leaving: the runner's sends fail from now on (it picks another
         worker), and a job it sent just before is still served */
      shutdown(s, SHUT_RD) ;
      if (!take(s, buf, &fd, 0)) _exit(111) ;
      last = 1 ;
    }
    /* the last job before leaving: durable before the answer (0, not
       LATER: no "sync" will come) */
    if (last) tern_store_later = 0 ;
    if (fd >= 0) one(s, buf, fd) ;
    else
    {
      /* one code per delivery kept, in the order they were answered */
      char code[LATER_MAX] = { 111 } ;
      size_t n = genalloc_len(later, &laters) ;
      syncall(code) ;
      if (write(s, code, n ? n : 1) != (ssize_t)(n ? n : 1)) _exit(111) ;
    }
    if (last) _exit(111) ;
  }
}

/* an idle worker, forked if none: its index, or -1 */
static ssize_t idle (void)
{
  worker w = { .busy = 0 } ;
  int sv[2] ;
  for (size_t i = 0 ; i < NW ; i++) if (!W(i)->busy) return (ssize_t)i ;
  if (!genalloc_readyplus(worker, &workers, 1)) return -1 ;
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) return -1 ;
  w.pid = fork() ;
  if (w.pid < 0) { close(sv[0]) ; close(sv[1]) ; return -1 ; }
  if (!w.pid) serve(sv[1]) ;
  close(sv[1]) ;
  w.fd = sv[0] ;
  genalloc_append(worker, &workers, &w) ;
  return (ssize_t)NW - 1 ;
}

pid_t worker_start (int fd, char const *account, uint64_t date, unsigned int opts)
{
  char buf[JOBLEN] ;
  size_t n = uint64_fmt(buf, date), alen = strlen(account) ;
  if (alen + n + UINT_FMT + 3 > JOBLEN) return (errno = ENAMETOOLONG, -1) ;
  buf[n++] = ' ' ;
  n += uint_fmt(buf + n, opts) ;
  buf[n++] = ' ' ;
  memcpy(buf + n, account, alen) ;
  n += alen ;
  for (int tries = 0 ; tries < 2 ; tries++)
  {
    ssize_t i = idle() ;
    if (i < 0) return -1 ;
    if (tern_fd_send(W(i)->fd, buf, n, &fd, 1, 0) == (ssize_t)n) { W(i)->busy = 1 ; return W(i)->pid ; }
    /* it was just leaving (idle for a minute): another one */
    close(W(i)->fd) ;
    W(i)->fd = -1 ; W(i)->busy = 1 ;  /* out of the pool until reaped */
  }
  return -1 ;
}

/* pid was reaped: 1 if it was a worker (its job, if any, ends with wstat;
   an exit 0 cannot be a delivery's success) */
int worker_gone (pid_t pid, int wstat, uint64_t now)
{
  for (size_t i = 0 ; i < NW ; i++)
  {
    worker *w = W(i) ;
    if (w->pid != pid) continue ;
    if (w->fd >= 0) close(w->fd) ;
    *w = *W(NW - 1) ;
    genalloc_setlen(worker, &workers, NW - 1) ;
    deliver_ended(pid, WIFEXITED(wstat) && !WEXITSTATUS(wstat) ? 111 << 8 : wstat, 0, now) ;
    /* its deliveries not yet committed and synced: again */
    deliver_synced(pid, 0, 0, now) ;
    return 1 ;
  }
  return 0 ;
}

void worker_pollfds (genalloc *p)
{
  for (size_t i = 0 ; i < NW ; i++)
    if (W(i)->busy && W(i)->fd >= 0)
    {
      struct pollfd x = { .fd = W(i)->fd, .events = POLLIN } ;
      if (!genalloc_append(struct pollfd, p, &x)) return ;
    }
}

/* after poll: the answers of the workers that gave one */
void worker_answers (struct pollfd const *p, size_t n, uint64_t now)
{
  for (size_t k = 0 ; k < n ; k++)
  {
    /* a job's code and note, or a "sync"'s codes */
    char ans[(1 + sizeof(local_note) > LATER_MAX ? 1 + sizeof(local_note) : LATER_MAX) + 2] ;
    ssize_t r ;
    if (!(p[k].revents & (POLLIN | POLLHUP | POLLERR))) continue ;
    for (size_t i = 0 ; i < NW ; i++)
    {
      worker *w = W(i) ;
      if (w->fd != p[k].fd || !w->busy) continue ;
      r = read(w->fd, ans, sizeof ans - 2) ;
      if (r < 1)
      {
        close(w->fd) ;  /* it died: reaped with its status */
        w->fd = -1 ;
        break ;
      }
      w->busy = 0 ;
      if (w->syncing)
      {
        w->syncing = 0 ;
        deliver_synced(w->pid, ans, (size_t)r, now) ;
        break ;
      }
      ans[r] = ans[r + 1] = 0 ;  /* a short answer: empty note */
      /* written, durable at the next sync */
      if (ans[0] == LATER && deliver_later(w->pid, r > 1 ? ans + 1 : 0, r > 1 ? (size_t)r + 1 : 0))
      {
        lastlater = msnow() ;
        if (!w->nlater++) w->since = lastlater ;
        break ;
      }
      deliver_ended(w->pid, (ans[0] & 0xff) << 8, r > 1 ? ans + 1 : 0, now) ;
      break ;
    }
  }
}

/* w may be sent "sync" now */
static int cansync (worker const *w)
{
  return w->nlater && !w->busy && w->fd >= 0 ;
}

/* "sync" to every idle worker with kept deliveries once one of them is
   due (its oldest is TERN_QUEUE_SYNC_WAIT old, none answered for
   TERN_QUEUE_SYNC_QUIET, or it keeps SYNC_BATCH; stopping: all), the oldest first: their syncs meet in tern_fssync (one
   through a descriptor older than the others' files stands for them).
   The ms until the next is due, -1 none. */
int worker_sync (int stopping)
{
  uint64_t t = msnow() ;
  /* no delivery answered for syncquiet ms: the burst is over, or so slow
     that nothing would share the sync; its last deliveries need not wait
     the whole syncwait (0, or not below syncwait: no such rule) */
  uint64_t quiet = syncquiet && syncquiet < syncwait ? lastlater + syncquiet : (uint64_t)-1 ;
  int wait = -1, due = stopping ;
  for (size_t i = 0 ; i < NW ; i++)
  {
    worker *w = W(i) ;
    uint64_t at ;
    if (!cansync(w)) continue ;
    at = w->since + syncwait < quiet ? w->since + syncwait : quiet ;
    if (w->nlater >= SYNC_BATCH || t >= at) due = 1 ;
    else if (wait < 0 || at - t < (uint64_t)wait) wait = (int)(at - t) ;
  }
  if (!due) return wait ;
  for (;;)
  {
    worker *w = 0 ;
    for (size_t i = 0 ; i < NW ; i++) if (cansync(W(i)) && (!w || W(i)->since < w->since)) w = W(i) ;
    if (!w) break ;
    w->busy = 1 ;
    if (send(w->fd, "sync", 4, MSG_NOSIGNAL) == 4) { w->syncing = 1 ; w->nlater = 0 ; continue ; }
    /* it was just leaving: its deliveries are retried when it is reaped */
    close(w->fd) ;
    w->fd = -1 ;
  }
  return -1 ;
}
