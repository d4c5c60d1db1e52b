/* tern-queue-run-msg: the messages tern-queue-run knows: loading one,
   choosing the recipients due and grouping them into deliveries, and
   settling a message once its deliveries ended (remove it, or record). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <time.h>
#include <skalibs/types.h>
#include "tern.h"
#include "tern_idx.h"
#include "tern_log.h"
#include "tern-queue-run.h"


static genalloc freeslots = GENALLOC_ZERO ;  /* size_t */

/* The loaded messages by wake time: a binary min-heap of their indices,
   each message knowing its place (hpos), so that a scheduling pass looks at
   the messages due, never at every message in memory.  Room for one more
   entry is made before a message is loaded: msg_wake cannot fail. */
static genalloc heap = GENALLOC_ZERO ;  /* size_t */
#define H(k) (genalloc_s(size_t, &heap)[k])
#define HN genalloc_len(size_t, &heap)
#define HWAKE(k) (MSG(H(k))->wake)

static void hput (size_t k, size_t i)
{
  H(k) = i ;
  MSG(i)->hpos = k ;
}

static void hfix (size_t k)
{
  size_t i = H(k), n = HN ;
  uint64_t w = MSG(i)->wake ;
  while (k && HWAKE((k - 1) / 2) > w) { hput(k, H((k - 1) / 2)) ; k = (k - 1) / 2 ; }
  for (;;)
  {
    size_t c = 2 * k + 1 ;
    if (c >= n) break ;
    if (c + 1 < n && HWAKE(c + 1) < HWAKE(c)) c++ ;
    if (HWAKE(c) >= w) break ;
    hput(k, H(c)) ;
    k = c ;
  }
  hput(k, i) ;
}

static void hremove (size_t i)
{
  size_t k = MSG(i)->hpos, last = HN - 1 ;
  if (k == HPOS_NONE) return ;
  MSG(i)->hpos = HPOS_NONE ;
  if (k != last) hput(k, H(last)) ;
  genalloc_setlen(size_t, &heap, last) ;
  if (k != last) hfix(k) ;
}

void msg_wake (size_t i, uint64_t when)
{
  msg *m = MSG(i) ;
  m->wake = when ;
  if (m->hpos == HPOS_NONE)
  {
    genalloc_append(size_t, &heap, &i) ;  /* the room was made by msg_load */
    m->hpos = HN - 1 ;
  }
  hfix(m->hpos) ;
}

/* the walk of the due part of the heap: a due entry's parent is due, so
   the due entries are a subtree at the root; a depth-first walk keeps at
   most one pending sibling per level */
size_t msg_duelist (uint64_t now, size_t *out, size_t max)
{
  size_t st[2 * 64 + 2], sp = 0, n = 0 ;
  if (HN && HWAKE(0) <= now) st[sp++] = 0 ;
  while (sp && n < max)
  {
    size_t k = st[--sp], c = 2 * k + 1 ;
    out[n++] = H(k) ;
    if (c + 1 < HN && HWAKE(c + 1) <= now) st[sp++] = c + 1 ;
    if (c < HN && HWAKE(c) <= now) st[sp++] = c ;
  }
  return n ;
}

/* The loaded messages by id, for the control commands and the passes over
   mess/: an index of their slots, keyed on msg.id. */
static char const *idkey (uint32_t d, void *aux)
{
  (void)aux ;
  return MSG(d)->id ;
}

static tern_idx ids = TERN_IDX_INIT(&idkey, 0) ;

size_t msg_find (char const *id)
{
  uint32_t d ;
  return tern_idx_find(&ids, id, strlen(id), &d) ? (size_t)d : (size_t)-1 ;
}

static size_t slot (void)
{
  msg z = { .used = 0, .env = TERN_QENV_ZERO, .st = TERN_QSTATE_ZERO, .busy = STRALLOC_ZERO, .hpos = HPOS_NONE } ;
  size_t n = genalloc_len(size_t, &freeslots) ;
  if (n)
  {
    genalloc_setlen(size_t, &freeslots, n - 1) ;
    return genalloc_s(size_t, &freeslots)[n - 1] ;
  }
  if (!genalloc_append(msg, &msgs, &z)) return (size_t)-1 ;
  return NMSGS - 1 ;
}

static void release (size_t i)
{
  MSG(i)->used = 0 ;
  if (!genalloc_append(size_t, &freeslots, &i)) {}  /* the slot is lost, not the message */
}

static void unload (size_t i)
{
  msg *m = MSG(i) ;
  hremove(i) ;
  tern_idx_del(&ids, m->id, strlen(m->id)) ;
  tern_qenv_free(&m->env) ;
  tern_qstate_free(&m->st) ;
  stralloc_free(&m->busy) ;
  release(i) ;
}

