/* tern_conftext_write: the records as a cdb, written to PATH.tmp.PID,
   fsynced and renamed over PATH: readers see the old or the new file. */
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <skalibs/types.h>
#include <skalibs/cdbmake.h>
#include "tern.h"
#include "tern_conftext.h"

static int fill (tern_conftext const *t, int fd)
{
  cdbmaker m = CDBMAKER_ZERO ;
  size_t i = 0 ;
  if (!cdbmake_start(&m, fd)) return 0 ;
  if (!cdbmake_add(&m, "v", 1, "1", 1)) goto err ;
  while (i < t->recs.len)
  {
    char const *k = t->recs.s + i ;
    size_t kl = strlen(k) ;
    char const *v = k + kl + 1 ;
    size_t vl = strlen(v) ;
    if (!cdbmake_add(&m, k, kl, v, vl)) goto err ;
    i += kl + vl + 2 ;
  }
  return cdbmake_finish(&m) ;
 err:
  genalloc_free(diuint32, &m.hplist) ;
  return 0 ;
}

static int fillfd (int fd, void *aux)
{
  return fill(aux, fd) ;
}

int tern_conftext_write (tern_conftext const *t, char const *path)
{
  return tern_file_replacefn(path, 0644, &fillfd, (void *)t) ;
}
