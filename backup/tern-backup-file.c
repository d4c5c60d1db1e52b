/* tern-backup-file: copies between datadir and destdir by relative paths:
   a file hard-linked (never rewritten) or copied with its mode and mtime,
   a whole tree as it is (damaged or unknown parts), small files. */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "tern.h"
#include "tern-backup.h"

int bk_isname (char const *name, char const *const *names)
{
  for (; *names ; names++) if (!strcmp(name, *names)) return 1 ;
  return 0 ;
}

int bk_mkdir (char const *rel, unsigned int mode)
{
  if (mkdirat(B.dst, rel, mode) == 0 || errno == EEXIST) return 1 ;
  return 0 ;
}

static int copyfd (int in, int out)
{
  char buf[65536] ;
  for (;;)
  {
    ssize_t r = read(in, buf, sizeof buf), w = 0 ;
    if (r < 0) { if (errno == EINTR) continue ; return 0 ; }
    if (!r) return 1 ;
    while (w < r)
    {
      ssize_t k = write(out, buf + w, (size_t)(r - w)) ;
      if (k < 0) { if (errno == EINTR) continue ; return 0 ; }
      w += k ;
    }
  }
}

/* to: the destination's name in dfd; dreldir: its directory relative to
   destdir, for a message file of an account: one with more than one link
   is copied once, then linked within the backup (IMAP COPY's links kept) */
static int copy (int sfd, int dfd, char const *name, char const *to, char const *dreldir)
{
  struct stat st ;
  struct timespec ts[2] ;
  int in = openat(sfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC), out, ok ;
  if (in < 0) return 0 ;
  if (fstat(in, &st) < 0) { int e = errno ; close(in) ; errno = e ; return 0 ; }
  if (dreldir && st.st_nlink > 1)
  {
    char const *had = bk_links_find(st.st_dev, st.st_ino) ;
    if (had && linkat(B.dst, had, dfd, to, 0) == 0) { close(in) ; return 1 ; }
  }
  out = openat(dfd, to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, st.st_mode & 07777) ;
  if (out < 0) { int e = errno ; close(in) ; errno = e ; return 0 ; }
  ok = copyfd(in, out) ;
  ts[0] = st.st_atim ; ts[1] = st.st_mtim ;
  if (ok && futimens(out, ts) < 0) ok = 0 ;
  {
    int e = errno ;
    close(in) ;
    if (close(out) < 0 && ok) { ok = 0 ; e = errno ; }
    errno = e ;
  }
  if (ok && dreldir && st.st_nlink > 1)
  {
    stralloc p = STRALLOC_ZERO ;
    if (stralloc_cats(&p, dreldir) && stralloc_catb(&p, "/", 1) && stralloc_cats(&p, name) && stralloc_0(&p))
      bk_links_add(st.st_dev, st.st_ino, p.s) ;
    stralloc_free(&p) ;
  }
  return ok ;
}

static int file (int sfd, int dfd, char const *name, char const *to, int how, char const *dreldir)
{
  if ((how & BK_LINK) && B.linkok)
  {
    if (linkat(sfd, name, dfd, to, 0) == 0) return 1 ;
    if (errno == EXDEV) B.linkok = 0 ;
    else if (errno != EMLINK && errno != EPERM) return 0 ;
  }
  return copy(sfd, dfd, name, to, dreldir) ;
}

/* ENOENT: the source is gone; EEXIST: the backup has it already */
int bk_file (int sfd, int dfd, char const *name, int how)
{
  return file(sfd, dfd, name, name, how, 0) ;
}

int bk_fileas (int sfd, char const *name, int dfd, char const *to, int how)
{
  return file(sfd, dfd, name, to, how, 0) ;
}

int bk_msg (int sfd, int dfd, char const *name, char const *dreldir)
{
  return file(sfd, dfd, name, name, BK_LINK, dreldir) ;
}

int bk_put (char const *rel, char const *s, size_t len, unsigned int mode)
{
  int fd = openat(B.dst, rel, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode) ;
  size_t w = 0 ;
  if (fd < 0) return 0 ;
  while (w < len)
  {
    ssize_t k = write(fd, s + w, len - w) ;
    if (k < 0) { if (errno == EINTR) continue ; { int e = errno ; close(fd) ; errno = e ; } return 0 ; }
    w += (size_t)k ;
  }
  return close(fd) == 0 ;
}

