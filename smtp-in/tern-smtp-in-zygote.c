/* tern-smtp-in-zygote: with TERN_ZYGOTE_FD (tern-tls -L -Z), the pool of
   sessions (tern-smtp-in.8, PROCESSES).  The zygote forks sessions ahead of
   demand; each takes its connections itself from the zygote socket (one
   SOCK_SEQPACKET message: "NAME=value\0"..., the connection and SSLCTLFD)
   and says on a status pipe when it is busy (B) and idle (I) again. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/types.h>
#include <skalibs/strerr.h>
#include <skalibs/djbunix.h>
#include <skalibs/genalloc.h>
#include <skalibs/selfpipe.h>
#include "tern.h"
#include "tern-smtp-in.h"

#define ZENVMAX 1024
#define ZREC 8  /* a status record: state, 3 zero bytes, the pid (native) */

typedef struct kid_s kid ;
struct kid_s
{
  pid_t pid ;
  char st ;  /* 'I' idle, 'B' busy */
} ;

static int zfd = -1 ;   /* the zygote socket */
static int stfd = -1 ;  /* in a session: the status pipe's write end */
static int first = 1 ;  /* the zygote counts a new session idle */
static pid_t zpid ;     /* in a session: the zygote */
static pid_t me ;       /* in a session: its own pid */
static char env[ZENVMAX + 1] ;
static genalloc kids = GENALLOC_ZERO ;  /* kid, in the zygote */

static int allowed (char const *s)
{
  return !strncmp(s, "PROTO=", 6) || !strncmp(s, "TCP", 3) ;
}

static void setfd (char const *name, int fd)
{
  char fmt[INT_FMT] ;
  fmt[int_fmt(fmt, fd)] = 0 ;
  if (setenv(name, fmt, 1) < 0) strerr_diefusys(111, "setenv") ;
}

/* the fds and environment of a connection that came */
static void connection (int const *fd, size_t len)
{
  int ctl = fd[1] ;
  /* started with 0 or 1 closed, we may have received SSLCTLFD there */
  if (ctl < 2 && ((ctl = fcntl(fd[1], F_DUPFD_CLOEXEC, 3)) < 0 || close(fd[1]) < 0))
    strerr_diefusys(111, "move SSLCTLFD") ;
  if (fd_move(0, fd[0]) < 0 || fd_copy(1, 0) < 0) strerr_diefusys(111, "move the connection to fds 0 and 1") ;
  setfd("SSLCTLFD", ctl) ;
  if (unsetenv("SSLREADFD") < 0 || unsetenv("SSLWRITEFD") < 0) strerr_diefusys(111, "unsetenv") ;
  env[len] = 0 ;
  /* putenv: the strings stay in env[] until the next connection's unsetenv */
  for (size_t i = 0 ; i < len ; i += strlen(env + i) + 1)
    if (strchr(env + i, '=') && allowed(env + i) && putenv(env + i) < 0) strerr_diefusys(111, "putenv") ;
}

/* the last connection's PROTO and TCP* variables are gone */
static void unsetall (void)
{
  extern char **environ ;
  for (size_t i = 0 ; environ[i] ;)
  {
    char name[ZENVMAX + 1] ;
    size_t n = strcspn(environ[i], "=") ;
    /* unsetenv would leave a string without "=" there: skipped */
    if (!allowed(environ[i]) || environ[i][n] != '=') { i++ ; continue ; }
    if (n >= sizeof name) strerr_dief(111, "environment variable too long") ;
    memcpy(name, environ[i], n) ;
    name[n] = 0 ;
    if (unsetenv(name) < 0) strerr_diefusys(111, "unsetenv") ;
  }
}

/* 0 when the zygote is gone */
static int status (char st)
{
  char rec[ZREC] = { st, 0, 0, 0 } ;
  memcpy(rec + 4, &me, sizeof me < 4 ? sizeof me : 4) ;
  return fd_write(stfd, rec, ZREC) == ZREC ;
}

