/* tern-verify-queue: DATADIR/queue (tern-queue.5): every message file is
   named by an id, has an envelope and, when sealed, is whole; every state
   file parses and belongs to a message; no stray or stale file, no
   unrecovered message in pool/ or tmp/; -fix moves strays aside and
   recovers messages, only when no tern-queue-run holds the queue's lock. */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <sys/file.h>
#include <unistd.h>
#include <sys/stat.h>
#include <skalibs/djbunix.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include "tern.h"
#include "tern_queue.h"
#include "tern-verify.h"

static stralloc q = STRALLOC_ZERO ;      /* DATADIR/queue, NUL-terminated */
static stralloc p = STRALLOC_ZERO ;      /* a file's path */
static stralloc moves = STRALLOC_ZERO ;  /* -fix: paths to move aside */
static stralloc recov = STRALLOC_ZERO ;  /* -fix: paths of whole files to recover */
static int running ;                     /* a runner holds the lock */

static char const *path (char const *sub, char const *name)
{
  p.len = 0 ;
  if (!stralloc_catb(&p, q.s, q.len - 1) || !stralloc_catb(&p, "/", 1) || !stralloc_cats(&p, sub)
   || (name && (!stralloc_catb(&p, "/", 1) || !stralloc_cats(&p, name))) || !stralloc_0(&p))
    strerr_diefu1sys(111, "make a path") ;
  return p.s ;
}

#define KEEP 0
#define MOVE 1
#define RECOVER 2

static void problem (char const *sub, char const *name, char const *what, int fix)
{
  char const *full = path(sub, name) ;
  v_problem3("queue", v_rel(full) + 6, what) ;
  if (fix && V.fix && !V.again && !stralloc_catb(fix == MOVE ? &moves : &recov, full, strlen(full) + 1))
    strerr_diefu1sys(111, "remember a file to repair") ;
}

static int runner (void)
{
  struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0 } ;
  int fd = open(path("lock", 0), O_RDONLY | O_CLOEXEC), r ;
  if (fd < 0) return 0 ;
  r = fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK ;
  close(fd) ;
  return r ;
}

static int old (char const *full, time_t age)
{
  struct stat st ;
  return !lstat(full, &st) && st.st_mtime + age < time(0) ;
}

/* a file of pool/ or tmp/: -1 gone, empty, not regular, or held by a live
   writer (its flock); else 1 whole (id and st filled) or 0 */
static int whole (char const *full, char *id, struct stat *st)
{
  int r = tern_qleft_check(AT_FDCWD, full, LOCK_SH, 0, st, id) ;
  if (r < 0) v_warn("read ", full, errno) ;
  return r == TERN_QREC_WHOLE ? 1 : r == TERN_QREC_TORN ? 0 : -1 ;
}

/* a sealed message file (format 3 or 2) that is not whole: damaged */
static int damaged (int fd, char const *full)
{
  char head[sizeof TERN_QSEAL_MAGIC - 1] ;
  char id[TERN_QUEUE_IDMAX] ;
  struct stat st ;
  int r ;
  if (pread(fd, head, sizeof head, 0) != (ssize_t)sizeof head || !tern_qseal_is(head, sizeof head)) return 0 ;
  if (fstat(fd, &st) < 0) { v_warn("read ", full, errno) ; return 0 ; }
  r = tern_qseal_check(fd, (uint64_t)st.st_size, id) ;
  if (r < 0) v_warn("read ", full, errno) ;
  return !r ;
}

static void message (char const *sub, char const *id)
{
  tern_qenv e = TERN_QENV_ZERO ;
  tern_qstate st = TERN_QSTATE_ZERO ;
  int fd = open(path(sub, id), O_RDONLY | O_CLOEXEC), r ;
  if (fd < 0) { if (errno != ENOENT) v_warn("read ", p.s, errno) ; return ; }  /* gone: delivered */
  if (damaged(fd, p.s))
  {
    close(fd) ;
    V.queued++ ;
    problem(sub, id, "damaged: sealed, but its size or sum is not the seal's", KEEP) ;
    return ;
  }
  r = tern_qenv_read(&e, fd) ;
  close(fd) ;
  if (r == TERN_PERM) problem(sub, id, "no envelope", MOVE) ;
  else if (r) v_warn("read ", path(sub, id), errno) ;
  else
  {
    V.queued++ ;
    r = tern_qstate_read(&st, path("state", id), e.nrcpt) ;
    if (r == TERN_PERM) problem("state", id, "bad state file, or not one line per recipient", MOVE) ;
    else if (r) v_warn("read ", path("state", id), errno) ;
    tern_qstate_free(&st) ;
  }
  tern_qenv_free(&e) ;
  v_progress(0) ;
}

