/* tern_store_scan: walk a mailbox's cur/ or tmp/ (check and repair), and
   the cleaning of tmp/ that delivery and IMAP's SELECT start at most once
   every 8 hours per mailbox (tern_mbox_tmpdue, tern-store(5)). */
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include "tern.h"
#include "tern_store.h"

#define TMPAGE (36 * 3600)
#define TMPSCAN (8 * 3600)  /* tmp/ is scanned at most this often */

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

/* a process's memory of the mailboxes whose tmp/ it looked at within the
   last hour (a hash of the path: a collision only puts a look off) */
#define SEENSLOTS 16
static struct { uint64_t h ; time_t at ; } seen[SEENSLOTS] ;

static uint64_t pathhash (char const *s, size_t len)
{
  uint64_t h = 1469598103934665603ull ;
  for (size_t i = 0 ; i < len ; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ull ;
  return h | 1 ;
}

int tern_mbox_tmpdue (tern_mbox *m)
{
  struct stat st ;
  stralloc p = STRALLOC_ZERO ;
  struct timespec ts[2] = { { .tv_sec = 0, .tv_nsec = UTIME_NOW }, { .tv_sec = 0, .tv_nsec = UTIME_OMIT } } ;
  time_t now = time(0) ;
  uint64_t h = pathhash(m->dir.s, m->dir.len) ;
  unsigned int k = (unsigned int)(h % SEENSLOTS) ;
  int r = TERN_OK ;
  if (seen[k].h == h && seen[k].at <= now && now < seen[k].at + 3600) return TERN_OK ;
  seen[k].h = h ;
  seen[k].at = now ;
  if (!tern_mbox_path(&p, m, "tmp", 0)) return TERN_TEMP ;
  if (stat(p.s, &st) < 0) r = tern_errcode(errno) ;
  /* due: the last scan (tmp/'s atime) 8 hours old, or in the future (the
     clock went back) */
  else if (st.st_atime + TMPSCAN <= now || st.st_atime > now + 3600)
  {
    /* the mark first: a concurrent opener sees the scan done */
    if (utimensat(AT_FDCWD, p.s, ts, 0) < 0) r = tern_errcode(errno) ;
    else r = tern_mbox_tmpclean(m, 0, 0, 0) ;
  }
  stralloc_free(&p) ;
  return r ;
}
