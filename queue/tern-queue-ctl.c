/* tern-queue-ctl: kick, hold, release, drop (tern-queue.8).  With the
   runner's lock free, the state files are edited here; else one line per
   message goes to the runner's control FIFO and the state file is watched
   until it shows the change (tern-queue.5). */
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <skalibs/types.h>
#include <skalibs/strerr.h>
#include <skalibs/buffer.h>
#include "tern.h"
#include "tern_queue.h"
#include "tern-queue.h"

#define USAGE_KICK "tern-queue kick [ -transport name ] [ -id id ] [ -from addr|domain ] [ -to addr|domain ] [ -all ] [ id... ]"
#define USAGE_SEL "tern-queue hold|release|drop [ -id id ] [ -from addr|domain ] [ -to addr|domain ] [ -all ] [ id... ]"

typedef struct filter_s filter ;
struct filter_s { char const *transport, *id, *from, *to ; int all ; char const *const *ids ; int nids ; } ;

static char const *path (char const *qdir, char const *sub, char const *id, unsigned int slot)
{
  static stralloc p[2] = { STRALLOC_ZERO, STRALLOC_ZERO } ;
  p[slot].len = 0 ;
  if (!stralloc_cats(&p[slot], qdir) || !stralloc_cats(&p[slot], sub) || !stralloc_cats(&p[slot], id) || !stralloc_0(&p[slot]))
    strerr_diefusys(111, "allocate") ;
  return p[slot].s ;
}

/* address or domain pattern pat against address a */
static int addrmatch (char const *pat, char const *a)
{
  char const *at ;
  if (strchr(pat, '@')) return !strcasecmp(pat, a) ;
  at = strrchr(a, '@') ;
  return !strcasecmp(pat, at ? at + 1 : a) ;
}

static int envelope (char const *qdir, char const *id, tern_qenv *e)
{
  int fd = open(path(qdir, "/mess/", id, 0), O_RDONLY | O_CLOEXEC), r ;
  if (fd < 0) fd = open(path(qdir, "/todo/", id, 0), O_RDONLY | O_CLOEXEC) ;
  if (fd < 0) { if (errno == ENOENT) return 0 ; strerr_diefusys(111, "open ", path(qdir, "/mess/", id, 0)) ; }
  r = tern_qenv_read(e, fd) ;
  close(fd) ;
  if (r == TERN_TEMP) strerr_diefusys(111, "read ", id) ;
  return r == TERN_OK ;
}

static int selected (char const *qdir, char const *id, filter const *f)
{
  tern_qenv e = TERN_QENV_ZERO ;
  int ok = 1 ;
  if (f->id && strcmp(f->id, id)) return 0 ;
  if (!f->from && !f->to) return 1 ;
  if (!envelope(qdir, id, &e)) ok = 0 ;
  if (ok && f->from) ok = addrmatch(f->from, e.from.s) ;
  if (ok && f->to)
  {
    char const *r = e.rcpts.s ;
    unsigned int i = 0 ;
    for (; i < e.nrcpt ; i++, r += strlen(r) + 1) if (addrmatch(f->to, r)) break ;
    ok = i < e.nrcpt ;
  }
  tern_qenv_free(&e) ;
  return ok ;
}

/* the runner is not running: do it here.  0 if the message is gone. */
static int direct (char const *qdir, char const *cmd, char const *id, char const *transport)
{
  tern_qenv e = TERN_QENV_ZERO ;
  tern_qstate st = TERN_QSTATE_ZERO ;
  char const *sp = path(qdir, "/state/", id, 1) ;
  if (rename(path(qdir, "/todo/", id, 0), path(qdir, "/mess/", id, 1)) < 0 && errno != ENOENT)
    strerr_diefusys(111, "move ", id, " to mess/") ;
  sp = path(qdir, "/state/", id, 1) ;
  if (!envelope(qdir, id, &e)) return 0 ;
  if (!strcmp(cmd, "drop"))
  {
    if (unlink(path(qdir, "/mess/", id, 0)) < 0 && errno != ENOENT) strerr_diefusys(111, "remove ", id) ;
    unlink(sp) ;
    tern_qenv_free(&e) ;
    return 1 ;
  }
  if (tern_qstate_read(&st, sp, e.nrcpt) == TERN_TEMP) strerr_diefusys(111, "read ", sp) ;
  if (!strcmp(cmd, "hold")) st.hold = 1 ;
  else if (!strcmp(cmd, "release")) st.hold = 0 ;
  else
  {
    if (transport) memcpy(st.transport, transport, strlen(transport) + 1) ;
    for (size_t k = 0 ; k < tern_qstate_len(&st) ; k++)
      if (tern_qrcpt_pending(tern_qstate_rcpt(&st, k))) tern_qstate_rcpt(&st, k)->next = 0 ;
  }
  if (!tern_qstate_write(&st, sp)) strerr_diefusys(111, "write ", sp) ;
  tern_qstate_free(&st) ;
  tern_qenv_free(&e) ;
  return 1 ;
}