int smtp_pool_take (void)
{
  if (!first && !status('I')) return 0 ;
  first = 0 ;
  unsetall() ;
  /* an idle session ends with the zygote, so that the listener sees the
     zygote gone; a busy one serves its client first */
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) strerr_diefusys(111, "set PR_SET_PDEATHSIG") ;
  if (getppid() != zpid) return 0 ;
  for (;;)
  {
    int fd[2] = { -1, -1 } ;
    unsigned int nfd ;
    ssize_t r = tern_fd_recv(zfd, env, ZENVMAX, fd, 2, &nfd, 0) ;
    if (!r) return 0 ;  /* tern-tls is gone */
    if (r < 0)
    {
      if (errno == EINTR) continue ;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return 0 ;  /* idle for MAX_IDLE */
      /* cut off (our open-file limit): what came is closed, the client
         sees its connection close; the next one may fit */
      if (errno != EMSGSIZE) strerr_diefusys(111, "receive a connection") ;
      strerr_warnwu1sys("receive a connection") ;
    }
    if (r > 0 && nfd == 2)
    {
      if (prctl(PR_SET_PDEATHSIG, 0) < 0) strerr_diefusys(111, "clear PR_SET_PDEATHSIG") ;
      status('B') ;  /* without the zygote, this one is still served */
      connection(fd, (size_t)r) ;
      return 1 ;
    }
    for (unsigned int i = 0 ; i < nfd ; i++) close(fd[i]) ;
  }
}

int smtp_pool_fd (int fd)
{
  return fd == zfd || fd == stfd ;
}

static kid *find (pid_t pid)
{
  kid *k = genalloc_s(kid, &kids) ;
  for (size_t i = 0 ; i < genalloc_len(kid, &kids) ; i++) if (k[i].pid == pid) return k + i ;
  return 0 ;
}

static size_t nidle (void)
{
  size_t n = 0 ;
  for (size_t i = 0 ; i < genalloc_len(kid, &kids) ; i++) n += genalloc_s(kid, &kids)[i].st == 'I' ;
  return n ;
}

/* B and I records; a record of a session already reaped is dropped */
static void records (int fd)
{
  char buf[ZREC * 64] ;
  ssize_t r = read(fd, buf, sizeof buf) ;
  if (r < 0 && errno != EINTR && errno != EAGAIN) strerr_diefusys(111, "read the status pipe") ;
  for (ssize_t i = 0 ; i + ZREC <= r ; i += ZREC)
  {
    pid_t pid = 0 ;
    kid *k ;
    memcpy(&pid, buf + i + 4, sizeof pid < 4 ? sizeof pid : 4) ;
    k = find(pid) ;
    if (k) k->st = buf[i] ;
  }
}

static void reap (void)
{
  pid_t pid ;
  if (selfpipe_read() < 0) strerr_diefusys(111, "read the selfpipe") ;
  while ((pid = waitpid(-1, 0, WNOHANG)) > 0)
  {
    kid *k = find(pid) ;
    if (!k) continue ;
    *k = genalloc_s(kid, &kids)[genalloc_len(kid, &kids) - 1] ;
    genalloc_setlen(kid, &kids, genalloc_len(kid, &kids) - 1) ;
  }
}

/* a session holds 0-2, the zygote socket and the status pipe, nothing
   more of what the zygote was started with (smtp_reset checks this) */
static int closefds (unsigned int from, unsigned int to)
{
  return from > to || !syscall(SYS_close_range, from, to, 0u) ;
}

static void keeponly (int a, int b)
{
  if (a > b) { int t = a ; a = b ; b = t ; }
  if (!closefds(3, a - 1) || !closefds(a + 1, b - 1) || !closefds(b + 1, ~0u))
    strerr_diefusys(111, "close_range") ;
}

/* one more idle session; 1 in it, 0 in the zygote, -1 fork failed */
static int spawn (int const *p)
{
  pid_t z = getpid() ;
  kid k = { .pid = fork(), .st = 'I' } ;
  if (k.pid < 0) { strerr_warnwusys("fork a session") ; return -1 ; }
  if (!k.pid)
  {
    selfpipe_finish() ;
    genalloc_free(kid, &kids) ;
    fd_close(p[0]) ;
    stfd = p[1] ;
    zpid = z ;
    me = getpid() ;
    keeponly(zfd, stfd) ;
    return 1 ;
  }
  if (!genalloc_append(kid, &kids, &k)) strerr_diefusys(111, "track a session") ;
  return 0 ;
}

