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
#include "tern_addr.h"
#include "tern_idx.h"
#include "tern_log.h"
#include "tern_route.h"
#include "tern-queue-run.h"

/* Recipients waiting for their domain's limit, one queue per domain: a
   job's end wakes its own domain's waiters and a batch gathers from its own
   domain's queue, whatever other domains wait.  A waiter of a message that
   left memory, or of an earlier message in the same slot (gen), is stale. */
typedef struct waiter_s waiter ;
struct waiter_s { size_t m ; unsigned int k ; uint32_t gen ; } ;

typedef struct dq_s dq ;
struct dq_s
{
  stralloc dom ;  /* lower-case, NUL-terminated */
  genalloc w ;    /* waiter; m == -1: gone */
  size_t head ;   /* w before it are all gone */
  int used ;
} ;

static genalloc dqs = GENALLOC_ZERO ;     /* dq */
static genalloc dqfree = GENALLOC_ZERO ;  /* uint32_t: unused slots of dqs */
#define DQ(i) (genalloc_s(dq, &dqs) + (i))

static char const *dqkey (uint32_t d, void *aux)
{
  (void)aux ;
  return DQ(d)->dom.s ;
}

static tern_idx dqidx = TERN_IDX_INIT(&dqkey, 0) ;

static int stale (waiter const *w)
{
  msg const *m ;
  if (w->m == (size_t)-1) return 1 ;
  m = MSG(w->m) ;
  return !m->used || m->gen != w->gen || w->k >= m->env.nrcpt ;
}

static void dq_release (uint32_t i)
{
  DQ(i)->used = 0 ;
  if (!genalloc_append(uint32_t, &dqfree, &i)) {}  /* the slot is lost */
}

/* the queue of domain d (dlen bytes, lower-case), made if create: its
   index, or -1 (none, or ENOMEM) */
static int32_t dq_find (char const *d, size_t dlen, int create)
{
  uint32_t i ;
  dq *q ;
  if (tern_idx_find(&dqidx, d, dlen, &i)) return (int32_t)i ;
  if (!create) return -1 ;
  if (genalloc_len(uint32_t, &dqfree))
  {
    i = genalloc_s(uint32_t, &dqfree)[genalloc_len(uint32_t, &dqfree) - 1] ;
    genalloc_setlen(uint32_t, &dqfree, genalloc_len(uint32_t, &dqfree) - 1) ;
  }
  else
  {
    dq z = { .dom = STRALLOC_ZERO, .w = GENALLOC_ZERO, .head = 0, .used = 0 } ;
    if (genalloc_len(dq, &dqs) >= INT32_MAX || !genalloc_append(dq, &dqs, &z)) return -1 ;
    i = genalloc_len(dq, &dqs) - 1 ;
  }
  q = DQ(i) ;
  q->dom.len = 0 ; q->head = 0 ; q->used = 1 ;
  genalloc_setlen(waiter, &q->w, 0) ;
  if (!stralloc_catb(&q->dom, d, dlen) || !stralloc_0(&q->dom) || !tern_idx_add(&dqidx, i))
  {
    dq_release(i) ;
    return -1 ;
  }
  return (int32_t)i ;
}

/* drops the gone waiters before head; an empty queue goes */
static void dq_tidy (uint32_t i)
{
  dq *q = DQ(i) ;
  waiter *w = genalloc_s(waiter, &q->w) ;
  size_t n = genalloc_len(waiter, &q->w) ;
  while (q->head < n && w[q->head].m == (size_t)-1) q->head++ ;
  if (q->head == n)
  {
    tern_idx_del(&dqidx, q->dom.s, q->dom.len - 1) ;
    genalloc_setlen(waiter, &q->w, 0) ;
    q->head = 0 ;
    dq_release(i) ;
  }
  else if (q->head > 64 && q->head > n / 2)
  {
    memmove(w, w + q->head, (n - q->head) * sizeof(waiter)) ;
    genalloc_setlen(waiter, &q->w, n - q->head) ;
    q->head = 0 ;
  }
}

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
  static stralloc d = STRALLOC_ZERO ;
  waiter w = { .m = m, .k = k, .gen = MSG(m)->gen } ;
  int32_t i ;
  d.len = 0 ;
  i = domainof(rcpt_addr(MSG(m), k), &d) ? dq_find(d.s, d.len, 1) : -1 ;
  if (i < 0 || !genalloc_append(waiter, &DQ(i)->w, &w)) msg_wake(m, 0) ;  /* poll instead */
}

/* a job of domain d ended: wake up to free waiters of d */
static void wakeup (char const *d, size_t dlen, unsigned int free)
{
  int32_t i = dq_find(d, dlen, 0) ;
  dq *q ;
  if (i < 0) return ;
  q = DQ(i) ;
  for (size_t x = q->head ; x < genalloc_len(waiter, &q->w) && free ; x++)
  {
    waiter *w = genalloc_s(waiter, &q->w) + x ;
    if (stale(w)) { w->m = (size_t)-1 ; continue ; }
    msg_wake(w->m, 0) ;
    w->m = (size_t)-1 ;
    free-- ;
  }
  dq_tidy((uint32_t)i) ;
}

