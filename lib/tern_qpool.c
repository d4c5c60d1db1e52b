/* tern_qpool: empty message files made ahead in QDIR/pool, durably named,
   so that a commit needs no sync of a directory (tern-queue.5, "The
   pool").  A batch is made as pool/n.UNIQUE, pool/ is synced once (shared
   through QDIR/dirsync), then each is renamed to pool/UNIQUE.  A process
   takes only the files of its own batches, whose names it keeps, so
   concurrent sessions never reach for the same file and never read the
   directory; a take renames one into tmp/.  Files a process left behind
   (it exited) are removed by the runner once an hour old; one of ours
   removed that way is skipped (ENOENT).  A process's first batch is of 2,
   each next one twice as large up to TERN_QPOOL_BATCH: one that takes a
   file or two (a submission session has a process of its own) leaves
   little behind, one that serves many makes a batch per 16 messages. */
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include "tern.h"
#include "tern_queue.h"
#include "tern_dirsync.h"

static stralloc names = STRALLOC_ZERO ;  /* our batch: NUL-terminated, one after the other */
static size_t next = 0 ;                 /* the next name to take */
static unsigned int size = 2 ;           /* of our next batch: 2, doubling to TERN_QPOOL_BATCH */

int tern_qpool_fill (char const *qdir)
{
  stralloc made = STRALLOC_ZERO, p = STRALLOC_ZERO, q = STRALLOC_ZERO ;
  unsigned int n = 0 ;
  size_t pos ;
  int ok = 0, e ;
  for (; n < size ; n++)
  {
    size_t start = made.len ;
    int fd ;
    if (!stralloc_cats(&made, "n.") || !tern_uniqname(&made) || !stralloc_0(&made)) goto end ;
    if (!tern_qpath(&p, qdir, "/pool/", made.s + start, made.len - start - 1)) goto end ;
    /* 0640: the runner reads what an SMTP session wrote through the group */
    fd = open(p.s, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640) ;
    if (fd < 0) { made.len = start ; break ; }
    close(fd) ;
  }
  if (!n) goto end ;
  /* the batch's names and inodes on disk before any is taken: an empty
     file has no data of its own to sync */
  if (!tern_qpath(&p, qdir, "/dirsync", "", 0) || !tern_qpath(&q, qdir, "/pool", "", 0) || !tern_dirsync(p.s, q.s, 0)) goto end ;
  names.len = next = 0 ;
  for (pos = 0 ; pos < made.len ; pos += strlen(made.s + pos) + 1)
  {
    char const *name = made.s + pos ;
    if (!tern_qpath(&p, qdir, "/pool/", name, strlen(name)) || !tern_qpath(&q, qdir, "/pool/", name + 2, strlen(name + 2))
     || rename(p.s, q.s) < 0 || !stralloc_catb(&names, name + 2, strlen(name + 2) + 1)) goto end ;
  }
  if (size < TERN_QPOOL_BATCH) size *= 2 ;
  ok = 1 ;
 end:
  e = errno ;
  if (!ok)  /* what was not renamed is of no use: nobody takes n.*; what
               was is in names, or removed by the runner once old */
    for (pos = 0 ; pos < made.len ; pos += strlen(made.s + pos) + 1)
      if (tern_qpath(&p, qdir, "/pool/", made.s + pos, strlen(made.s + pos))) unlink(p.s) ;
  stralloc_free(&made) ; stralloc_free(&p) ; stralloc_free(&q) ;
  errno = e ;
  return ok ;
}

/* the file just renamed to tmp (its path in tmp->s + base): open and
   locked, st its fstat, or -1; a file that is not empty was left by a
   crash: recovered (or, torn, removed), and -2 to take another */
static int own (char const *qdir, stralloc *tmp, size_t base, struct stat *st)
{
  char id[TERN_QUEUE_IDMAX] ;
  int fd = open(tmp->s + base, O_RDWR | O_CLOEXEC), r ;
  if (fd < 0) return -1 ;
  if (flock(fd, LOCK_EX) < 0 || fstat(fd, st) < 0) goto err ;
  if (!st->st_size) return fd ;
  r = tern_qfile_recover(qdir, tmp->s + base, fd, id) ;
  if (r == TERN_QREC_TORN) unlink(tmp->s + base) ;
  if (r < 0) goto err ;
  close(fd) ;
  return -2 ;
 err:
  {
    int e = errno ;
    close(fd) ;
    errno = e ;
    return -1 ;
  }
}

int tern_qpool_take (char const *qdir, stralloc *tmp, struct stat *st)
{
  stralloc from = STRALLOC_ZERO ;
  size_t base = tmp->len ;
  int fills = 0, inits = 0, fd = -1, e ;
  for (;;)
  {
    char const *name ;
    size_t n ;
    if (next >= names.len)
    {
      /* a batch of our own; twice at most (the runner may remove old
         names, a crash may have left files to recover) */
      if (fills++ == 2) { errno = EAGAIN ; break ; }
      if (!tern_qpool_fill(qdir))
      {
        if (errno != ENOENT || inits++ || !tern_queue_init(qdir)) break ;
        fills-- ;
        continue ;
      }
    }
    name = names.s + next ;
    n = strlen(name) ;
    next += n + 1 ;
    tmp->len = base ;
    if (!tern_qpath(&from, qdir, "/pool/", name, n) || !stralloc_cats(tmp, qdir) || !stralloc_cats(tmp, "/tmp/")
     || !stralloc_catb(tmp, name, n) || !stralloc_0(tmp)) break ;
    if (rename(from.s, tmp->s + base) < 0)
    {
      if (errno == ENOENT) continue ;  /* removed as old by the runner */
      break ;
    }
    fd = own(qdir, tmp, base, st) ;
    if (fd != -2) break ;
  }
  e = errno ;
  if (fd < 0) { fd = -1 ; tmp->len = base ; }
  stralloc_free(&from) ;
  errno = e ;
  return fd ;
}