static int load (msg *m, char const *id, int isnew)
{
  struct stat st ;
  int fd = open(qpath(0, "mess", id), O_RDONLY | O_CLOEXEC), r ;
  if (fd < 0) return (tern_log_warn("unreadable", "id", id, "error", strerror(errno), TERN_LOG_END), 0) ;
  r = fstat(fd, &st) < 0 ? TERN_TEMP : tern_qenv_read(&m->env, fd) ;
  if (r) { close(fd) ; return (tern_log_warn("unreadable", "id", id, "error", r == TERN_PERM ? "bad envelope" : strerror(errno), TERN_LOG_END), 0) ; }
  m->size = (uint64_t)st.st_size - m->env.hdrlen ;
  m->outside = m->env.ip.len > 1 && m->env.account.len <= 1 ;
  m->sign = !(m->env.flags & TERN_QENV_DKIM) && (m->env.account.len > 1 || m->env.ip.len <= 1) ;
  m->keys = m->sign && dkim_wanted(m, fd) ;
  close(fd) ;
  stralloc_free(&m->env.ip) ;    /* for the log of the message's arrival only: */
  stralloc_free(&m->env.helo) ;  /* not kept for each queued message */
  r = isnew ? (tern_qstate_init(&m->st, m->env.nrcpt) ? TERN_OK : TERN_TEMP)
    : tern_qstate_read(&m->st, qpath(1, "state", id), m->env.nrcpt) ;
  if (r == TERN_PERM)
  {
    tern_log_warn("bad-state", "id", id, "action", "deliver again to every recipient", TERN_LOG_END) ;
    r = tern_qstate_init(&m->st, m->env.nrcpt) ? TERN_OK : TERN_TEMP ;
  }
  if (r || !stralloc_ready(&m->busy, m->env.nrcpt)) return (tern_log_warn("unreadable", "id", id, "error", strerror(errno), TERN_LOG_END), 0) ;
  memset(m->busy.s, 0, m->env.nrcpt) ;
  m->busy.len = m->env.nrcpt ;
  return 1 ;
}

size_t msg_loaded (void)
{
  return NMSGS - genalloc_len(size_t, &freeslots) ;
}

uint64_t msg_due (msg const *m)
{
  uint64_t due = WAKE_NEVER ;
  if (m->st.hold) return WAKE_NEVER ;
  for (unsigned int j = 0 ; j < m->env.nrcpt ; j++)
  {
    tern_qrcpt const *r = tern_qstate_rcpt(&m->st, j) ;
    if (r->state == TERN_QRCPT_BOUNCE || r->state == TERN_QRCPT_DELAY) return m->dsnwake ;
    if (tern_qrcpt_pending(r) && r->next < due) due = r->next ;
  }
  return due ;
}

/* the state file's mtime is the message's next attempt: a pass over
   mess/ loads only the messages due */
static void stamp (msg const *m)
{
  uint64_t due = msg_due(m) ;
  struct timespec t[2] = { { .tv_sec = 0, .tv_nsec = UTIME_OMIT }, { .tv_sec = due > 0x7fffffff ? 0x7fffffff : (time_t)due, .tv_nsec = 0 } } ;
  if (utimensat(AT_FDCWD, qpath(1, "state", m->id), t, 0) < 0 && errno != ENOENT)
    tern_log_warn("stamp", "id", m->id, "error", strerror(errno), TERN_LOG_END) ;
}

typedef struct cand_s cand ;
struct cand_s { uint64_t due ; size_t i ; } ;

static int latestfirst (void const *a, void const *b)
{
  uint64_t x = ((cand const *)a)->due, y = ((cand const *)b)->due ;
  return x < y ? 1 : x > y ? -1 : 0 ;
}

size_t msg_evict (uint64_t now, size_t n)
{
  genalloc c = GENALLOC_ZERO ;  /* cand */
  size_t k ;
  for (size_t i = 0 ; i < NMSGS ; i++)
  {
    msg const *m = MSG(i) ;
    cand x = { .i = i } ;
    if (!m->used || m->running || m->dirty) continue ;
    x.due = msg_due(m) ;
    if (x.due > now + 60 && !genalloc_append(cand, &c, &x)) break ;
  }
  k = genalloc_len(cand, &c) ;
  if (k > n) k = n ;
  if (k) qsort(genalloc_s(cand, &c), genalloc_len(cand, &c), sizeof(cand), &latestfirst) ;
  for (size_t q = 0 ; q < k ; q++)
  {
    size_t i = genalloc_s(cand, &c)[q].i ;
    stamp(MSG(i)) ;
    unload(i) ;
  }
  genalloc_free(cand, &c) ;
  if (k)
  {
    char fmt[SIZE_FMT] ;
    fmt[size_fmt(fmt, k)] = 0 ;
    tern_log_info("unload", "messages", fmt, "reason", "queue-active-max", TERN_LOG_END) ;
  }
  return k ;
}

