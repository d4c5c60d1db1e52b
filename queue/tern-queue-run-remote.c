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
  if (!genalloc_append(waiter, &waiters, &w)) msg_wake(m, 0) ;  /* poll instead */
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
    msg_wake(w[i].m, 0) ;
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
    if (w[i].m != (size_t)-1 && MSG(w[i].m)->used) msg_wake(w[i].m, 0) ;
  genalloc_setlen(waiter, &waiters, 0) ;
  whead = 0 ;
}

/* 1 if recipient k of message i can join a batch for key (due, free,
   same domain and transport line), 0 if not, -1 if it is there already */
static int fits (size_t mi, unsigned int k, char const *key, size_t dlen, uint64_t now, genalloc const *pairs)
{
  static stralloc k2 = STRALLOC_ZERO ;
  msg const *m = MSG(mi) ;
  tern_qrcpt const *r ;
  char const *rcpt, *at ;
  if (!m->used || m->st.hold || m->dropped || k >= m->env.nrcpt || m->busy.s[k]) return 0 ;
  r = tern_qstate_rcpt(&m->st, k) ;
  if (!tern_qrcpt_pending(r) || r->next > now || (!m->running && dsn_owed(m))) return 0 ;
  rcpt = rcpt_addr(m, k) ;
  at = strrchr(rcpt, '@') ;
  at = at ? at + 1 : "" ;
  if (strlen(at) != dlen || strncasecmp(at, key, dlen) || !batch_ok(m)) return 0 ;
  for (size_t q = 0 ; q < genalloc_len(waiter, pairs) ; q++)
    if (genalloc_s(waiter, pairs)[q].m == mi && genalloc_s(waiter, pairs)[q].k == k) return -1 ;
  k2.len = 0 ;
  return msg_route(m, rcpt, r->attempts, &k2) == R_REMOTE && !strcmp(k2.s, key) ;
}

/* (message, recipient) pairs for one batch with key: waiters of its
   domain first, then due messages not scheduled yet (the runner was at
   its concurrency limit), at most REMOTE_BATCH messages in all */
static void gather (size_t mi, char const *key, uint64_t now, genalloc *pairs)
{
  size_t dlen = strcspn(key, " "), last = mi ;
  unsigned int nm = 1 ;
  for (size_t i = whead ; i < genalloc_len(waiter, &waiters) && nm < REMOTE_BATCH ; i++)
  {
    waiter *w = genalloc_s(waiter, &waiters) + i ;
    int f ;
    if (w->m == (size_t)-1 || w->m == mi) continue ;
    f = fits(w->m, w->k, key, dlen, now, pairs) ;
    if (f > 0 && !genalloc_append(waiter, pairs, w)) return ;
    if (f > 0 && w->m != last) { nm++ ; last = w->m ; }
    if (f) genalloc_s(waiter, &waiters)[i].m = (size_t)-1 ;
  }
  for (size_t i = 0 ; i < NMSGS && nm < REMOTE_BATCH ; i++)
  {
    msg const *m = MSG(i) ;
    if (i == mi || !m->used || m->wake > now) continue ;
    for (unsigned int k = 0 ; k < m->env.nrcpt ; k++)
    {
      waiter w = { .m = i, .k = k } ;
      if (fits(i, k, key, dlen, now, pairs) <= 0) continue ;
      if (!genalloc_append(waiter, pairs, &w)) return ;
      if (i != last) { nm++ ; last = i ; }
    }
  }
}

