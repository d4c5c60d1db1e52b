/* tern_conf_open: map CONFDIR/config.cdb; tern_conf_refresh moves to a
   newer file when "tern conf compile" renamed one over it. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <skalibs/cdb.h>
#include "tern.h"
#include "tern_conf.h"

/* Map path into *c, dev and ino; 1, or 0 with errno. */
static int load (char const *path, cdb *c, dev_t *dev, ino_t *ino)
{
  struct stat st ;
  cdb_data d ;
  int r, fd = open(path, O_RDONLY | O_CLOEXEC) ;
  if (fd < 0) return 0 ;
  if (fstat(fd, &st) < 0 || !cdb_init_fromfd(c, fd))
  {
    int e = errno ;
    close(fd) ;
    errno = e ;
    return 0 ;
  }
  close(fd) ;
  *dev = st.st_dev ;
  *ino = st.st_ino ;
  r = cdb_find(c, &d, "v", 1) ;
  if (r == 1 && d.len == 1 && d.s[0] == '1') return 1 ;
  cdb_free(c) ;
  errno = EPROTO ;
  return 0 ;
}

int tern_conf_open (tern_conf *c, char const *confdir)
{
  c->path.len = 0 ;
  if (!stralloc_cats(&c->path, confdir) || !stralloc_cats(&c->path, "/config.cdb") || !stralloc_0(&c->path)) return 0 ;
  return load(c->path.s, &c->c, &c->dev, &c->ino) ;
}

int tern_conf_refresh (tern_conf *c)
{
  struct stat st ;
  cdb n = CDB_ZERO ;
  dev_t dev ;
  ino_t ino ;
  if (stat(c->path.s, &st) < 0) return 0 ;
  if (st.st_dev == c->dev && st.st_ino == c->ino) return 1 ;
  if (!load(c->path.s, &n, &dev, &ino)) return 0 ;
  cdb_free(&c->c) ;
  c->c = n ;
  c->dev = dev ;
  c->ino = ino ;
  return 1 ;
}

void tern_conf_close (tern_conf *c)
{
  cdb_free(&c->c) ;
  stralloc_free(&c->path) ;
  c->dev = 0 ;
  c->ino = 0 ;
}
