/* tern-fixperms-walk: apply or check owners and modes, one open file at a
   time (fchown, fchmod on a descriptor opened with O_NOFOLLOW), walking a
   tree without following symbolic links; one log line per change. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include <skalibs/djbunix.h>
#include "tern.h"
#include "tern-fixperms.h"

#define MAXDEPTH 32
#define OFLAGS (O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)

static void ids (char *s, uid_t u, gid_t g)
{
  size_t n = uint_fmt(s, u) ;
  s[n++] = ':' ;
  s[n + uint_fmt(s + n, g)] = 0 ;
}

static void octal (char *s, unsigned int m)
{
  for (int i = 0 ; i < 4 ; i++) s[i] = '0' + ((m >> (9 - 3 * i)) & 7) ;
  s[4] = 0 ;
}

/* no-fix-permissions: warn when the owner differs or a needed bit is off */
static void check (struct stat const *st, char const *path, want const *w)
{
  unsigned int m = st->st_mode & 07777 ;
  char have[2 * UINT_FMT + 2], need[2 * UINT_FMT + 2], hm[6], nm[6] ;
  if (st->st_uid == w->uid && st->st_gid == w->gid && (m & w->mode) == w->mode) return ;
  ids(have, st->st_uid, st->st_gid) ; ids(need, w->uid, w->gid) ;
  octal(hm, m) ; octal(nm, w->mode) ;
  strerr_warnw9x(path, ": is ", have, " ", hm, ", tern needs ", need, " ", nm) ;
  nchange++ ;
}

void fix_fd (int fd, struct stat const *st0, char const *path, want const *w)
{
  struct stat st = *st0 ;
  char a[2 * UINT_FMT + 2], b[2 * UINT_FMT + 2] ;
  if (nofix) { check(&st, path, w) ; return ; }
  if (st.st_uid != w->uid || st.st_gid != w->gid)
  {
    ids(a, st.st_uid, st.st_gid) ; ids(b, w->uid, w->gid) ;
    if (fchown(fd, w->uid, w->gid) < 0) { strerr_warnwu2sys("chown ", path) ; nfail++ ; }
    else { strerr_warni6x("chown ", path, " ", a, " -> ", b) ; nchange++ ; }
    if (fstat(fd, &st) < 0) st.st_mode = ~0u ;  /* chown may clear set-id bits */
  }
  if ((st.st_mode & 07777) != w->mode)
  {
    octal(a, st.st_mode & 07777) ; octal(b, w->mode) ;
    if (fchmod(fd, w->mode) < 0) { strerr_warnwu2sys("chmod ", path) ; nfail++ ; }
    else { strerr_warni6x("chmod ", path, " ", a, " -> ", b) ; nchange++ ; }
  }
}

/* A file the configuration names gets its own rule wherever it is. */
static int isspecial (struct stat const *st, want *w)
{
  for (unsigned int i = 0 ; i < nspecials ; i++)
    if (specials[i].dev == st->st_dev && specials[i].ino == st->st_ino)
    {
      *w = specials[i].w ;
      specials[i].done = 1 ;
      return 1 ;
    }
  return 0 ;
}

static void walk (int fd, stralloc *path, size_t toplen, unsigned int depth, rulefn *rule) ;

/* One entry of a directory (dirfd), name appended to path. */
static void entry (int dirfd, char const *name, stralloc *path, size_t toplen, unsigned int depth, rulefn *rule)
{
  struct stat st ;
  want w ;
  int fd = openat(dirfd, name, OFLAGS) ;
  if (fd < 0)
  {
    /* a symbolic link (never followed), a socket: left alone */
    if (errno == ELOOP || errno == ENXIO) return ;
    strerr_warnwu2sys("open ", path->s) ; nfail++ ;
    return ;
  }
  if (fstat(fd, &st) < 0) { strerr_warnwu2sys("stat ", path->s) ; nfail++ ; fd_close(fd) ; return ; }
  for (unsigned int i = 0 ; i < 2 ; i++)
    if (S_ISDIR(st.st_mode) && st.st_dev == topdev[i] && st.st_ino == topino[i]) { fd_close(fd) ; return ; }
  if (!isspecial(&st, &w)) rule(path->s + toplen, depth, S_ISDIR(st.st_mode), &w) ;
  if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode)) { fd_close(fd) ; return ; }
  if (S_ISREG(st.st_mode) && st.st_nlink > 1 && !st.st_uid && w.uid)
  {
    /* a hard link to a file of root's: maybe not ours to give away */
    strerr_warnw2x(path->s, ": a root-owned file with more than one link: left alone") ;
    nfail++ ;
    fd_close(fd) ;
    return ;
  }
  fix_fd(fd, &st, path->s, &w) ;
  if (S_ISDIR(st.st_mode)) walk(fd, path, toplen, depth + 1, rule) ;
  else fd_close(fd) ;
}

/* Walk the open directory fd (closed here), named path. */
static void walk (int fd, stralloc *path, size_t toplen, unsigned int depth, rulefn *rule)
{
  size_t base = path->len ;
  DIR *d ;
  if (depth > MAXDEPTH) { strerr_warnw2x(path->s, ": too deep: left alone") ; nfail++ ; fd_close(fd) ; return ; }
  d = fdopendir(fd) ;
  if (!d) { strerr_warnwu2sys("read ", path->s) ; nfail++ ; fd_close(fd) ; return ; }
  for (;;)
  {
    struct dirent *e ;
    errno = 0 ;
    e = readdir(d) ;
    if (!e) break ;
    if (e->d_name[0] == '.' && (!e->d_name[1] || (e->d_name[1] == '.' && !e->d_name[2]))) continue ;
    path->len = base - 1 ;
    if (!stralloc_catb(path, "/", 1) || !stralloc_cats(path, e->d_name) || !stralloc_0(path)) strerr_diefusys(111, "allocate") ;
    entry(dirfd(d), e->d_name, path, toplen, depth, rule) ;
  }
  if (errno) { path->len = base ; path->s[base - 1] = 0 ; strerr_warnwu2sys("read ", path->s) ; nfail++ ; }
  path->len = base ;
  path->s[base - 1] = 0 ;
  closedir(d) ;
}

int fix_tree (char const *top, rulefn *rule)
{
  stralloc path = STRALLOC_ZERO ;
  struct stat st ;
  want w ;
  int fd = open(top, O_RDONLY | O_DIRECTORY | O_NONBLOCK | O_CLOEXEC) ;  /* the top may be a link */
  if (fd < 0) return 0 ;
  if (fstat(fd, &st) < 0) { fd_close(fd) ; return 0 ; }
  if (!stralloc_cats(&path, top) || !stralloc_0(&path)) strerr_diefusys(111, "allocate") ;
  if (!isspecial(&st, &w)) rule("", 0, 1, &w) ;
  fix_fd(fd, &st, top, &w) ;
  walk(fd, &path, path.len, 1, rule) ;
  stralloc_free(&path) ;
  return 1 ;
}

void fix_path (char const *path, want const *w)
{
  struct stat st ;
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC) ;
  if (fd < 0) { strerr_warnwu2sys("open ", path) ; nfail++ ; return ; }
  if (fstat(fd, &st) < 0) strerr_warnwu2sys("stat ", path), nfail++ ;
  else if (S_ISREG(st.st_mode)) fix_fd(fd, &st, path, w) ;
  else strerr_warnw2x(path, ": not a regular file: left alone"), nfail++ ;
  fd_close(fd) ;
}