/* the runner applied it: 1 yes, 0 not yet */
static int applied (char const *qdir, char const *cmd, char const *id, char const *transport, uint64_t t0)
{
  tern_qenv e = TERN_QENV_ZERO ;
  tern_qstate st = TERN_QSTATE_ZERO ;
  struct stat s ;
  int ok = 1 ;
  if (!strcmp(cmd, "drop"))
    return stat(path(qdir, "/mess/", id, 0), &s) < 0 && stat(path(qdir, "/todo/", id, 0), &s) < 0 ;
  if (!envelope(qdir, id, &e)) return 1 ;  /* gone: delivered */
  if (stat(path(qdir, "/state/", id, 1), &s) < 0 || tern_qstate_read(&st, path(qdir, "/state/", id, 1), e.nrcpt)) ok = 0 ;
  else if (!strcmp(cmd, "hold")) ok = st.hold ;
  else if (!strcmp(cmd, "release")) ok = !st.hold ;
  else
  {
    if (transport && strcmp(st.transport, transport)) ok = 0 ;
    for (size_t k = 0 ; ok && k < tern_qstate_len(&st) ; k++)
    {
      tern_qrcpt const *r = tern_qstate_rcpt(&st, k) ;
      if (tern_qrcpt_pending(r) && r->next > t0 && r->last < t0) ok = 0 ;
    }
  }
  tern_qstate_free(&st) ;
  tern_qenv_free(&e) ;
  return ok ;
}

/* the control FIFO, opened once for all the lines: non-blocking for the
   open (no runner: ENXIO at once), blocking for the writes (a full pipe
   waits for the runner); a line is far below PIPE_BUF, so never split */
static int ctlopen (char const *qdir)
{
  int fd = open(path(qdir, "/control", "", 0), O_WRONLY | O_NONBLOCK | O_CLOEXEC), fl ;
  if (fd < 0) strerr_diefusys(111, "open ", path(qdir, "/control", "", 0)) ;
  fl = fcntl(fd, F_GETFL) ;
  if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) strerr_diefusys(111, "set up ", path(qdir, "/control", "", 0)) ;
  return fd ;
}

static void send (int fd, char const *qdir, char const *cmd, char const *id, char const *transport)
{
  stralloc l = STRALLOC_ZERO ;
  if (!stralloc_cats(&l, cmd) || !stralloc_catb(&l, " ", 1) || !stralloc_cats(&l, id)
   || (transport && (!stralloc_catb(&l, " ", 1) || !stralloc_cats(&l, transport))) || !stralloc_catb(&l, "\n", 1))
    strerr_diefusys(111, "allocate") ;
  if (write(fd, l.s, l.len) != (ssize_t)l.len) strerr_diefusys(111, "write to ", path(qdir, "/control", "", 0)) ;
  stralloc_free(&l) ;
}

/* the options of kick, hold, release and drop; the other arguments are ids */
static void args (int argc, char const *const *argv, int kick, filter *f)
{
  char const *usage = kick ? USAGE_KICK : USAGE_SEL ;
  int i = 1 ;
  for (; i < argc && argv[i][0] == '-' ; i++)
  {
    char const *o = argv[i], *v = argv[i + 1] ;
    if (!strcmp(o, "--")) { i++ ; break ; }
    if (!strcmp(o, "-all")) { f->all = 1 ; continue ; }
    if (i + 1 >= argc) strerr_dieusage(100, usage) ;
    if (kick && !strcmp(o, "-transport")) f->transport = v ;
    else if (!strcmp(o, "-id")) f->id = v ;
    else if (!strcmp(o, "-from")) f->from = v ;
    else if (!strcmp(o, "-to")) f->to = v ;
    else strerr_dieusage(100, usage) ;
    i++ ;
  }
  f->ids = argv + i ;
  f->nids = argc - i ;
  /* hold, release and drop act on every message only when told so */
  if (!kick && !f->nids && !f->id && !f->from && !f->to && !f->all) strerr_dieusage(100, usage) ;
  if (f->all && (f->nids || f->id || f->from || f->to)) strerr_dieusage(100, usage) ;
  if (f->id && !tern_queue_idvalid(f->id)) strerr_dief(100, "bad message id: ", f->id) ;
  for (int k = 0 ; k < f->nids ; k++)
    if (!tern_queue_idvalid(f->ids[k])) strerr_dief(100, "bad message id: ", f->ids[k]) ;
}

