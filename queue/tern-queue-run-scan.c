/* tern-queue-run-scan: the queue's directories.  At start: tmp/ garbage
   older than 36 h, state files without a message, every message of mess/.
   Then, on each wake-up, only todo/: each new message moves to mess/. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>
#include <sys/stat.h>
#include <skalibs/direntry.h>
#include "tern.h"
#include "tern_log.h"
#include "tern-queue-run.h"

char const *qpath (unsigned int slot, char const *sub, char const *name)
{
  static stralloc p[3] = { STRALLOC_ZERO, STRALLOC_ZERO, STRALLOC_ZERO } ;
  stralloc *sa = p + slot ;
  sa->len = 0 ;
  if (!stralloc_catb(sa, qdir.s, qdir.len) || !stralloc_catb(sa, "/", 1) || !stralloc_cats(sa, sub)
   || (name && (!stralloc_catb(sa, "/", 1) || !stralloc_cats(sa, name))) || !stralloc_0(sa))
    return "/nonexistent/tern-queue-run-nomem" ;
  return sa->s ;
}

/* f(name) for each entry of QDIR/sub but . and .. ; 0 if unreadable */
static int each (char const *sub, void (*f)(char const *))
{
  DIR *dir = opendir(qpath(2, sub, 0)) ;
  if (!dir) return 0 ;
  for (;;)
  {
    direntry *d ;
    errno = 0 ;
    d = readdir(dir) ;
    if (!d) break ;
    if (d->d_name[0] == '.') continue ;
    (*f)(d->d_name) ;
  }
  dir_close(dir) ;
  return !errno ;
}

static void oldtmp (char const *name)
{
  struct stat st ;
  char const *p = qpath(0, "tmp", name) ;
  if (!stat(p, &st) && st.st_mtime + TERN_QUEUE_TMPAGE < time(0) && !unlink(p))
    tern_log_info("cleanup", "file", p, TERN_LOG_END) ;
}

static void orphan (char const *name)
{
  struct stat st ;
  if (tern_queue_idvalid(name)
   && (!stat(qpath(0, "mess", name), &st) || !stat(qpath(0, "todo", name), &st))) return ;
  /* no message, or a state.tmp.PID of a killed write */
  unlink(qpath(1, "state", name)) ;
}

static void old (char const *name)
{
  if (tern_queue_idvalid(name)) msg_load(name, 0) ;
}

void scan_start (void)
{
  if (!each("tmp", &oldtmp)) tern_log_warn("scan", "dir", qpath(2, "tmp", 0), "error", strerror(errno), TERN_LOG_END) ;
  if (!each("state", &orphan)) tern_log_warn("scan", "dir", qpath(2, "state", 0), "error", strerror(errno), TERN_LOG_END) ;
  if (!each("mess", &old)) tern_log_warn("scan", "dir", qpath(2, "mess", 0), "error", strerror(errno), TERN_LOG_END) ;
}

static void new (char const *name)
{
  if (!tern_queue_idvalid(name)) return ;
  /* no fsync: after a crash the message is in todo/ or mess/, both fine */
  if (rename(qpath(0, "todo", name), qpath(1, "mess", name)) < 0)
  {
    tern_log_warn("move", "id", name, "error", strerror(errno), TERN_LOG_END) ;
    return ;
  }
  msg_load(name, 1) ;
}

void scan_todo (void)
{
  if (!each("todo", &new)) tern_log_warn("scan", "dir", qpath(2, "todo", 0), "error", strerror(errno), TERN_LOG_END) ;
}
