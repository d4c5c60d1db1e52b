/* tern_qfile_recover: a file of pool/ or tmp/ that a crash left whole
   (tern-queue.5, "Recovery") goes into todo/ under the id of its seal.
   The caller holds its flock, so no live writer is in it. */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/stat.h>
#include "tern.h"
#include "tern_queue.h"

static int at (stralloc *p, char const *qdir, char const *sub, char const *id)
{
  p->len = 0 ;
  return stralloc_cats(p, qdir) && stralloc_cats(p, sub) && stralloc_cats(p, id) && stralloc_0(p) ;
}

int tern_qfile_recover (char const *qdir, char const *path, int fd, char *id)
{
  static char const *const subs[2] = { "/todo/", "/mess/" } ;
  stralloc p = STRALLOC_ZERO ;
  struct stat st, o ;
  int r = -1, e ;
  if (fstat(fd, &st) < 0) return -1 ;
  if (!st.st_size) return TERN_QREC_EMPTY ;
  r = tern_qseal_check(fd, (uint64_t)st.st_size, id) ;
  if (r <= 0) return r < 0 ? -1 : TERN_QREC_TORN ;
  r = -1 ;
  for (unsigned int i = 0 ; i < 2 ; i++)
  {
    if (!at(&p, qdir, subs[i], id)) goto end ;
    if (stat(p.s, &o) == 0)
    {
      /* a second link of the same message (a rename half done on a file
         system without a journal): drop this name; another file with its
         id: never guess, leave both */
      if (o.st_dev != st.st_dev || o.st_ino != st.st_ino) { r = TERN_QREC_CLASH ; goto end ; }
      r = unlink(path) < 0 ? -1 : TERN_QREC_DUP ;
      goto end ;
    }
    if (errno != ENOENT) goto end ;
  }
  /* no sync: after another crash it is in either place, both found again */
  if (!at(&p, qdir, "/todo/", id) || rename(path, p.s) < 0) goto end ;
  r = TERN_QREC_DONE ;
 end:
  e = errno ;
  stralloc_free(&p) ;
  errno = e ;
  return r ;
}
