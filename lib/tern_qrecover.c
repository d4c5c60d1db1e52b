/* tern_qfile_recover: a file of pool/ or tmp/ that a crash left whole
   (tern-queue.5, "Recovery") goes into todo/ under the id of its seal
   (tern_qfile_place).  The caller holds its flock, so no live writer is
   in it. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "tern.h"
#include "tern_queue.h"

int tern_qfile_place (char const *qdir, char const *path, struct stat const *st, char const *id)
{
  static char const *const subs[2] = { "/todo/", "/mess/" } ;
  stralloc p = STRALLOC_ZERO ;
  struct stat o ;
  size_t n = strlen(id) ;
  int r = -1, e ;
  for (unsigned int i = 0 ; i < 2 ; i++)
  {
    if (!tern_qpath(&p, qdir, subs[i], id, n)) goto end ;
    if (stat(p.s, &o) == 0)
    {
      /* a second link of the same message (a rename half done on a file
         system without a journal): drop this name; another file with its
         id: never guess, leave both */
      if (o.st_dev != st->st_dev || o.st_ino != st->st_ino) { r = TERN_QREC_CLASH ; goto end ; }
      r = unlink(path) < 0 ? -1 : TERN_QREC_DUP ;
      goto end ;
    }
    if (errno != ENOENT) goto end ;
  }
  /* no sync: after another crash it is in either place, both found again */
  if (!tern_qpath(&p, qdir, "/todo/", id, n) || rename(path, p.s) < 0) goto end ;
  r = TERN_QREC_DONE ;
 end:
  e = errno ;
  stralloc_free(&p) ;
  errno = e ;
  return r ;
}

int tern_qfile_recover (char const *qdir, char const *path, int fd, char *id)
{
  struct stat st ;
  int r ;
  if (fstat(fd, &st) < 0) return -1 ;
  if (!st.st_size) return TERN_QREC_EMPTY ;
  r = tern_qseal_check(fd, (uint64_t)st.st_size, id) ;
  if (r <= 0) return r < 0 ? -1 : TERN_QREC_TORN ;
  return tern_qfile_place(qdir, path, &st, id) ;
}