int batch_gather (size_t mi, char const *key, unsigned int const *rcpts, unsigned int n, uint64_t now, job *j)
{
  static genalloc pairs = GENALLOC_ZERO ;  /* waiter */
  part p = { .m = mi, .off = 0, .n = n } ;
  genalloc_setlen(waiter, &pairs, 0) ;
  if (!genalloc_catb(unsigned int, &j->rcpts, rcpts, n) || !genalloc_append(part, &j->parts, &p)) return 0 ;
  if (!batch_ok(MSG(mi))) return 1 ;
  gather(mi, key, now, &pairs) ;
  for (size_t q = 0 ; q < genalloc_len(waiter, &pairs) ; q++)
  {
    waiter const *x = genalloc_s(waiter, &pairs) ;
    size_t k ;
    for (k = 0 ; k < q && x[k].m != x[q].m ; k++) ;
    if (k < q) continue ;  /* that message has its part */
    p.m = x[q].m ; p.off = genalloc_len(unsigned int, &j->rcpts) ; p.n = 0 ;
    for (k = q ; k < genalloc_len(waiter, &pairs) ; k++)
      if (x[k].m == p.m)
      {
        if (!genalloc_append(unsigned int, &j->rcpts, &x[k].k)) return 0 ;
        p.n++ ;
      }
    if (!genalloc_append(part, &j->parts, &p)) return 0 ;
  }
  return 1 ;
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

/* tern-smtp-out for one message (in: its file), or several (in: the list, -m) */
/* a delivery: message mi's recipients rcpts, and due ones of other
   messages waiting for the same domain and transport (a batch); the
   attempt counts from its start: recorded before it begins, in the page
   cache only (a kill -9 cannot lose it; a power loss can) */
int remote_start (size_t mi, char const *key, unsigned int const *rcpts, unsigned int n, uint64_t now)
{
  job j = { .pid = 0, .m = mi, .kind = JOB_REMOTE, .out = -1, .account = STRALLOC_ZERO, .rcpts = GENALLOC_ZERO, .parts = GENALLOC_ZERO } ;
  msg *m = MSG(mi) ;
  int fd = -1, batch ;
  if (!batch_gather(mi, key, rcpts, n, now, &j)) goto err ;
  batch = genalloc_len(part, &j.parts) > 1 ;
  fd = batch ? batch_list(&j) : open(qpath(0, "mess", m->id), O_RDONLY | O_CLOEXEC) ;
  if (fd < 0 || lseek(fd, batch ? 0 : (off_t)m->env.hdrlen, SEEK_SET) < 0) goto err ;
  j.out = tmpfile_open() ;
  if (j.out < 0 || !stralloc_cats(&j.account, key) || !stralloc_0(&j.account) || !genalloc_ready(job, &jobs, NJOBS + 1)) goto err ;
  for (size_t pi = 0 ; pi < genalloc_len(part, &j.parts) ; pi++)
  {
    part const *p = genalloc_s(part, &j.parts) + pi ;
    msg *pm = MSG(p->m) ;
    for (unsigned int i = p->off ; i < p->off + p->n ; i++) rcpt_count(tern_qstate_rcpt(&pm->st, genalloc_s(unsigned int, &j.rcpts)[i]), now) ;
    pm->dirty = 1 ;
    if (!tern_qstate_mark(&pm->st, qpath(1, "state", pm->id))) goto err ;
    pm->dirty = 0 ;
  }
  j.pid = remote_spawn(fd, j.out, m, key + strcspn(key, " ") + 1, rcpts, n, batch) ;
  if (j.pid < 0) goto err ;
  close(fd) ;
  batch_add(&j) ;
  return 1 ;
 err:
  tern_log_warn("start", "id", m->id, "transport", key, "error", strerror(errno), TERN_LOG_END) ;
  m->dirty = 1 ;
  if (fd >= 0) close(fd) ;
  if (j.out >= 0) close(j.out) ;
  batch_undo(&j) ;
  stralloc_free(&j.account) ;
  genalloc_free(unsigned int, &j.rcpts) ;
  genalloc_free(part, &j.parts) ;
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

/* one report line "[N ]ok|temp|perm RCPT CODE TEXT" (N: the message's
   number in a batch): the result of that recipient if not given yet
   (done[] marks the job's recipients that have one) */
static void line (job const *j, char *s, size_t len, char *done, char const *name, int batch)
{
  unsigned int const *ks = genalloc_s(unsigned int, &j->rcpts) ;
  part one = { .m = j->m, .off = 0, .n = genalloc_len(unsigned int, &j->rcpts) } ;
  part const *p = &one ;
  char *rcpt, *reply ;
  int code ;
  s[len] = 0 ;
  if (batch)
  {
    unsigned int pi ;
    size_t k = uint_scan(s, &pi) ;
    if (!k || s[k] != ' ' || pi >= genalloc_len(part, &j->parts)) return ;
    p = genalloc_s(part, &j->parts) + pi ;
    s += k + 1 ;
  }
  if (!strncmp(s, "ok ", 3)) code = 0 ;
  else if (!strncmp(s, "temp ", 5)) code = 111 ;
  else if (!strncmp(s, "perm ", 5)) code = 100 ;
  else return ;
  rcpt = s + strcspn(s, " ") + 1 ;
  reply = rcpt + strcspn(rcpt, " ") ;
  if (!*reply) return ;
  *reply++ = 0 ;
  for (unsigned int i = p->off ; i < p->off + p->n ; i++)
    if (!done[i] && !strcmp(rcpt, rcpt_addr(MSG(p->m), ks[i])))
    {
      done[i] = 1 ;
      rcpt_result(p->m, ks[i], code, reply, "transport", name) ;
      return ;
    }
}

/* why the recipients without a report line failed */
static void whynot (int wstat, char *why)
{
  size_t w = 0 ;
  int sig = WIFSIGNALED(wstat), code = WIFEXITED(wstat) ? WEXITSTATUS(wstat) : 0 ;
  char const *t = sig ? "451 4.3.0 tern: tern-smtp-out killed by signal " : code ? "451 4.3.0 tern: tern-smtp-out failed, exit "
    : "451 4.3.0 tern: no report from tern-smtp-out" ;
  memcpy(why, t, strlen(t)) ; w = strlen(t) ;
  if (sig || code) w += uint_fmt(why + w, (unsigned int)(sig ? WTERMSIG(wstat) : code)) ;
  why[w] = 0 ;
}

/* the job's results (a batch's complete lines even if tern-smtp-out did
   not exit 0), then its messages are settled */
void remote_ended (size_t ji, int wstat, uint64_t now)
{
  static stralloc rep = STRALLOC_ZERO ;
  job *j = JOB(ji) ;
  unsigned int n = genalloc_len(unsigned int, &j->rcpts) ;
  size_t np = genalloc_len(part, &j->parts), dlen = strcspn(j->account.s, " ") ;
  int batch = np > 1 ;
  char done[n ? n : 1], name[65], why[80], d[dlen + 1] ;
  size_t ms[np ? np : 1] ;
  memset(done, 0, sizeof done) ;
  tname(j->account.s + dlen + 1, name, sizeof name) ;
  rep.len = 0 ;
  if ((batch || (WIFEXITED(wstat) && !WEXITSTATUS(wstat))) && slurp(j->out, &rep))
    for (size_t i = 0 ; i < rep.len ;)
    {
      char *nl = memchr(rep.s + i, '\n', rep.len - i) ;
      size_t l = nl ? (size_t)(nl - (rep.s + i)) : rep.len - i ;
      if (nl || !batch) line(j, rep.s + i, l, done, name, batch) ;  /* a cut last line is no result */
      i += l + 1 ;
    }
  whynot(wstat, why) ;
  for (size_t pi = 0 ; pi < np ; pi++)
  {
    part const *p = genalloc_s(part, &j->parts) + pi ;
    for (unsigned int i = p->off ; i < p->off + p->n ; i++)
      if (!done[i]) rcpt_result(p->m, genalloc_s(unsigned int, &j->rcpts)[i], 111, why, "transport", name) ;
    MSG(p->m)->dirty = 1 ;
    ms[pi] = p->m ;
  }
  memcpy(d, j->account.s, dlen) ;
  d[dlen] = 0 ;
  job_drop(ji) ;
  for (size_t pi = 0 ; pi < np ; pi++) msg_settle(ms[pi], now) ;
  {
    unsigned int busy = running(d, dlen) ;
    if (busy < domconcurrency) wakeup(d, dlen, domconcurrency - busy) ;
  }
}
