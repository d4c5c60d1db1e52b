/* tern-queue-run-remote: remote recipients: the transport of this attempt
   (the routes, in-process), the per-domain limit and its waiting list, one
   tern-smtp-out per (domain, transport) group, and reading its report. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/wait.h>
#include <skalibs/types.h>
#include <skalibs/strerr.h>
#include "tern.h"
#include "tern_log.h"
#include "tern_route.h"
#include "tern-queue-run.h"

#define REPORTMAX (1 << 20)

typedef struct waiter_s waiter ;
struct waiter_s { size_t m ; unsigned int k ; } ;
static genalloc waiters = GENALLOC_ZERO ;  /* waiter; m == -1: gone */
static size_t whead = 0 ;

/* lower-case domain of an address into sa (no NUL); its length */
static int domainof (char const *rcpt, stralloc *sa)
{
  char const *at = strrchr(rcpt, '@') ;
  size_t base = sa->len ;
  if (!stralloc_cats(sa, at ? at + 1 : "")) return 0 ;
  for (size_t i = base ; i < sa->len ; i++)
    if (sa->s[i] >= 'A' && sa->s[i] <= 'Z') sa->s[i] += 'a' - 'A' ;
  return 1 ;
}

int remote_route (msg const *m, char const *rcpt, unsigned int attempts, stralloc *key)
{
  static tern_routeq q = TERN_ROUTEQ_ZERO ;
  static stralloc tname = STRALLOC_ZERO, why = STRALLOC_ZERO ;
  size_t base = key->len ;
  int r ;
  q.from.len = q.to.len = 0 ; tname.len = why.len = 0 ;
  q.account = m->env.account.s[0] ? m->env.account.s : 0 ;
  q.attempts = attempts ;
  if (!domainof(m->env.from.s[0] ? m->env.from.s : "", &q.from) || !domainof(rcpt, &q.to)) return R_TEMP ;
  if (!stralloc_catb(key, q.to.s, q.to.len) || !stralloc_catb(key, " ", 1)) return R_TEMP ;
  if (q.to.len && q.to.s[0] == '[') q.to.len = 0 ;  /* a literal matches as the empty domain */
  if (m->st.transport[0]) r = stralloc_cats(&tname, m->st.transport) ? 1 : -1 ;
  else r = tern_route_pick(&conf, &q, &tname, &why) ;
  if (r < 0) return R_TEMP ;
  if (!r) return stralloc_cats(key, "direct") && stralloc_0(key) ? R_REMOTE : R_TEMP ;
  r = tern_route_line(&conf, tname.s, tname.len, key) ;
  if (r < 0) return R_TEMP ;
  if (!r)
  {
    key->len = base ;
    return stralloc_catb(key, tname.s, tname.len) && stralloc_0(key) ? R_NOTRANSPORT : R_TEMP ;
  }
  return stralloc_0(key) ? R_REMOTE : R_TEMP ;
}

/* running remote jobs with key's domain */
static unsigned int running (char const *key, size_t dlen)
{
  unsigned int n = 0 ;
  for (size_t i = 0 ; i < NJOBS ; i++)
  {
    job const *j = JOB(i) ;
    if (j->kind == JOB_REMOTE && !strncmp(j->account.s, key, dlen) && j->account.s[dlen] == ' ') n++ ;
  }
  return n ;
}

int remote_busy (char const *key)
{
  return running(key, strcspn(key, " ")) >= domconcurrency ;
}

void remote_wait (size_t m, unsigned int k)
{
  waiter w = { .m = m, .k = k } ;
  if (!genalloc_append(waiter, &waiters, &w)) MSG(m)->wake = 0 ;  /* poll instead */
}

/* a job of domain d ended: wake up to free waiters of d */
static void wakeup (char const *d, size_t dlen, unsigned int free)
{
  waiter *w = genalloc_s(waiter, &waiters) ;
  size_t n = genalloc_len(waiter, &waiters) ;
  for (size_t i = whead ; i < n && free ; i++)
  {
    msg *m ;
    char const *at ;
    if (w[i].m == (size_t)-1) continue ;
    m = MSG(w[i].m) ;
    if (!m->used || w[i].k >= m->env.nrcpt) { w[i].m = (size_t)-1 ; continue ; }
    at = strrchr(rcpt_addr(m, w[i].k), '@') ;
    at = at ? at + 1 : "" ;
    if (strlen(at) != dlen || strncasecmp(at, d, dlen)) continue ;
    m->wake = 0 ;
    w[i].m = (size_t)-1 ;
    free-- ;
  }
  while (whead < n && w[whead].m == (size_t)-1) whead++ ;
  if (whead == n) { genalloc_setlen(waiter, &waiters, 0) ; whead = 0 ; }
  else if (whead > 1024 && whead > n / 2)
  {
    memmove(w, w + whead, (n - whead) * sizeof(waiter)) ;
    genalloc_setlen(waiter, &waiters, n - whead) ;
    whead = 0 ;
  }
}

