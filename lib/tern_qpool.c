/* tern_qpool: empty message files made ahead in QDIR/pool, durably named,
   so that a commit needs no sync of a directory (tern-queue.5, "The
   pool").  A batch is made as pool/n.UNIQUE, pool/ is synced once (shared
   through QDIR/dirsync), then each is renamed to pool/UNIQUE: only those
   names are taken.  A take renames one into tmp/: of concurrent takers one
   wins, the others get ENOENT.  The names read are kept for this
   process's next takes, starting at an offset of its own so that
   concurrent sessions seldom reach for the same file. */
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <skalibs/direntry.h>
#include <skalibs/djbunix.h>
#include "tern.h"
#include "tern_queue.h"
#include "tern_dirsync.h"

#define READMAX 64  /* names kept from one read of pool/ */

static stralloc names = STRALLOC_ZERO ;  /* NUL-terminated, one after the other */
static size_t next = 0 ;                 /* the next name to try */

static int path (stralloc *p, char const *qdir, char const *sub, char const *name, size_t n)
{
  p->len = 0 ;
  return stralloc_cats(p, qdir) && stralloc_cats(p, sub) && stralloc_catb(p, name, n) && stralloc_0(p) ;
}

/* names of pool/ (not "." nor "n." ones), at most READMAX, rotated by
   the pid; 0 with errno if pool/ cannot be read */
static int readpool (char const *qdir)
{
  stralloc p = STRALLOC_ZERO, got = STRALLOC_ZERO ;
  unsigned int count = 0, skip ;
  DIR *dir ;
  int ok = 0, e ;
  names.len = 0 ; next = 0 ;
  if (!path(&p, qdir, "/pool", "", 0)) return 0 ;
  dir = opendir(p.s) ;
  if (!dir) goto end ;
  for (;;)
  {
    direntry *d ;
    errno = 0 ;
    d = readdir(dir) ;
    if (!d) break ;
    if (d->d_name[0] == '.' || (d->d_name[0] == 'n' && d->d_name[1] == '.')) continue ;
    if (!stralloc_catb(&got, d->d_name, strlen(d->d_name) + 1)) break ;
    if (++count == READMAX) { errno = 0 ; break ; }
  }
  e = errno ;
  dir_close(dir) ;
  errno = e ;
  if (errno) goto end ;
  /* the same order for every reader: start each at its own place */
  skip = count ? (unsigned int)getpid() % count : 0 ;
  {
    size_t cut = 0 ;
    for (unsigned int i = 0 ; i < skip ; i++) cut += strlen(got.s + cut) + 1 ;
    if (!stralloc_catb(&names, got.s + cut, got.len - cut) || !stralloc_catb(&names, got.s, cut)) goto end ;
  }
  ok = 1 ;
 end:
  e = errno ;
  stralloc_free(&p) ; stralloc_free(&got) ;
  errno = e ;
  return ok ;
}

int tern_qpool_fill (char const *qdir)
{
  stralloc made = STRALLOC_ZERO, p = STRALLOC_ZERO, q = STRALLOC_ZERO ;
  unsigned int n = 0 ;
  size_t pos ;
  int ok = 0, e ;
  for (; n < TERN_QPOOL_BATCH ; n++)
  {
    size_t start = made.len ;
    int fd ;
    if (!stralloc_cats(&made, "n.") || !tern_uniqname(&made) || !stralloc_0(&made)) goto end ;
    if (!path(&p, qdir, "/pool/", made.s + start, made.len - start - 1)) goto end ;
    /* 0640: the runner reads what an SMTP session wrote through the group */
    fd = open(p.s, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640) ;
    if (fd < 0) { made.len = start ; break ; }
    close(fd) ;
  }
  if (!n) goto end ;
  /* the batch's names and inodes on disk before any is taken: an empty
     file has no data of its own to sync */
  if (!path(&p, qdir, "/dirsync", "", 0) || !path(&q, qdir, "/pool", "", 0) || !tern_dirsync(p.s, q.s, 0)) goto end ;
  for (pos = 0 ; pos < made.len ; pos += strlen(made.s + pos) + 1)
  {
    char const *name = made.s + pos ;
    if (!path(&p, qdir, "/pool/", name, strlen(name)) || !path(&q, qdir, "/pool/", name + 2, strlen(name + 2))
     || rename(p.s, q.s) < 0) goto end ;
  }
  ok = 1 ;
 end:
  e = errno ;
  if (!ok)  /* what was not renamed is of no use: nobody takes n.* */
    for (pos = 0 ; pos < made.len ; pos += strlen(made.s + pos) + 1)
      if (path(&p, qdir, "/pool/", made.s + pos, strlen(made.s + pos))) unlink(p.s) ;
  stralloc_free(&made) ; stralloc_free(&p) ; stralloc_free(&q) ;
  errno = e ;
  return ok ;
}

/* the file just renamed to tmp (its path in tmp->s + base): open and
   locked, or -1; a file that is not empty was left by a crash: recovered
   (or, torn, removed), and -2 to take another */
static int own (char const *qdir, stralloc *tmp, size_t base)
{
  char id[TERN_QUEUE_IDMAX] ;
  struct stat st ;
  int fd = open(tmp->s + base, O_RDWR | O_CLOEXEC), r ;
  if (fd < 0) return -1 ;
  if (flock(fd, LOCK_EX) < 0 || fstat(fd, &st) < 0) goto err ;
  if (!st.st_size) return fd ;
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

int tern_qpool_take (char const *qdir, stralloc *tmp)
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
      if (!readpool(qdir))
      {
        if (errno != ENOENT || inits++ || !tern_queue_init(qdir)) break ;
        continue ;
      }
      if (!names.len)
      {
        /* a second empty read after a batch of our own: others take
           faster than we make; one more batch, then give up */
        if (fills++ == 2) { errno = EAGAIN ; break ; }
        if (!tern_qpool_fill(qdir)) break ;
        continue ;
      }
    }
    name = names.s + next ;
    n = strlen(name) ;
    next += n + 1 ;
    tmp->len = base ;
    if (!path(&from, qdir, "/pool/", name, n) || !stralloc_cats(tmp, qdir) || !stralloc_cats(tmp, "/tmp/")
     || !stralloc_catb(tmp, name, n) || !stralloc_0(tmp)) break ;
    if (rename(from.s, tmp->s + base) < 0)
    {
      if (errno == ENOENT) continue ;  /* another took it */
      break ;
    }
    fd = own(qdir, tmp, base) ;
    /* made by another user (the pool was filled by root, say): of no use
       to us; removed if empty, else left in tmp/ for the runner */
    if (fd == -1 && (errno == EACCES || errno == EPERM))
    {
      struct stat st ;
      if (!stat(tmp->s + base, &st) && (st.st_size || !unlink(tmp->s + base))) continue ;
    }
    if (fd != -2) break ;
  }
  e = errno ;
  if (fd < 0) { fd = -1 ; tmp->len = base ; }
  stralloc_free(&from) ;
  errno = e ;
  return fd ;
}
