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
   are not durable when it answers 1 (LATER): it keeps their files open, and the
   runner counts them done only after it sent "sync" (no descriptor) and
   got 0 back: one shared sync of each file system (tern_fssync) for all of
   them.  111 then, or a worker gone with deliveries kept: each is a
   temporary failure (retried: at worst a second copy, never a loss). */
#include <errno.h>
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
#include "tern-queue-run.h"
#include "tern-queue-local.h"

unsigned int workeridle = 60000 ;  /* ms: TERN_QUEUE_WORKER_IDLE */
unsigned int syncwait = 20 ;       /* ms: TERN_QUEUE_SYNC_WAIT */
#define JOBS_MAX 10000
#define JOBLEN 1024
#define SYNC_BATCH 32  /* deliveries a worker keeps unsynced at most (runner) */
#define LATER_MAX 64   /* and the worker itself: past that, a delivery syncs alone */
#define LATER 1        /* a worker's answer: delivered, durable at the next "sync" */

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

/* the worker's deliveries written and answered, not yet durable: each
   file's descriptor, opened before its writes, its marks and device */
typedef struct later_s later ;
struct later_s { int fd ; dev_t dev ; tern_fssync mk ; } ;
static genalloc laters = GENALLOC_ZERO ;  /* later */
static stralloc fsstate = STRALLOC_ZERO ;  /* QDIR/fssync */

/* tern_store_later: a delivery kept for the next "sync" */
static int keep (int fd, tern_fssync const *mk)
{
  struct stat st ;
  later x = { .fd = fd, .mk = *mk } ;
  if (genalloc_len(later, &laters) >= LATER_MAX || fstat(fd, &st) < 0) return 0 ;
  x.dev = st.st_dev ;
  return genalloc_append(later, &laters, &x) ;
}

/* every delivery kept made durable: 0, or 111.  One sync per file system,
   through the first descriptor kept on it: it was opened before every
   later file was (its syncfs reports their write-back errors too) and
   the sync begins after all of their writes (tern_fssync.h) */
static char syncall (void)
{
  later *x = genalloc_s(later, &laters) ;
  size_t n = genalloc_len(later, &laters) ;
  char code = 0 ;
  for (size_t i = 0 ; i < n ; i++)
  {
    size_t k = 0 ;
    while (k < i && x[k].dev != x[i].dev) k++ ;
    if (k < i || code) continue ;  /* synced with x[k], or one failed: all are 111 */
    if (!tern_fssync_wait(fsstate.s, x[i].fd, &x[i].mk, 0))
    {
      strerr_warnwu1sys("sync the deliveries just made (each is retried)") ;
      code = 111 ;
    }
  }
  for (size_t i = 0 ; i < n ; i++) close(x[i].fd) ;
  genalloc_setlen(later, &laters, 0) ;
  return code ;
}

static tern_conf wconf = TERN_CONF_ZERO ;

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
    code = (char)local_deliver_conf(&wconf, buf + k + 1, date, opts, &note) ;
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
      char code = syncall() ;
      if (write(s, &code, 1) != 1) _exit(111) ;
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
    /* its deliveries not yet synced may be lost (power loss): again */
    deliver_synced(pid, 111 << 8, now) ;
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
    char ans[1 + sizeof(local_note) + 2] ;
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
        deliver_synced(w->pid, (ans[0] & 0xff) << 8, now) ;
        break ;
      }
      ans[r] = ans[r + 1] = 0 ;  /* a short answer: empty note */
      /* written, durable at the next sync */
      if (ans[0] == LATER && deliver_later(w->pid, r > 1 ? ans + 1 : 0, r > 1 ? (size_t)r + 1 : 0))
      {
        if (!w->nlater++) w->since = msnow() ;
        break ;
      }
      deliver_ended(w->pid, (ans[0] & 0xff) << 8, r > 1 ? ans + 1 : 0, now) ;
      break ;
    }
  }
}

/* "sync" to every idle worker whose kept deliveries are due (stopping:
   all): the ms until the next is due, -1 none */
int worker_sync (int stopping)
{
  uint64_t t = msnow() ;
  int wait = -1 ;
  for (size_t i = 0 ; i < NW ; i++)
  {
    worker *w = W(i) ;
    if (!w->nlater || w->busy || w->fd < 0) continue ;
    if (stopping || w->nlater >= SYNC_BATCH || t >= w->since + syncwait)
    {
      if (send(w->fd, "sync", 4, MSG_NOSIGNAL) == 4) { w->busy = 1 ; w->syncing = 1 ; w->nlater = 0 ; continue ; }
      /* it was just leaving: its deliveries are retried when it is reaped */
      close(w->fd) ;
      w->fd = -1 ; w->busy = 1 ;
      continue ;
    }
    if (wait < 0 || w->since + syncwait - t < (uint64_t)wait) wait = (int)(w->since + syncwait - t) ;
  }
  return wait ;
}