void remote_wakeall (void)
{
  waiter *w = genalloc_s(waiter, &waiters) ;
  for (size_t i = whead ; i < genalloc_len(waiter, &waiters) ; i++)
    if (w[i].m != (size_t)-1 && MSG(w[i].m)->used) MSG(w[i].m)->wake = 0 ;
  genalloc_setlen(waiter, &waiters, 0) ;
  whead = 0 ;
}

/* the transport's name, for logs: "direct", "direct NAME", "METHOD HOST PORT NAME ..." */
static void tname (char const *line, char *name, size_t max)
{
  char const *s = line ;
  size_t n ;
  unsigned int skip = strncmp(line, "direct", 6) ? 3 : 1 ;
  for (unsigned int i = 0 ; i < skip && *s ; i++) { s += strcspn(s, " ") ; if (*s) s++ ; }
  if (!*s) s = line ;
  n = strcspn(s, " ") ;
  if (n >= max) n = max - 1 ;
  memcpy(name, s, n) ;
  name[n] = 0 ;
}

static void child (int in, int out, msg const *m, char const *line, unsigned int const *rcpts, unsigned int n)
{
  char const *argv[9 + 2 * 16 + n] ;  /* a transport line has few words */
  char buf[strlen(line) + 1] ;
  unsigned int a = 0 ;
  sigset_t none ;
  sigemptyset(&none) ;
  sigprocmask(SIG_SETMASK, &none, 0) ;
  signal(SIGPIPE, SIG_DFL) ;
  signal(SIGTERM, SIG_DFL) ;
  if (dup2(in, 0) < 0 || dup2(out, 1) < 0) _exit(111) ;
  argv[a++] = "tern-smtp-out" ; argv[a++] = "-c" ; argv[a++] = confdir ;
  if (m->env.flags & TERN_QENV_UTF8) argv[a++] = "-u" ;
  argv[a++] = "-f" ; argv[a++] = m->env.from.s ;
  memcpy(buf, line, sizeof buf) ;
  for (char *s = buf ; *s && a < 6 + 32 ;)
  {
    argv[a++] = s ;
    s += strcspn(s, " ") ;
    if (*s) *s++ = 0 ;
  }
  argv[a++] = "--" ;
  for (unsigned int i = 0 ; i < n ; i++) argv[a++] = rcpt_addr(m, rcpts[i]) ;
  argv[a] = 0 ;
  execvp(argv[0], (char *const *)argv) ;
  strerr_diefu2sys(111, "run ", argv[0]) ;
}

int remote_start (size_t mi, char const *key, unsigned int const *rcpts, unsigned int n, uint64_t now)
{
  job j = { .pid = 0, .m = mi, .kind = JOB_REMOTE, .out = -1, .account = STRALLOC_ZERO, .rcpts = GENALLOC_ZERO } ;
  msg *m = MSG(mi) ;
  int fd = open(qpath(0, "mess", m->id), O_RDONLY | O_CLOEXEC) ;
  if (fd < 0 || lseek(fd, (off_t)m->env.hdrlen, SEEK_SET) < 0) goto err ;
  j.out = tmpfile_open() ;
  if (j.out < 0 || !stralloc_cats(&j.account, key) || !stralloc_0(&j.account)
   || !genalloc_ready(unsigned int, &j.rcpts, n) || !genalloc_ready(job, &jobs, NJOBS + 1)) goto err ;
  /* the attempt counts from its start: recorded before it begins, in
     the page cache only (a kill -9 cannot lose it; a power loss can) */
  for (unsigned int i = 0 ; i < n ; i++) rcpt_count(tern_qstate_rcpt(&m->st, rcpts[i]), now) ;
  if (!tern_qstate_mark(&m->st, qpath(1, "state", m->id))) goto err ;
  m->dirty = 0 ;
  j.pid = fork() ;
  if (j.pid < 0) goto err ;
  if (!j.pid) child(fd, j.out, m, key + strcspn(key, " ") + 1, rcpts, n) ;
  close(fd) ;
  job_add(&j, rcpts, n) ;
  return 1 ;
 err:
  tern_log_warn("start", "id", m->id, "transport", key, "error", strerror(errno), TERN_LOG_END) ;
  m->dirty = 1 ;
  if (fd >= 0) close(fd) ;
  if (j.out >= 0) close(j.out) ;
  stralloc_free(&j.account) ;
  genalloc_free(unsigned int, &j.rcpts) ;
  return 0 ;
}

