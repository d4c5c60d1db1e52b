/* tern-queue-inject-write: the message file of tern-queue-inject: tmp/
   file, envelope, stdin streamed with bounded memory, fsync, one rename into
   todo/ (the commit, tern-queue.5), fsync of todo/, a byte to the trigger. */
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/strerr.h>
#include "tern.h"
#include "tern-queue-inject.h"

static stralloc tmp = STRALLOC_ZERO ;

static void die (int code, char const *what, char const *path)
{
  int e = errno ;
  if (tmp.len) unlink(tmp.s) ;
  errno = e ;
  strerr_diefusys(code, what, path) ;
}

static int opentmp (char const *qdir)
{
  for (int tries = 0 ;; tries++)
  {
    int fd ;
    tmp.len = 0 ;
    if (!stralloc_cats(&tmp, qdir) || !stralloc_cats(&tmp, "/tmp/") || !tern_uniqname(&tmp) || !stralloc_0(&tmp))
      strerr_diefusys(111, "allocate") ;
    fd = open(tmp.s, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600) ;
    if (fd >= 0) return fd ;
    if (errno != ENOENT || tries) { tmp.len = 0 ; strerr_diefusys(111, "create a file in ", qdir, "/tmp") ; }
    if (!tern_queue_init(qdir)) { tmp.len = 0 ; strerr_diefusys(111, "create the queue in ", qdir) ; }
  }
}

/* stdin after the envelope in buf[0..n); returns the message size */
static uint64_t stream (int fd, char *buf, size_t cap, size_t n, uint64_t max)
{
  uint64_t size = 0 ;
  int big = 0 ;
  for (;;)
  {
    ssize_t r = read(0, buf + n, cap - n) ;
    if (r < 0) { if (errno == EINTR) continue ; die(111, "read the message", "") ; }
    if (r > 0) size += (uint64_t)r ;
    if (size > max && !big)
    {
      big = 1 ;
      close(fd) ; unlink(tmp.s) ; tmp.len = 0 ;
    }
    if (big) { n = 0 ; if (!r) break ; continue ; }
    n += (size_t)r ;
    if ((n == cap || !r) && n)
    {
      if (allwrite(fd, buf, n) < n) die(111, "write ", tmp.s) ;
      n = 0 ;
    }
    if (!r) break ;
  }
  if (big) strerr_dief(100, "message larger than max-message-size") ;
  return size ;
}

static void trigger (char const *qdir)
{
  stralloc p = STRALLOC_ZERO ;
  int fd ;
  if (!stralloc_cats(&p, qdir) || !stralloc_cats(&p, "/trigger") || !stralloc_0(&p)) return ;
  fd = open(p.s, O_WRONLY | O_NONBLOCK | O_CLOEXEC) ;
  if (fd >= 0)
  {
    if (write(fd, "", 1) < 0) {}  /* ENXIO, EAGAIN: the runner will look anyway */
    close(fd) ;
  }
  stralloc_free(&p) ;
}

/* With -y: the caller's "Y" on yfd, after the whole message, is the only
   go-ahead; a caller that died or gave up closes yfd without it. */
static void confirm (int yfd)
{
  char c = 0 ;
  ssize_t r ;
  while ((r = read(yfd, &c, 1)) < 0 && errno == EINTR) ;
  if (r == 1 && c == 'Y') return ;
  if (tmp.len) unlink(tmp.s) ;
  tmp.len = 0 ;
  strerr_dief(100, "message not confirmed by the caller: nothing queued") ;
}

void inject_write (char const *qdir, tern_qenv *env, uint64_t max, char *id, uint64_t *size, int yfd)
{
  static char buf[65536] ;
  stralloc hdr = STRALLOC_ZERO, todo = STRALLOC_ZERO ;
  struct stat st ;
  int fd = opentmp(qdir) ;
  size_t n = 0 ;
  if (fstat(fd, &st) < 0) die(111, "stat ", tmp.s) ;
  env->time = (uint64_t)time(0) ;
  tern_queue_idfmt(id, env->time, (uint64_t)st.st_ino) ;
  if (!tern_qenv_fmt(&hdr, env)) die(111, "allocate", "") ;
  if (hdr.len < sizeof buf) { memcpy(buf, hdr.s, hdr.len) ; n = hdr.len ; }
  else if (allwrite(fd, hdr.s, hdr.len) < hdr.len) die(111, "write ", tmp.s) ;
  stralloc_free(&hdr) ;
  *size = stream(fd, buf, sizeof buf, n, max) ;
  if (yfd >= 0) confirm(yfd) ;
  if (fsync(fd) < 0) die(111, "fsync ", tmp.s) ;
  if (close(fd) < 0) die(111, "close ", tmp.s) ;
  if (!stralloc_cats(&todo, qdir) || !stralloc_cats(&todo, "/todo/") || !stralloc_cats(&todo, id) || !stralloc_0(&todo))
    die(111, "allocate", "") ;
  if (rename(tmp.s, todo.s) < 0) die(111, "rename to ", todo.s) ;
  tmp.len = 0 ;
  /* the rename is the commit; it counts once todo/ is on disk */
  if (!tern_fsync_dir(todo.s, 0)) strerr_diefusys(111, "fsync the directory of ", todo.s) ;
  stralloc_free(&todo) ;
  trigger(qdir) ;
}