/* each entry of QDIR/sub to f */
static void walk (char const *sub, void (*f)(char const *, char const *))
{
  DIR *d = opendir(path(sub, 0)) ;
  if (!d) { if (errno != ENOENT) v_warn("read ", p.s, errno) ; return ; }
  for (;;)
  {
    struct dirent *de ;
    errno = 0 ;
    de = readdir(d) ;
    if (!de) { if (errno) v_warn("read ", path(sub, 0), errno) ; break ; }
    if (de->d_name[0] == '.' && (!de->d_name[1] || (de->d_name[1] == '.' && !de->d_name[2]))) continue ;
    (*f)(sub, de->d_name) ;
  }
  closedir(d) ;
}

static void msgfile (char const *sub, char const *name)
{
  if (!tern_queue_idvalid(name)) problem(sub, name, "not a message id", MOVE) ;
  else message(sub, name) ;
}

static void statefile (char const *sub, char const *name)
{
  if (tern_file_replacing(name)) return ;
  if (strstr(name, ".tmp.")) { problem(sub, name, "leftover of an interrupted replace", MOVE) ; return ; }
  if (!tern_queue_idvalid(name)) { problem(sub, name, "unknown file", MOVE) ; return ; }
  /* the runner removes mess/ID, then state/ID: a runner's orphan is fleeting */
  if (running || access(path("todo", name), F_OK) == 0 || access(path("mess", name), F_OK) == 0) return ;
  if (access(path(sub, name), F_OK) == 0) problem(sub, name, "state file without a message", MOVE) ;
}

/* what = a b c, cut to fit */
static char const *cat3 (char *what, size_t cap, char const *a, char const *b, char const *c)
{
  size_t n = 0 ;
  for (char const *const *t = (char const *const []){ a, b, c, 0 } ; *t ; t++)
    for (char const *x = *t ; *x && n + 1 < cap ; x++) what[n++] = *x ;
  what[n] = 0 ;
  return what ;
}

/* a whole, unlocked file of pool/ or tmp/: acknowledged, left by a crash;
   or a second name of a queued message; or its id is another's (kept) */
static int unrecovered (char const *sub, char const *name, int w, char const *id, struct stat const *st)
{
  static char const *const second[2] = { "a second name of todo/", "a second name of mess/" } ;
  static char const *const clash[2] = { "whole, but todo/", "whole, but mess/" } ;
  char what[TERN_QUEUE_IDMAX + 80] ;
  struct stat o ;
  if (w != 1) return 0 ;
  for (int i = 0 ; i < 2 ; i++)
  {
    if (lstat(path(i ? "mess" : "todo", id), &o) < 0) continue ;
    if (o.st_ino == st->st_ino && o.st_dev == st->st_dev) problem(sub, name, cat3(what, sizeof what, second[i], id, ""), RECOVER) ;
    else problem(sub, name, cat3(what, sizeof what, clash[i], id, " is another file with its id (compare them)"), KEEP) ;
    return 1 ;
  }
  problem(sub, name, cat3(what, sizeof what, "unrecovered message ", id, " (whole, not yet in todo/)"), RECOVER) ;
  return 1 ;
}

static void tmpfile (char const *sub, char const *name)
{
  char id[TERN_QUEUE_IDMAX] = "" ;
  struct stat st ;
  if (unrecovered(sub, name, whole(path(sub, name), id, &st), id, &st)) return ;
  if (old(path(sub, name), TERN_QUEUE_TMPAGE)) problem(sub, name, "stale file older than 36 hours", MOVE) ;
}