/* the report file into sa, at most REPORTMAX bytes */
static int slurp (int fd, stralloc *sa)
{
  if (lseek(fd, 0, SEEK_SET) < 0) return 0 ;
  for (;;)
  {
    ssize_t r ;
    if (sa->len >= REPORTMAX) return 1 ;
    if (!stralloc_readyplus(sa, 4096)) return 0 ;
    r = read(fd, sa->s + sa->len, 4096) ;
    if (r < 0) { if (errno == EINTR) continue ; return 0 ; }
    if (!r) return 1 ;
    sa->len += r ;
  }
}

/* one report line "ok|temp|perm RCPT CODE TEXT": the result of the group's
   recipient RCPT not yet given one (done[] marks those) */
static void line (size_t mi, job const *j, char *s, size_t len, char *done, char const *name)
{
  unsigned int const *ks = genalloc_s(unsigned int, &j->rcpts) ;
  unsigned int n = genalloc_len(unsigned int, &j->rcpts) ;
  char *rcpt, *reply ;
  int code ;
  s[len] = 0 ;
  if (!strncmp(s, "ok ", 3)) code = 0 ;
  else if (!strncmp(s, "temp ", 5)) code = 111 ;
  else if (!strncmp(s, "perm ", 5)) code = 100 ;
  else return ;
  rcpt = s + strcspn(s, " ") + 1 ;
  reply = rcpt + strcspn(rcpt, " ") ;
  if (!*reply) return ;
  *reply++ = 0 ;
  for (unsigned int i = 0 ; i < n ; i++)
    if (!done[i] && !strcmp(rcpt, rcpt_addr(MSG(mi), ks[i])))
    {
      done[i] = 1 ;
      rcpt_result(mi, ks[i], code, reply, "transport", name) ;
      return ;
    }
}

void remote_ended (size_t ji, int wstat)
{
  static stralloc rep = STRALLOC_ZERO ;
  job *j = JOB(ji) ;
  size_t mi = j->m ;
  unsigned int n = genalloc_len(unsigned int, &j->rcpts) ;
  char done[n ? n : 1], name[65], why[80] ;
  size_t dlen = strcspn(j->account.s, " ") ;
  memset(done, 0, sizeof done) ;
  tname(j->account.s + dlen + 1, name, sizeof name) ;
  rep.len = 0 ;
  if (WIFEXITED(wstat) && !WEXITSTATUS(wstat) && slurp(j->out, &rep))
    for (size_t i = 0 ; i < rep.len ;)
    {
      char *nl = memchr(rep.s + i, '\n', rep.len - i) ;
      size_t l = nl ? (size_t)(nl - (rep.s + i)) : rep.len - i ;
      line(mi, j, rep.s + i, l, done, name) ;
      i += l + 1 ;
    }
  {
    size_t w = 0 ;
    int sig = WIFSIGNALED(wstat), code = WIFEXITED(wstat) ? WEXITSTATUS(wstat) : 0 ;
    char const *t = sig ? "451 4.3.0 tern: tern-smtp-out killed by signal " : code ? "451 4.3.0 tern: tern-smtp-out failed, exit "
      : "451 4.3.0 tern: no report from tern-smtp-out" ;
    memcpy(why, t, strlen(t)) ; w = strlen(t) ;
    if (sig || code) w += uint_fmt(why + w, (unsigned int)(sig ? WTERMSIG(wstat) : code)) ;
    why[w] = 0 ;
  }
  for (unsigned int i = 0 ; i < n ; i++)
    if (!done[i]) rcpt_result(mi, genalloc_s(unsigned int, &j->rcpts)[i], 111, why, "transport", name) ;
  MSG(mi)->dirty = 1 ;
  {
    char d[dlen + 1] ;
    unsigned int busy ;
    memcpy(d, j->account.s, dlen) ;
    d[dlen] = 0 ;
    job_drop(ji) ;
    busy = running(d, dlen) ;
    if (busy < domconcurrency) wakeup(d, dlen, domconcurrency - busy) ;
  }
}
