/* tern-queue: look at and steer the queue.
   usage: tern-queue [ -c confdir ] list|kick|hold|release|drop ...
   stdout (list): per message "ID AGE SIZE <sender> [new] [hold] [transport=T]",
   then "  <rcpt> STATE attempts=N [next=DELAY] [error=...]" per recipient;
   (kick) "kicked ID" per message.
   exit: 0 done, 100 usage or no such message, 111 temporary.  See tern-queue(8). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>
#include <sys/stat.h>
#include <skalibs/types.h>
#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>
#include <skalibs/buffer.h>
#include <skalibs/direntry.h>
#include "tern.h"
#include "tern_conf.h"
#include "tern_log.h"
#include "tern_queue.h"
#include "tern-queue.h"

#define USAGE "tern-queue [ -c confdir ] list | kick [ -transport name ] [ -id id ] [ -from addr ] [ -to addr ] | hold id | release id | drop id"

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

static void rcpts (tern_qenv const *e, tern_qstate const *st, uint64_t now)
{
  char const *r = e->rcpts.s ;
  for (unsigned int i = 0 ; i < e->nrcpt ; i++, r += strlen(r) + 1)
  {
    tern_qrcpt const *q = tern_qstate_rcpt(st, i) ;
    stralloc v = STRALLOC_ZERO ;
    char n[UINT_FMT] ;
    n[uint_fmt(n, q->attempts)] = 0 ;
    out("  <") ; out(r) ; out("> ") ; out(tern_qrcpt_names[q->state >= TERN_QRCPT_NSTATES ? 0 : q->state]) ; out(" attempts=") ; out(n) ;
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
  out(" <") ; out(e.from.s) ; out(">") ;
  if (!strcmp(sub, "/todo")) out(" new") ;
  if (st.hold) out(" hold") ;
  if (st.transport[0]) { out(" transport=") ; out(st.transport) ; }
  out("\n") ;
  rcpts(&e, &st, now) ;
 end:
  tern_qenv_free(&e) ;
  tern_qstate_free(&st) ;
  stralloc_free(&p) ;
}

int main (int argc, char const *const *argv)
{
  tern_conf c = TERN_CONF_ZERO ;
  stralloc qdir = STRALLOC_ZERO, sa = STRALLOC_ZERO ;
  genalloc offs = GENALLOC_ZERO ;
  subgetopt l = SUBGETOPT_ZERO ;
  char const *confdir = 0 ;
  uint64_t now = (uint64_t)time(0) ;
  PROG = "tern-queue" ;
  for (int opt ; (opt = subgetopt_r(argc, argv, "hc:", &l)) != -1 ;)
    switch (opt)
    {
      case 'h' : buffer_putsflush(buffer_1, "usage: " USAGE "\n") ; return 0 ;
      case 'c' : confdir = l.arg ; break ;
      default : strerr_dieusage(100, USAGE) ;
    }
  argc -= l.ind ; argv += l.ind ;
  if (argc < 1 || (!strcmp(argv[0], "list") && argc != 1)) strerr_dieusage(100, USAGE) ;
  confdir = tern_confdir(confdir) ;
  if (!tern_conf_open(&c, confdir)) strerr_diefusys(111, "open the configuration in ", confdir) ;
  if (tern_conf_global(&c, "datadir", &qdir) != 1 || !stralloc_cats(&qdir, "/queue") || !stralloc_0(&qdir))
    strerr_diefusys(111, "read datadir in ", confdir) ;
  if (strcmp(argv[0], "list"))
  {
    queue_ctl(qdir.s, &c, argc, argv) ;
    tern_conf_close(&c) ;
    stralloc_free(&qdir) ;
    return 0 ;
  }
  tern_conf_close(&c) ;
  queue_names(qdir.s, "/mess", &sa, &offs) ;
  queue_names(qdir.s, "/todo", &sa, &offs) ;
  names_s = sa.s ;
  qsort(genalloc_s(size_t, &offs), genalloc_len(size_t, &offs), sizeof(size_t), &cmp) ;
  for (size_t i = 0 ; i < genalloc_len(size_t, &offs) ; i++)
  {
    char const *id = sa.s + genalloc_s(size_t, &offs)[i] ;
    one(qdir.s, id, id + strlen(id) + 1, now) ;
  }
  if (!buffer_flush(buffer_1)) strerr_diefusys(111, "write to stdout") ;
  genalloc_free(size_t, &offs) ;
  stralloc_free(&sa) ;
  stralloc_free(&qdir) ;
  return 0 ;
}
