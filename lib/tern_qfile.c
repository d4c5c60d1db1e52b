/* tern_qfile: write one message file into the queue (tern-queue.5,
   "Committing a message"): a file of pool/ taken into tmp/ (tern_qpool.c;
   tern-smtp-in) or tmp/UNIQUE made here (tern-queue-inject), locked, id
   from its inode, the unsealed first line and the envelope, the message
   through a caller's buffer, summed on the way (CRC-32); at the commit the seal,
   then from the pool one fdatasync and the rename into todo/ (its name was
   durable before), else fsync, rename and the fsync of todo/ shared with
   concurrent commits (tern_dirsync.h); TERN_SYNC=syncfs: no fsync, one
   syncfs shared with concurrent commits after the rename (tern_fssync.h);
   then a byte on the trigger. */
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <skalibs/allreadwrite.h>
#include "tern.h"
#include "tern_queue.h"
#include "tern_dirsync.h"
#include "tern_fssync.h"

static int fail (tern_qfile *q)
{
  int e = errno ;
  tern_qfile_abort(q) ;
  errno = e ;
  return TERN_TEMP ;
}

static int opentmp (tern_qfile *q, char const *qdir)
{
  for (int tries = 0 ;; tries++)
  {
    q->tmp.len = 0 ;
    if (!stralloc_cats(&q->tmp, qdir) || !stralloc_cats(&q->tmp, "/tmp/") || !tern_uniqname(&q->tmp)
     || !stralloc_0(&q->tmp)) return 0 ;
    /* 0640: the runner reads what an SMTP session wrote through the group */
    q->fd = open(q->tmp.s, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0640) ;
    if (q->fd >= 0) break ;
    if (errno != ENOENT || tries || !tern_queue_init(qdir)) return 0 ;
  }
  /* held until the commit: the runner's recovery leaves a locked file alone */
  if (flock(q->fd, LOCK_EX) < 0)
  {
    int e = errno ;
    close(q->fd) ; q->fd = -1 ;
    unlink(q->tmp.s) ;
    errno = e ;
    return 0 ;
  }
  return 1 ;
}

/* the envelope's bytes, or the message's: into buf (or straight to the
   file past its room), summed for the seal */
static int put (tern_qfile *q, char const *s, size_t n)
{
  q->sum = tern_qseal_sum(q->sum, s, n) ;
  q->sealed += n ;
  if (q->len + n > q->cap)
  {
    if (allwrite(q->fd, q->buf, q->len) < q->len) return 0 ;
    q->flushed += q->len ;
    q->len = 0 ;
  }
  if (n > q->cap)
  {
    if (allwrite(q->fd, s, n) < n) return 0 ;
    q->flushed += n ;
    return 1 ;
  }
  memcpy(q->buf + q->len, s, n) ;
  q->len += n ;
  return 1 ;
}

/* q->fd open and locked on q->tmp (st its fstat, or 0: made here): the
   id, the unsealed first line and the envelope */
static int start (tern_qfile *q, char const *qdir, tern_qenv *env, struct stat const *st)
{
  stralloc hdr = STRALLOC_ZERO ;
  struct stat own ;
  struct timespec now ;
  char line[TERN_QSEAL_MAX] ;
  if (!st)
  {
    if (fstat(q->fd, &own) < 0) return fail(q) ;
    st = &own ;
  }
  /* the clock after the inode exists: an inode is reused only after its
     file is gone, and no message lives less than a microsecond */
  if (clock_gettime(CLOCK_REALTIME, &now) < 0) return fail(q) ;
  q->fs = tern_fssync_on() ;
  if (q->fs)
  {
    /* the marks after the open, before any write (tern_fssync.h) */
    if (!stralloc_cats(&hdr, qdir) || !stralloc_cats(&hdr, "/fssync") || !stralloc_0(&hdr)) goto err ;
    tern_fssync_begin(hdr.s, q->fd, &q->sync) ;
    hdr.len = 0 ;
  }
  env->time = (uint64_t)now.tv_sec ;
  tern_queue_idfmt(q->id, env->time, (uint32_t)(now.tv_nsec / 1000), (uint64_t)st->st_ino) ;
  q->head = tern_qseal_unsealed(line, q->id) ;
  if (q->head > q->cap) { errno = EINVAL ; goto err ; }
  memcpy(q->buf, line, q->head) ;
  q->len = q->head ;
  q->sum = 0 ;
  if (!tern_qenv_fmtlines(&hdr, env) || !put(q, hdr.s, hdr.len)) goto err ;
  stralloc_free(&hdr) ;
  return TERN_OK ;
 err:
  {
    int e = errno ;
    stralloc_free(&hdr) ;
    errno = e ;
    return fail(q) ;
  }
}

static void zero (tern_qfile *q, char *buf, size_t cap, int pool)
{
  q->fd = -1 ; q->len = 0 ; q->size = 0 ; q->sealed = 0 ; q->flushed = 0 ; q->buf = buf ; q->cap = cap ;
  q->pool = pool ; q->head = 0 ;
}

