/* tern-queue-list: tern queue list (tern-queue.8): every committed
   message, oldest first, one line each and one per recipient, then a
   summary line; and the names of the queue's messages. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>
#include <sys/stat.h>
#include <skalibs/types.h>
#include <skalibs/strerr.h>
#include <skalibs/buffer.h>
#include <skalibs/direntry.h>
#include "tern.h"
#include "tern_addr.h"
#include "tern_log.h"
#include "tern_queue.h"
#include "tern-queue.h"

static void out (char const *s) { if (buffer_puts(buffer_1, s) < 0) strerr_diefusys(111, "write to stdout") ; }

static void delay (uint64_t s)
{
  static char const units[4] = { 's', 'm', 'h', 'd' } ;
  static uint64_t const div[4] = { 1, 60, 3600, 86400 } ;
  char t[UINT64_FMT + 1] ;
  unsigned int u = 0 ;
  while (u < 3 && s >= 2 * div[u + 1]) u++ ;
  t[uint64_fmt(t, s / div[u])] = 0 ;
  out(t) ;
  buffer_put(buffer_1, units + u, 1) ;
}

void queue_names (char const *qdir, char const *sub, stralloc *sa, genalloc *offs)
{
  stralloc p = STRALLOC_ZERO ;
  DIR *dir ;
  if (!stralloc_cats(&p, qdir) || !stralloc_cats(&p, sub) || !stralloc_0(&p)) strerr_diefusys(111, "allocate") ;
  dir = opendir(p.s) ;
  if (!dir) { if (errno == ENOENT) { stralloc_free(&p) ; return ; } strerr_diefusys(111, "open ", p.s) ; }
  for (;;)
  {
    direntry *d ;
    size_t off = sa->len ;
    errno = 0 ;
    if (!(d = readdir(dir))) break ;
    if (!tern_queue_idvalid(d->d_name)) continue ;
    if (!stralloc_cats(sa, d->d_name) || !stralloc_0(sa) || !stralloc_cats(sa, sub) || !stralloc_0(sa)
     || !genalloc_append(size_t, offs, &off)) strerr_diefusys(111, "allocate") ;
  }
  if (errno) strerr_diefusys(111, "read ", p.s) ;
  dir_close(dir) ;
  stralloc_free(&p) ;
}

static char const *names_s ;
static int cmp (void const *a, void const *b)
{
  return strcmp(names_s + *(size_t const *)a, names_s + *(size_t const *)b) ;
}

/* for the summary line: counts, and the domain of each recipient still
   to deliver ("domain\0" at doms' offsets) */
static uint64_t nmsg, nnew, nhold, nrcpt, nstate[TERN_QRCPT_NSTATES] ;
static stralloc doms = STRALLOC_ZERO ;
static genalloc domoffs = GENALLOC_ZERO ;  /* size_t */

static void count (char const *r, tern_qrcpt const *q)
{
  char const *at = strrchr(r, '@') ;
  size_t off = doms.len ;
  nrcpt++ ;
  nstate[q->state < TERN_QRCPT_NSTATES ? q->state : 0]++ ;
  if (!tern_qrcpt_pending(q)) return ;
  if (!stralloc_cats(&doms, at ? at + 1 : "") || !stralloc_0(&doms) || !genalloc_append(size_t, &domoffs, &off))
    strerr_diefusys(111, "allocate") ;
  for (size_t i = off ; doms.s[i] ; i++) if (doms.s[i] >= 'A' && doms.s[i] <= 'Z') doms.s[i] += 'a' - 'A' ;
}

static void rcpts (tern_qenv const *e, tern_qstate const *st, uint64_t now)
{
  char const *r = e->rcpts.s ;
  for (unsigned int i = 0 ; i < e->nrcpt ; i++, r += strlen(r) + 1)
  {
    tern_qrcpt const *q = tern_qstate_rcpt(st, i) ;
    stralloc v = STRALLOC_ZERO ;
    char n[UINT_FMT] ;
    count(r, q) ;
    n[uint_fmt(n, q->attempts)] = 0 ;
    v.len = 0 ;
    if (!tern_addr_logtext(&v, r, e->flags & TERN_QENV_UTF8) || !stralloc_0(&v)) strerr_diefusys(111, "allocate") ;
    out("  <") ; out(v.s) ; out("> ") ;
    v.len = 0 ; out(tern_qrcpt_names[q->state >= TERN_QRCPT_NSTATES ? 0 : q->state]) ; out(" attempts=") ; out(n) ;
    if (tern_qrcpt_pending(q) && q->next > now) { out(" next=") ; delay(q->next - now) ; }
    if (q->error && q->error[0])
    {
      if (!tern_log_catvalue(&v, q->error, strlen(q->error)) || !stralloc_0(&v)) strerr_diefusys(111, "allocate") ;
      out(" error=") ; out(v.s) ;
    }
    out("\n") ;
    stralloc_free(&v) ;
  }
}