void remote_wakeall (void)
{
  for (uint32_t i = 0 ; i < genalloc_len(dq, &dqs) ; i++)
  {
    dq *q = DQ(i) ;
    if (!q->used) continue ;
    for (size_t x = q->head ; x < genalloc_len(waiter, &q->w) ; x++)
    {
      waiter *w = genalloc_s(waiter, &q->w) + x ;
      if (!stale(w)) msg_wake(w->m, 0) ;
      w->m = (size_t)-1 ;
    }
    dq_tidy(i) ;
  }
}

/* 1 if recipient k of message i can join a batch for key (due, free,
   same domain and transport line), 0 if not, -1 if it is there already */
static int fits (size_t mi, unsigned int k, char const *key, size_t dlen, uint64_t now, genalloc const *pairs)
{
  static stralloc k2 = STRALLOC_ZERO ;
  msg const *m = MSG(mi) ;
  tern_qrcpt const *r ;
  char const *rcpt, *at ;
  /* not signed yet: its own scheduling pass signs it first */
  if (!m->used || m->st.hold || m->dropped || (m->sign && m->keys) || k >= m->env.nrcpt || m->busy.s[k]) return 0 ;
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
   its concurrency limit), at most REMOTE_BATCH messages in all; of the due
   messages, DUE_LOOK at most are looked at, so that forming a batch costs
   the same whatever the number of messages in memory */
#define DUE_LOOK (REMOTE_BATCH * 20)
static void gather (size_t mi, char const *key, uint64_t now, genalloc *pairs)
{
  static size_t due[DUE_LOOK] ;
  size_t dlen = strcspn(key, " "), last = mi, nd ;
  unsigned int nm = 1 ;
  int32_t qi = dq_find(key, dlen, 0) ;
  if (qi >= 0)
  {
    for (size_t x = DQ(qi)->head ; x < genalloc_len(waiter, &DQ(qi)->w) && nm < REMOTE_BATCH ; x++)
    {
      waiter w = genalloc_s(waiter, &DQ(qi)->w)[x] ;
      int f ;
      if (stale(&w)) { genalloc_s(waiter, &DQ(qi)->w)[x].m = (size_t)-1 ; continue ; }
      if (w.m == mi) continue ;
      f = fits(w.m, w.k, key, dlen, now, pairs) ;
      if (f > 0 && !genalloc_append(waiter, pairs, &w)) break ;
      if (f > 0 && w.m != last) { nm++ ; last = w.m ; }
      if (f) genalloc_s(waiter, &DQ(qi)->w)[x].m = (size_t)-1 ;
    }
    dq_tidy((uint32_t)qi) ;
  }
  nd = nm < REMOTE_BATCH ? msg_duelist(now, due, DUE_LOOK) : 0 ;
  for (size_t q = 0 ; q < nd && nm < REMOTE_BATCH ; q++)
  {
    size_t i = due[q] ;
    if (i == mi) continue ;
    for (unsigned int k = 0 ; k < MSG(i)->env.nrcpt ; k++)
    {
      waiter w = { .m = i, .k = k, .gen = MSG(i)->gen } ;
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

/* the domain of a "DOMKEY LINE" key as logged: "bücher.test/xn--bcher-kva.test"
   (tern_domain_logfmt), a literal as it is */
static char const *domlog (char const *key)
{
  static stralloc sa = STRALLOC_ZERO, a = STRALLOC_ZERO, u = STRALLOC_ZERO ;
  size_t n = strcspn(key, " ") ;
  sa.len = 0 ;
  if (!n || key[0] == '[' || tern_domain_parse(&a, &u, key, n) || !stralloc_0(&a) || !stralloc_0(&u))
    return stralloc_catb(&sa, key, n) && stralloc_0(&sa) ? sa.s : "?" ;
  return tern_domain_logfmt(&sa, a.s, u.s) && stralloc_0(&sa) ? sa.s : "?" ;
}

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
  {
    int e = errno ;
    char t[65] ;
    tname(key + strcspn(key, " ") + (key[strcspn(key, " ")] ? 1 : 0), t, sizeof t) ;
    tern_log_warn("start", "id", m->id, "domain", domlog(key), "transport", t, "error", strerror(e), TERN_LOG_END) ;
  }
  m->dirty = 1 ;
  if (fd >= 0) close(fd) ;
  if (j.out >= 0) close(j.out) ;
  batch_undo(&j) ;
  stralloc_free(&j.account) ;
  genalloc_free(unsigned int, &j.rcpts) ;
  genalloc_free(part, &j.parts) ;
  return 0 ;
}

/* the job's results (a batch's complete lines even if tern-smtp-out did
   not exit 0: report_read), then its messages are settled */
void remote_ended (size_t ji, int wstat, uint64_t now)
{
  job *j = JOB(ji) ;
  size_t np = genalloc_len(part, &j->parts), dlen = strcspn(j->account.s, " ") ;
  char name[65], d[dlen + 1] ;
  size_t ms[np ? np : 1] ;
  tname(j->account.s + dlen + 1, name, sizeof name) ;
  report_read(j, wstat, name) ;
  for (size_t pi = 0 ; pi < np ; pi++)
  {
    part const *p = genalloc_s(part, &j->parts) + pi ;
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