/* pool/: empty files (the pool), pool/n.* of a batch being made */
static void poolfile (char const *sub, char const *name)
{
  char id[TERN_QUEUE_IDMAX] = "" ;
  struct stat st ;
  int w ;
  if (name[0] == 'n' && name[1] == '.')
  {
    if (old(path(sub, name), TERN_QUEUE_NEWAGE)) problem(sub, name, "batch file older than an hour", MOVE) ;
    return ;
  }
  w = whole(path(sub, name), id, &st) ;
  if (!unrecovered(sub, name, w, id, &st) && !w) problem(sub, name, "torn file (not whole, never acknowledged)", MOVE) ;
}

static void topfile (char const *sub, char const *name)
{
  static char const *const known[] = { "version", "trigger", "lock", "control", "dirsync", "fssync", "pool", "tmp", "todo", "mess", "state" } ;
  (void)sub ;
  if (tern_file_replacing(name)) return ;
  for (size_t i = 0 ; i < sizeof known / sizeof *known ; i++) if (!strcmp(name, known[i])) return ;
  problem(name, 0, "unknown file", MOVE) ;
}

static void version (void)
{
  char buf[16] ;
  ssize_t n = openreadnclose(path("version", 0), buf, sizeof buf) ;
  if (n < 0) { if (errno != ENOENT) v_warn("read ", p.s, errno) ; return ; }
  if (n != 2 || buf[1] != '\n' || buf[0] < '1' || buf[0] > '0' + TERN_QUEUE_VERSION)
    problem("version", 0, "unknown queue layout version", KEEP) ;
}

static void checkall (void)
{
  running = runner() ;
  version() ;
  walk(".", &topfile) ;
  walk("pool", &poolfile) ;
  walk("tmp", &tmpfile) ;
  walk("todo", &msgfile) ;
  walk("mess", &msgfile) ;
  walk("state", &statefile) ;
}

/* as tern-queue-run at its start: under the file's flock, taken without
   waiting (a writer holds it: left for the check after) */
static void recover (char const *full)
{
  char id[TERN_QUEUE_IDMAX] = "" ;
  char what[TERN_QUEUE_IDMAX + 48] ;
  struct stat st ;
  int fd = -1, r = tern_qleft_check(AT_FDCWD, full, LOCK_EX, &fd, &st, id) ;
  if (r == TERN_QREC_WHOLE) r = tern_qfile_place(q.s, full, &st, id) ;
  if (r < 0) v_warn("recover ", full, errno) ;
  else if (r == TERN_QREC_DONE) v_fixed("queue", v_rel(full) + 6, cat3(what, sizeof what, "recovered to todo/", id, "")) ;
  else if (r == TERN_QREC_DUP) v_fixed("queue", v_rel(full) + 6, "unlinked: a second name of a message in todo/ or mess/") ;
  if (fd >= 0) close(fd) ;
}

static void fix (void)
{
  int fd = tern_queue_lock(q.s) ;
  if (fd < 0)
  {
    strerr_warnw1x("queue not fixed: tern-queue-run is running") ;
    V.again = 1 ;
    checkall() ;
    V.again = 0 ;
    return ;
  }
  for (size_t i = 0 ; i < moves.len ; i += strlen(moves.s + i) + 1)
  {
    char const *m = moves.s + i ;
    if (access(m, F_OK) < 0) continue ;
    if (v_move(m)) v_fixed("queue", v_rel(m) + 6, "moved to moved/") ;
    else v_warn("move aside ", m, errno) ;
  }
  for (size_t i = 0 ; i < recov.len ; i += strlen(recov.s + i) + 1) recover(recov.s + i) ;
  close(fd) ;
  V.again = 1 ;
  V.queued = 0 ;
  checkall() ;
  V.again = 0 ;
}

void v_queue (void)
{
  struct stat st ;
  if (!stralloc_catb(&q, V.datadir, V.dlen) || !stralloc_cats(&q, "/queue") || !stralloc_0(&q))
    strerr_diefu1sys(111, "make a path") ;
  if (stat(q.s, &st) < 0)
  {
    if (errno != ENOENT) v_warn("read ", q.s, errno) ;
    return ;
  }
  {
    unsigned int before = V.found ;
    checkall() ;
    if (!V.fix || V.found == before) return ;
    if ((moves.len || recov.len) && !running) fix() ;
    else
    {
      if (moves.len || recov.len) strerr_warnw1x("queue not fixed: tern-queue-run is running") ;
      V.left += V.found - before ;
    }
  }
}