/* one message; 0 if it vanished (delivered meanwhile) */
static void one (char const *qdir, char const *id, char const *sub, uint64_t now)
{
  tern_qenv e = TERN_QENV_ZERO ;
  tern_qstate st = TERN_QSTATE_ZERO ;
  stralloc p = STRALLOC_ZERO ;
  struct stat s ;
  char sz[UINT64_FMT] ;
  int fd, r ;
  if (!stralloc_cats(&p, qdir) || !stralloc_cats(&p, sub) || !stralloc_catb(&p, "/", 1)
   || !stralloc_cats(&p, id) || !stralloc_0(&p)) strerr_diefusys(111, "allocate") ;
  fd = open(p.s, O_RDONLY | O_CLOEXEC) ;
  if (fd < 0) { if (errno == ENOENT) goto end ; strerr_diefusys(111, "open ", p.s) ; }
  nmsg++ ;
  if (fstat(fd, &s) < 0) strerr_diefusys(111, "stat ", p.s) ;
  r = tern_qenv_read(&e, fd) ;
  close(fd) ;
  if (r == TERN_PERM) { out(id) ; out(" unreadable: bad envelope\n") ; goto end ; }
  if (r) strerr_diefusys(111, "read ", p.s) ;
  p.len = 0 ;
  if (!stralloc_cats(&p, qdir) || !stralloc_cats(&p, "/state/") || !stralloc_cats(&p, id) || !stralloc_0(&p))
    strerr_diefusys(111, "allocate") ;
  r = !strcmp(sub, "/todo") ? (tern_qstate_init(&st, e.nrcpt) ? TERN_OK : TERN_TEMP) : tern_qstate_read(&st, p.s, e.nrcpt) ;
  if (r == TERN_PERM && !tern_qstate_init(&st, e.nrcpt)) r = TERN_TEMP ;
  if (r == TERN_TEMP) strerr_diefusys(111, "read ", p.s) ;
  sz[uint64_fmt(sz, (uint64_t)s.st_size - e.hdrlen)] = 0 ;
  out(id) ; out(" ") ; delay(now > e.time ? now - e.time : 0) ; out(" ") ; out(sz) ;
  p.len = 0 ;
  if (!tern_addr_logtext(&p, e.from.s, e.flags & TERN_QENV_UTF8) || !stralloc_0(&p)) strerr_diefusys(111, "allocate") ;
  out(" <") ; out(p.s) ; out(">") ;
  if (!strcmp(sub, "/todo")) { out(" new") ; nnew++ ; }
  if (st.hold) { out(" hold") ; nhold++ ; }
  if (st.transport[0]) { out(" transport=") ; out(st.transport) ; }
  out("\n") ;
  rcpts(&e, &st, now) ;
 end:
  tern_qenv_free(&e) ;
  tern_qstate_free(&st) ;
  stralloc_free(&p) ;
}

typedef struct domn_s domn ;
struct domn_s { size_t off ; uint64_t n ; } ;

static int bycount (void const *a, void const *b)
{
  domn const *x = a, *y = b ;
  return x->n != y->n ? (x->n < y->n ? 1 : -1) : strcmp(doms.s + x->off, doms.s + y->off) ;
}

static void num (char const *key, uint64_t n)
{
  char t[UINT64_FMT] ;
  t[uint64_fmt(t, n)] = 0 ;
  out(key) ; out(t) ;
}

/* the last line of list: counts by state, recipients to deliver by domain */
static void summary (void)
{
  genalloc d = GENALLOC_ZERO ;  /* domn */
  size_t *o = genalloc_s(size_t, &domoffs), n = genalloc_len(size_t, &domoffs), k ;
  uint64_t rest = 0 ;
  names_s = doms.s ;
  qsort(o, n, sizeof(size_t), &cmp) ;
  for (size_t i = 0 ; i < n ;)
  {
    domn x = { .off = o[i], .n = 0 } ;
    while (i < n && !strcmp(doms.s + o[i], doms.s + x.off)) { x.n++ ; i++ ; }
    if (!genalloc_append(domn, &d, &x)) strerr_diefusys(111, "allocate") ;
  }
  qsort(genalloc_s(domn, &d), genalloc_len(domn, &d), sizeof(domn), &bycount) ;
  num("total messages=", nmsg) ; num(" new=", nnew) ; num(" hold=", nhold) ; num(" rcpts=", nrcpt) ;
  for (unsigned int i = 0 ; i < TERN_QRCPT_NSTATES ; i++) { out(" ") ; out(tern_qrcpt_names[i]) ; num("=", nstate[i]) ; }
  out(" domains=") ;
  for (k = 0 ; k < genalloc_len(domn, &d) ; k++)
  {
    domn const *x = genalloc_s(domn, &d) + k ;
    if (k >= 10) { rest += x->n ; continue ; }
    if (k) out(",") ;
    out(doms.s[x->off] ? doms.s + x->off : "(none)") ;
    num(":", x->n) ;
  }
  if (rest) num(",others:", rest) ;
  out("\n") ;
  genalloc_free(domn, &d) ;
}

void queue_list (char const *qdir, uint64_t now)
{
  stralloc sa = STRALLOC_ZERO ;
  genalloc offs = GENALLOC_ZERO ;  /* size_t */
  queue_names(qdir, "/mess", &sa, &offs) ;
  queue_names(qdir, "/todo", &sa, &offs) ;
  names_s = sa.s ;
  qsort(genalloc_s(size_t, &offs), genalloc_len(size_t, &offs), sizeof(size_t), &cmp) ;
  for (size_t i = 0 ; i < genalloc_len(size_t, &offs) ; i++)
  {
    char const *id = sa.s + genalloc_s(size_t, &offs)[i] ;
    one(qdir, id, id + strlen(id) + 1, now) ;
  }
  summary() ;
  if (!buffer_flush(buffer_1)) strerr_diefusys(111, "write to stdout") ;
  genalloc_free(size_t, &offs) ;
  stralloc_free(&sa) ;
}