/* the named messages (each must be there) or all, through the filters */
static void ids (char const *qdir, filter const *f, stralloc *sa, genalloc *offs)
{
  stralloc all = STRALLOC_ZERO ;
  genalloc o = GENALLOC_ZERO ;
  if (f->nids)
    for (int k = 0 ; k < f->nids ; k++)
    {
      struct stat s ;
      size_t off = all.len ;
      if (stat(path(qdir, "/mess/", f->ids[k], 0), &s) < 0 && stat(path(qdir, "/todo/", f->ids[k], 0), &s) < 0)
        strerr_dief(100, "no such message: ", f->ids[k]) ;
      if (!stralloc_cats(&all, f->ids[k]) || !stralloc_0(&all) || !genalloc_append(size_t, &o, &off)) strerr_diefusys(111, "allocate") ;
    }
  else
  {
    queue_names(qdir, "/mess", &all, &o) ;
    queue_names(qdir, "/todo", &all, &o) ;
  }
  for (size_t i = 0 ; i < genalloc_len(size_t, &o) ; i++)
  {
    char const *id = all.s + genalloc_s(size_t, &o)[i] ;
    size_t off = sa->len ;
    if (!selected(qdir, id, f)) continue ;
    if (!stralloc_cats(sa, id) || !stralloc_0(sa) || !genalloc_append(size_t, offs, &off)) strerr_diefusys(111, "allocate") ;
  }
  genalloc_free(size_t, &o) ;
  stralloc_free(&all) ;
}

/* until the runner applied the command to every id: 10 s without progress at most */
static void await (char const *qdir, char const *cmd, char const *transport, stralloc const *sa, genalloc const *offs, uint64_t t0)
{
  unsigned int n = 0 ;
  for (size_t i = 0 ; i < genalloc_len(size_t, offs) ;)
  {
    char const *id = sa->s + genalloc_s(size_t, offs)[i] ;
    struct timespec ts = { .tv_sec = 0, .tv_nsec = 20000000 } ;
    if (applied(qdir, cmd, id, transport, t0)) { i++ ; n = 0 ; continue ; }
    if (++n > 500) strerr_dief(111, "tern-queue-run did not apply ", cmd, " ", id, " in 10 seconds") ;
    nanosleep(&ts, 0) ;
  }
}

void queue_ctl (char const *qdir, tern_conf const *c, int argc, char const *const *argv)
{
  static char const *const done[4][2] = { { "kick", "kicked " }, { "hold", "held " }, { "release", "released " }, { "drop", "dropped " } } ;
  filter f = { .transport = 0, .id = 0, .from = 0, .to = 0, .all = 0, .ids = 0, .nids = 0 } ;
  stralloc sa = STRALLOC_ZERO ;
  genalloc offs = GENALLOC_ZERO ;  /* size_t */
  char const *cmd = argv[0], *said = 0 ;
  uint64_t t0 = (uint64_t)time(0) ;
  int lock, fd = -1 ;
  for (unsigned int k = 0 ; k < 4 ; k++) if (!strcmp(cmd, done[k][0])) said = done[k][1] ;
  if (!said) strerr_dieusage(100, "tern-queue list | kick | hold | release | drop ...") ;
  args(argc, argv, said[0] == 'k', &f) ;
  if (f.transport)
  {
    size_t n = strlen(f.transport) ;
    char k[n + 3] ;
    cdb_data d ;
    int r ;
    memcpy(k, "t:", 2) ; memcpy(k + 2, f.transport, n + 1) ;
    r = n && n <= 64 && !strchr(f.transport, ' ') ? tern_conf_find(c, k, n + 2, &d) : 0 ;
    if (r < 0) strerr_diefusys(111, "read the configuration") ;
    if (!r) strerr_dief(100, "no such transport: ", f.transport) ;
  }
  ids(qdir, &f, &sa, &offs) ;
  lock = tern_queue_lock(qdir) ;
  if (lock < 0 && errno != EAGAIN) strerr_diefusys(111, "lock ", qdir, "/lock") ;
  if (lock < 0 && genalloc_len(size_t, &offs)) fd = ctlopen(qdir) ;
  for (size_t i = 0 ; i < genalloc_len(size_t, &offs) ; i++)
  {
    char const *id = sa.s + genalloc_s(size_t, &offs)[i] ;
    if (lock >= 0) { if (!direct(qdir, cmd, id, f.transport)) genalloc_s(size_t, &offs)[i] = (size_t)-1 ; }
    else send(fd, qdir, cmd, id, f.transport) ;
  }
  if (fd >= 0) close(fd) ;
  if (lock < 0) await(qdir, cmd, f.transport, &sa, &offs, t0) ;
  for (size_t i = 0 ; i < genalloc_len(size_t, &offs) ; i++)
    if (genalloc_s(size_t, &offs)[i] != (size_t)-1
     && (buffer_puts(buffer_1, said) < 0 || buffer_puts(buffer_1, sa.s + genalloc_s(size_t, &offs)[i]) < 0
     || buffer_put(buffer_1, "\n", 1) < 0)) strerr_diefusys(111, "write to stdout") ;
  if (!buffer_flush(buffer_1)) strerr_diefusys(111, "write to stdout") ;
  genalloc_free(size_t, &offs) ;
  stralloc_free(&sa) ;
}