/* The zygote runs again with the C library's allocator wiping what is
   freed (and no per-thread cache, which it would not wipe): a session's
   freed memory holds nothing of an earlier connection.  The setting is
   read at start only; the sessions' children do not get it. */
#define TUNE "glibc.malloc.tcache_count=0:glibc.malloc.perturb=165"
void smtp_zygote_tune (char const *const *argv)
{
  char const *was = getenv("TERN_SMTPIN_TUNED") ;
  char const *x = getenv("GLIBC_TUNABLES") ;
  if (was)
  {
    if ((*was ? setenv("GLIBC_TUNABLES", was + 1, 1) : unsetenv("GLIBC_TUNABLES")) < 0
     || unsetenv("TERN_SMTPIN_TUNED") < 0) strerr_diefusys(111, "setenv") ;
    return ;
  }
  {
    size_t n = x ? strlen(x) : 0 ;
    char old[n + 2] ;
    char tuned[n + sizeof TUNE + 1] ;
    old[0] = 0 ;
    if (x) { old[0] = '=' ; memcpy(old + 1, x, n + 1) ; }
    /* ours last: the last setting of a name wins */
    if (n) { memcpy(tuned, x, n) ; tuned[n++] = ':' ; }
    memcpy(tuned + n, TUNE, sizeof TUNE) ;
    if (setenv("TERN_SMTPIN_TUNED", old, 1) < 0 || setenv("GLIBC_TUNABLES", tuned, 1) < 0)
      strerr_diefusys(111, "setenv") ;
  }
  {
    /* by its name, which ps and the listener's logs show */
    char path[4096] ;
    ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1) ;
    if (n < 0) strerr_diefusys(111, "read /proc/self/exe") ;
    path[n] = 0 ;
    execv(path, (char *const *)argv) ;
    /* replaced meanwhile ("path (deleted)"): the same program, by another name */
    execv("/proc/self/exe", (char *const *)argv) ;
    strerr_diefusys(111, "execute ", path) ;
  }
}

void smtp_zygote (int fd, unsigned int maxidle)
{
  struct timeval tv = { .tv_sec = maxidle, .tv_usec = 0 } ;
  int p[2], sfd, wait = -1 ;
  /* sessions keep it, their children (inject, junk) must not */
  zfd = fd < 3 ? fcntl(fd, F_DUPFD_CLOEXEC, 3) : fd ;
  if (zfd < 0 || coe(zfd) < 0 || (fd < 3 && close(fd) < 0)) strerr_diefusys(111, "move the zygote socket") ;
  /* started with 0, 1 or 2 closed, the status pipe would land there, and
     a connection's move to 0 and 1 would clobber it */
  for (int i = 0 ; i < 3 ; i++)
    if (fcntl(i, F_GETFD) < 0 && (errno != EBADF || open("/dev/null", O_RDWR) != i))
      strerr_diefusys(111, "open /dev/null") ;
  if (pipecoe(p) < 0 || ndelay_on(p[0]) < 0) strerr_diefusys(111, "create the status pipe") ;
  /* shared by every session: the idle timeout of their recv */
  if (maxidle && setsockopt(zfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0) strerr_diefusys(111, "set SO_RCVTIMEO") ;
  sfd = selfpipe_init() ;
  if (sfd < 0 || selfpipe_trap(SIGCHLD) < 0) strerr_diefusys(111, "trap SIGCHLD") ;
  for (;;)
  {
    struct pollfd x[3] = { { .fd = zfd, .events = 0 }, { .fd = p[0], .events = POLLIN }, { .fd = sfd, .events = POLLIN } } ;
    while (!nidle())
    {
      int r = spawn(p) ;
      if (r > 0) return ;
      if (r < 0) { wait = 1000 ; break ; }
      wait = -1 ;
    }
    if (poll(x, 3, wait) < 0)
    {
      if (errno == EINTR) continue ;
      strerr_diefusys(111, "poll") ;
    }
    /* the listener is gone; idle sessions read end of file */
    if (x[0].revents & (POLLHUP | POLLERR | POLLNVAL)) _exit(0) ;
    if (x[1].revents & POLLIN) records(p[0]) ;
    if (x[2].revents & POLLIN) reap() ;
  }
}
