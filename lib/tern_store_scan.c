/* tern_store_scan: walk a mailbox's cur/ or tmp/ (check and repair only:
   delivery and IMAP never scan). */
#include <errno.h>
#include <dirent.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include "tern.h"
#include "tern_store.h"

#define TMPAGE (36 * 3600)

/* a UID file name: decimal, no leading zero, 1..2^32-1; else 0 */
uint32_t tern_store_uidscan (char const *s)
{
  uint64_t x = 0 ;
  size_t i = 0 ;
  if (s[0] < '1' || s[0] > '9') return 0 ;
  for (; s[i] ; i++)
  {
    if (s[i] < '0' || s[i] > '9' || i >= 10) return 0 ;
    x = x * 10 + (uint64_t)(s[i] - '0') ;
  }
  return x > 0xffffffffu ? 0 : (uint32_t)x ;
}

static int walk (tern_mbox *m, char const *sub, int (*each)(tern_mbox *, stralloc *, char const *, void *), void *data)
{
  stralloc p = STRALLOC_ZERO ;
  DIR *d ;
  int r = TERN_OK ;
  if (!tern_mbox_path(&p, m, sub, 0)) return TERN_TEMP ;
  d = opendir(p.s) ;
  if (!d) { r = tern_errcode(errno) ; stralloc_free(&p) ; return r ; }
  for (;;)
  {
    struct dirent *de ;
    errno = 0 ;
    de = readdir(d) ;
    if (!de) { if (errno) r = tern_errcode(errno) ; break ; }
    if (de->d_name[0] == '.' && (!de->d_name[1] || (de->d_name[1] == '.' && !de->d_name[2]))) continue ;
    r = (*each)(m, &p, de->d_name, data) ;
    if (r) break ;
  }
  closedir(d) ;
  stralloc_free(&p) ;
  return r ;
}

struct cb { tern_store_scan_func *f ; void *data ; int dryrun ; time_t now ; } ;

static int curone (tern_mbox *m, stralloc *p, char const *name, void *data)
{
  struct cb *c = data ;
  (void)m ; (void)p ;
  return (*c->f)(c->data, name, tern_store_uidscan(name)) ;
}

int tern_mbox_curscan (tern_mbox *m, tern_store_scan_func *f, void *data)
{
  struct cb c = { f, data, 0, 0 } ;
  return walk(m, "cur", &curone, &c) ;
}

static int tmpone (tern_mbox *m, stralloc *p, char const *name, void *data)
{
  struct cb *c = data ;
  struct stat st ;
  size_t len = p->len ;
  int r = TERN_OK ;
  (void)m ;
  p->len-- ;  /* drop the NUL */
  if (!stralloc_catb(p, "/", 1) || !stralloc_cats(p, name) || !stralloc_0(p)) return TERN_TEMP ;
  if (!lstat(p->s, &st) && st.st_mtime + TMPAGE < c->now)
  {
    if (c->f) r = (*c->f)(c->data, name, 0) ;
    if (!r && !c->dryrun && unlink(p->s) < 0 && errno != ENOENT) r = tern_errcode(errno) ;
  }
  p->len = len ;
  p->s[len - 1] = 0 ;
  return r ;
}

int tern_mbox_tmpclean (tern_mbox *m, int dryrun, tern_store_scan_func *f, void *data)
{
  struct cb c = { f, data, dryrun, time(0) } ;
  return walk(m, "tmp", &tmpone, &c) ;
}