void msg_load (char const *id, int isnew)
{
  size_t i ;
  msg *m ;
  if (msg_find(id) != (size_t)-1) return ;  /* in memory already */
  i = genalloc_ready(size_t, &heap, HN + 1) ? slot() : (size_t)-1 ;
  if (i >= UINT32_MAX) { tern_log_warn("nomem", "id", id, TERN_LOG_END) ; return ; }
  m = MSG(i) ;
  memcpy(m->id, id, strlen(id) + 1) ;
  m->running = 0 ; m->dirty = 0 ; m->dropped = 0 ; m->dsnwake = 0 ; m->used = 1 ; m->pass = 0 ; m->kills = 0 ;
  m->hpos = HPOS_NONE ;
  m->gen++ ;
  if (!tern_idx_add(&ids, (uint32_t)i))
  {
    tern_log_warn("nomem", "id", id, TERN_LOG_END) ;
    release(i) ;
    return ;
  }
  if (!load(m, id, isnew)) { unload(i) ; return ; }
  msg_wake(i, 0) ;
  if (isnew)
  {
    char n[UINT_FMT], sz[UINT64_FMT] ;
    stralloc from = STRALLOC_ZERO ;
    n[uint_fmt(n, m->env.nrcpt)] = 0 ;
    sz[uint64_fmt(sz, m->size)] = 0 ;
    if (!stralloc_cats(&from, "<") || !tern_addr_logtext(&from, m->env.from.s, m->env.flags & TERN_QENV_UTF8)
     || !stralloc_catb(&from, ">", 2)) from.len = 0 ;
    tern_log_info("new", "id", id, "from", from.len ? from.s : "", "nrcpt", n, "size", sz, TERN_LOG_END) ;
    stralloc_free(&from) ;
  }
}

/* start deliveries for message i's due recipients, one per account */
static uint64_t one (size_t i, uint64_t now)
{
  static stralloc kinds = STRALLOC_ZERO, accts = STRALLOC_ZERO ;
  static genalloc offs = GENALLOC_ZERO, group = GENALLOC_ZERO ;  /* size_t, unsigned int */
  uint64_t wake = WAKE_NEVER ;
  msg *m = MSG(i) ;
  if (m->sign && !m->running && !dkim_step(i, now, &wake)) return wake ;
  if (!m->running && dsn_owed(m))
  {
    if (m->dsnwake > now) wake = m->dsnwake ;
    else if (NRUNNING >= concurrency) return now ;
    else if (!dsn_start(i, now)) wake = now + 60 ;
    return wake ;
  }
  if (!msg_routes(m, now, &wake, &kinds, &offs, &accts)) return now + 60 ;
  for (unsigned int j = 0 ; j < kinds.len ; j++)
  {
    char const *a = accts.s + genalloc_s(size_t, &offs)[j] ;
    char kind = kinds.s[j] ;
    int ok ;
    if (kind != R_LOCAL && kind != R_REMOTE) continue ;
    if (NRUNNING >= concurrency) return now ;
    if (kind == R_REMOTE && remote_busy(a)) { remote_wait(i, j) ; continue ; }
    genalloc_setlen(unsigned int, &group, 0) ;
    for (unsigned int k = j ; k < kinds.len ; k++)
      if (kinds.s[k] == kind && !strcmp(a, accts.s + genalloc_s(size_t, &offs)[k]))
      {
        if (!genalloc_append(unsigned int, &group, &k)) return now + 60 ;
        if (k > j) kinds.s[k] = 0 ;
      }
    ok = kind == R_LOCAL ? deliver_start(i, a, genalloc_s(unsigned int, &group), genalloc_len(unsigned int, &group), now)
      : remote_start(i, a, genalloc_s(unsigned int, &group), genalloc_len(unsigned int, &group), now) ;
    if (!ok && now + 60 < wake) wake = now + 60 ;
  }
  return wake ;
}

uint64_t msg_schedule (uint64_t now)
{
  static uint64_t pass = 0 ;
  pass++ ;
  while (HN && NRUNNING < concurrency)
  {
    size_t i = H(0) ;
    msg *m = MSG(i) ;
    if (m->wake > now || m->pass == pass) break ;  /* none due, or due again at once: next pass */
    m->pass = pass ;
    if (m->st.hold) { msg_wake(i, WAKE_NEVER) ; continue ; }
    msg_wake(i, one(i, now)) ;
    m = MSG(i) ;
    if (m->dirty && !m->running) msg_settle(i, now) ;
  }
  return HN ? HWAKE(0) : WAKE_NEVER ;
}

void msg_settle (size_t i, uint64_t now)
{
  msg *m = MSG(i) ;
  unsigned int j = 0 ;
  (void)now ;
  if (m->running) return ;
  while (j < m->env.nrcpt && (tern_qstate_rcpt(&m->st, j)->state == TERN_QRCPT_DELIVERED
    || tern_qstate_rcpt(&m->st, j)->state == TERN_QRCPT_FAILED)) j++ ;
  if (j == m->env.nrcpt)
  {
    if (unlink(qpath(0, "mess", m->id)) < 0 && errno != ENOENT)
    {
      tern_log_warn("remove", "id", m->id, "error", strerror(errno), TERN_LOG_END) ;
      return ;
    }
    unlink(qpath(1, "state", m->id)) ;
    tern_log_info("done", "id", m->id, TERN_LOG_END) ;
    unload(i) ;
    return ;
  }
  if (m->dirty)
  {
    if (!tern_qstate_write(&m->st, qpath(1, "state", m->id)))
      tern_log_warn("record", "id", m->id, "error", strerror(errno), TERN_LOG_END) ;
    else stamp(m) ;
    m->dirty = 0 ;
  }
  msg_wake(i, 0) ;
}