int tern_qfile_open (tern_qfile *q, char const *qdir, tern_qenv *env, char *buf, size_t cap)
{
  zero(q, buf, cap, 0) ;
  if (!opentmp(q, qdir))
  {
    int e = errno ;
    q->tmp.len = 0 ;
    errno = e ;
    return TERN_TEMP ;
  }
  return start(q, qdir, env, 0) ;
}

int tern_qfile_take (tern_qfile *q, char const *qdir, tern_qenv *env, char *buf, size_t cap)
{
  struct stat st ;
  zero(q, buf, cap, 1) ;
  q->tmp.len = 0 ;
  q->fd = tern_qpool_take(qdir, &q->tmp, &st) ;
  if (q->fd < 0) return TERN_TEMP ;
  return start(q, qdir, env, &st) ;
}

int tern_qfile_write (tern_qfile *q, char const *s, size_t n)
{
  if (q->fd < 0) return (errno = EBADF, TERN_TEMP) ;
  q->size += n ;
  return put(q, s, n) ? TERN_OK : fail(q) ;
}

int tern_qfile_flush (tern_qfile *q)
{
  if (q->fd < 0) return (errno = EBADF, TERN_TEMP) ;
  if (q->len && allwrite(q->fd, q->buf, q->len) < q->len) return fail(q) ;
  q->flushed += q->len ;
  q->len = 0 ;
  return TERN_OK ;
}

static void trigger (char const *qdir, stralloc *p)
{
  int fd ;
  p->len = 0 ;
  if (!stralloc_cats(p, qdir) || !stralloc_cats(p, "/trigger") || !stralloc_0(p)) return ;
  fd = open(p->s, O_WRONLY | O_NONBLOCK | O_CLOEXEC) ;
  if (fd < 0) return ;
  if (write(fd, "", 1) < 0) {}  /* ENXIO, EAGAIN: the runner will look anyway */
  close(fd) ;
}

/* the file and its name in todo/ on disk: the file system synced, or a
   concurrent commit's sync shared (QDIR/fssync); or todo/ synced, or a
   concurrent commit's fsync of it shared (QDIR/dirsync) */
static int durable (tern_qfile *q, int fd, char const *qdir, stralloc *p)
{
  size_t n ;
  p->len = 0 ;
  if (q->fs) return stralloc_cats(p, qdir) && stralloc_cats(p, "/fssync") && stralloc_0(p) && tern_fssync_wait(p->s, fd, &q->sync, 0) ;
  if (!stralloc_cats(p, qdir) || !stralloc_cats(p, "/todo") || !stralloc_0(p)) return 0 ;
  n = p->len ;
  if (!stralloc_cats(p, qdir) || !stralloc_cats(p, "/dirsync") || !stralloc_0(p)) return 0 ;
  return tern_dirsync(p->s + n, p->s, 0) ;
}

int tern_qfile_commit (tern_qfile *q, char const *qdir)
{
  stralloc todo = STRALLOC_ZERO ;
  int fd = q->fd, ok, e ;
  char line[TERN_QSEAL_MAX] ;
  size_t n ;
  if (fd < 0) return (errno = EBADF, TERN_TEMP) ;
  /* the seal, last: in place in buf if the head is still there, else over
     the unsealed line already written (same length: same id) */
  n = tern_qseal_fmt(line, q->id, q->sealed, q->sum) ;
  if (!q->flushed) memcpy(q->buf, line, n) ;
  if (q->len && allwrite(fd, q->buf, q->len) < q->len) return fail(q) ;
  q->len = 0 ;
  if (q->flushed && pwrite(fd, line, n, 0) != (ssize_t)n) return fail(q) ;
  /* from the pool, the data's sync is the commit (its name was durable
     before it was taken: no directory to sync) */
  if (!q->fs && (q->pool ? fdatasync(fd) : fsync(fd)) < 0) return fail(q) ;
  if (!stralloc_cats(&todo, qdir) || !stralloc_cats(&todo, "/todo/") || !stralloc_cats(&todo, q->id)
   || !stralloc_0(&todo) || rename(q->tmp.s, todo.s) < 0)
  {
    stralloc_free(&todo) ;
    return fail(q) ;
  }
  q->tmp.len = 0 ;
  q->fd = -1 ;
  /* else the rename is the commit; it counts once file and name are on
     disk (the sync goes through fd, open since before the writes: it
     reports their writeback errors) */
  ok = q->pool && !q->fs ? 1 : durable(q, fd, qdir, &todo) ;
  e = errno ;
  if (close(fd) < 0 && ok) { ok = 0 ; e = errno ; }
  if (!ok) { stralloc_free(&todo) ; errno = e ; return TERN_TEMP ; }
  trigger(qdir, &todo) ;
  stralloc_free(&todo) ;
  stralloc_free(&q->tmp) ;
  return TERN_OK ;
}

void tern_qfile_abort (tern_qfile *q)
{
  if (q->fd >= 0) close(q->fd) ;
  q->fd = -1 ;
  if (q->tmp.len) unlink(q->tmp.s) ;
  stralloc_free(&q->tmp) ;
  q->len = 0 ;
}