int bk_slurp (stralloc *sa, int dirfd, char const *name)
{
  int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC) ;
  sa->len = 0 ;
  if (fd < 0) return 0 ;
  for (;;)
  {
    ssize_t r ;
    if (!stralloc_readyplus(sa, 65536)) { close(fd) ; return 0 ; }
    r = read(fd, sa->s + sa->len, 65536) ;
    if (r < 0) { if (errno == EINTR) continue ; { int e = errno ; close(fd) ; errno = e ; } return 0 ; }
    if (!r) break ;
    sa->len += (size_t)r ;
  }
  close(fd) ;
  return 1 ;
}

/* a file whose parent directory is cur/, todo/ or mess/ is a message */
static int ismessage (char const *rel)
{
  char const *slash = strrchr(rel, '/') ;
  size_t n ;
  if (!slash) return 0 ;
  n = (size_t)(slash - rel) ;
  if (n >= 4 && !memcmp(slash - 4, "/cur", 4)) return 1 ;
  if (n >= 5 && (!memcmp(slash - 5, "/todo", 5) || !memcmp(slash - 5, "/mess", 5))) return 1 ;
  return 0 ;
}

static void treedir (stralloc *p, int how)
{
  size_t base = p->len ;
  int fd = openat(B.src, p->s, O_RDONLY | O_DIRECTORY | O_CLOEXEC) ;
  DIR *d = fd < 0 ? 0 : fdopendir(fd) ;
  if (!d) { if (fd >= 0) close(fd) ; bk_err(p->s, "read the directory", errno) ; return ; }
  for (;;)
  {
    struct dirent *de ;
    errno = 0 ;
    de = readdir(d) ;
    if (!de) { if (errno) bk_err(p->s, "read the directory", errno) ; break ; }
    if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue ;
    p->len = base - 1 ;
    if (!stralloc_catb(p, "/", 1) || !stralloc_cats(p, de->d_name) || !stralloc_0(p))
    { bk_err(p->s, "copy", errno) ; break ; }
    bk_tree(p->s, how) ;
  }
  closedir(d) ;
  p->len = base ;
}

void bk_tree (char const *rel, int how)
{
  stralloc p = STRALLOC_ZERO ;
  struct stat st ;
  int ok = 1 ;
  if (fstatat(B.src, rel, &st, AT_SYMLINK_NOFOLLOW) < 0)
  {
    if (errno != ENOENT) bk_err(rel, "copy", errno) ;
    return ;
  }
  if (S_ISDIR(st.st_mode))
  {
    if (how & BK_WARN) bk_warn(rel, "unknown directory, copied") ;
    if (!bk_mkdir(rel, (st.st_mode & 07777) | 0700)) { bk_err(rel, "create the directory", errno) ; return ; }
    if (!stralloc_cats(&p, rel) || !stralloc_0(&p)) { bk_err(rel, "copy", errno) ; return ; }
    treedir(&p, how & ~BK_WARN) ;
    stralloc_free(&p) ;
    return ;
  }
  if (S_ISREG(st.st_mode))
  {
    ok = bk_file(B.src, B.dst, rel, ((how & BK_LINK) && ismessage(rel)) ? BK_LINK : 0) ;
    if (ok) B.bytes += (uint64_t)st.st_size ;
  }
  else if (S_ISFIFO(st.st_mode)) ok = mkfifoat(B.dst, rel, st.st_mode & 07777) == 0 ;
  else if (S_ISLNK(st.st_mode))
  {
    char buf[4096] ;
    ssize_t n = readlinkat(B.src, rel, buf, sizeof buf - 1) ;
    ok = n >= 0 && (buf[n] = 0, symlinkat(buf, B.dst, rel) == 0) ;
  }
  else { bk_warn(rel, "not a file, directory, FIFO or symbolic link: not copied") ; return ; }
  if (!ok) { if (errno != ENOENT) bk_err(rel, "copy", errno) ; return ; }
  if (how & BK_WARN) bk_warn(rel, "unknown file, copied") ;
}
