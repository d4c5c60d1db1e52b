/* tern-verify-queue: DATADIR/queue (tern-queue.5): every message file is
   named by an id and has an envelope, every state file parses and belongs
   to a message, no stray or stale file; -fix moves strays aside, only when
   no tern-queue-run holds the queue's lock. */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
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
static int running ;                     /* a runner holds the lock */

static char const *path (char const *sub, char const *name)
{
  p.len = 0 ;
  if (!stralloc_catb(&p, q.s, q.len - 1) || !stralloc_catb(&p, "/", 1) || !stralloc_cats(&p, sub)
   || (name && (!stralloc_catb(&p, "/", 1) || !stralloc_cats(&p, name))) || !stralloc_0(&p))
    strerr_diefu1sys(111, "make a path") ;
  return p.s ;
}

static void problem (char const *sub, char const *name, char const *what, int move)
{
  char const *full = path(sub, name) ;
  v_problem3("queue", v_rel(full) + 6, what) ;
  if (move && V.fix && !V.again && !stralloc_catb(&moves, full, strlen(full) + 1))
    strerr_diefu1sys(111, "remember a file to move") ;
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

static int old (char const *full)
{
  struct stat st ;
  return !lstat(full, &st) && st.st_mtime + TERN_QUEUE_TMPAGE < time(0) ;
}

static void message (char const *sub, char const *id)
{
  tern_qenv e = TERN_QENV_ZERO ;
  tern_qstate st = TERN_QSTATE_ZERO ;
  int fd = open(path(sub, id), O_RDONLY | O_CLOEXEC), r ;
  if (fd < 0) { if (errno != ENOENT) v_warn("read ", p.s, errno) ; return ; }  /* gone: delivered */
  r = tern_qenv_read(&e, fd) ;
  close(fd) ;
  if (r == TERN_PERM) problem(sub, id, "no envelope", 1) ;
  else if (r) v_warn("read ", path(sub, id), errno) ;
  else
  {
    V.queued++ ;
    r = tern_qstate_read(&st, path("state", id), e.nrcpt) ;
    if (r == TERN_PERM) problem("state", id, "bad state file, or not one line per recipient", 1) ;
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
  if (!tern_queue_idvalid(name)) problem(sub, name, "not a message id", 1) ;
  else message(sub, name) ;
}

static void statefile (char const *sub, char const *name)
{
  if (tern_file_replacing(name)) return ;
  if (strstr(name, ".tmp.")) { problem(sub, name, "leftover of an interrupted replace", 1) ; return ; }
  if (!tern_queue_idvalid(name)) { problem(sub, name, "unknown file", 1) ; return ; }
  /* the runner removes mess/ID, then state/ID: a runner's orphan is fleeting */
  if (running || access(path("todo", name), F_OK) == 0 || access(path("mess", name), F_OK) == 0) return ;
  if (access(path(sub, name), F_OK) == 0) problem(sub, name, "state file without a message", 1) ;
}

static void tmpfile (char const *sub, char const *name)
{
  if (old(path(sub, name))) problem(sub, name, "stale file older than 36 hours", 1) ;
}

static void topfile (char const *sub, char const *name)
{
  static char const *const known[] = { "version", "trigger", "lock", "control", "dirsync", "fssync", "tmp", "todo", "mess", "state" } ;
  (void)sub ;
  if (tern_file_replacing(name)) return ;
  for (size_t i = 0 ; i < sizeof known / sizeof *known ; i++) if (!strcmp(name, known[i])) return ;
  problem(name, 0, "unknown file", 1) ;
}

static void version (void)
{
  char buf[16] ;
  ssize_t n = openreadnclose(path("version", 0), buf, sizeof buf) ;
  if (n < 0) { if (errno != ENOENT) v_warn("read ", p.s, errno) ; return ; }
  if (n != 2 || buf[1] != '\n' || buf[0] < '1' || buf[0] > '0' + TERN_QUEUE_VERSION)
    problem("version", 0, "unknown queue layout version", 0) ;
}

static void checkall (void)
{
  running = runner() ;
  version() ;
  walk(".", &topfile) ;
  walk("tmp", &tmpfile) ;
  walk("todo", &msgfile) ;
  walk("mess", &msgfile) ;
  walk("state", &statefile) ;
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
    if (moves.len && !running) fix() ;
    else
    {
      if (moves.len) strerr_warnw1x("queue not fixed: tern-queue-run is running") ;
      V.left += V.found - before ;
    }
  }
}
