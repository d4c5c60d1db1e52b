/* tern-backup: a consistent copy of a running tern's data (tern-backup.8).
   usage: tern-backup [ -q ] [ -c confdir ] datadir destdir
   stderr: progress on a terminal, one line per warning or error.
   exit: 0 complete, 100 usage/destdir exists/not a data dir, 111 errors. */
#define _GNU_SOURCE  /* syncfs */
#include <errno.h>
#include <stdio.h>
#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>
#include <skalibs/buffer.h>
#include <skalibs/types.h>
#include "tern.h"
#include "tern-backup.h"

#define USAGE "tern-backup [ -q ] [ -c confdir ] datadir destdir"

bk B = { .src = -1, .dst = -1, .linkok = 1, .prefix = "" } ;
static int shown = 0 ;   /* a progress line is on the terminal */

static void unshow (void)
{
  if (shown) { buffer_puts(buffer_2, "\r\033[K") ; shown = 0 ; }
}

static void line (char const *kind, char const *rel, char const *what, char const *more)
{
  unshow() ;
  buffer_puts(buffer_2, "tern-backup: ") ;
  buffer_puts(buffer_2, kind) ;
  buffer_puts(buffer_2, B.prefix) ;
  buffer_puts(buffer_2, rel) ;
  buffer_puts(buffer_2, ": ") ;
  buffer_puts(buffer_2, what) ;
  if (more) { buffer_puts(buffer_2, ": ") ; buffer_puts(buffer_2, more) ; }
  buffer_putflush(buffer_2, "\n", 1) ;
}

void bk_warn (char const *rel, char const *what)
{
  B.warnings++ ;
  line("warning: ", rel, what, 0) ;
}

void bk_err (char const *rel, char const *what, int e)
{
  B.errors++ ;
  line("error: ", rel, what, e ? strerror(e) : 0) ;
}

void bk_storeerr (char const *rel, int e, char const *after)
{
  char const *p = tern_store_damage_path() ;
  size_t n = strlen(B.datadir) ;
  if (e != EUCLEAN) { bk_err(rel, after, e) ; return ; }
  if (!strncmp(p, B.datadir, n) && p[n] == '/') rel = p + n + 1 ;
  B.errors++ ;
  line("error: ", rel, tern_store_damage_what(), after) ;
}

static void show (void)
{
  char fmt[UINT64_FMT] ;
  buffer_puts(buffer_2, "\rtern-backup: ") ;
  buffer_put(buffer_2, fmt, uint64_fmt(fmt, B.accounts)) ;
  buffer_puts(buffer_2, " accounts, ") ;
  buffer_put(buffer_2, fmt, uint64_fmt(fmt, B.mailboxes)) ;
  buffer_puts(buffer_2, " mailboxes, ") ;
  buffer_put(buffer_2, fmt, uint64_fmt(fmt, B.messages)) ;
  buffer_puts(buffer_2, " messages, ") ;
  buffer_put(buffer_2, fmt, uint64_fmt(fmt, B.bytes >> 20)) ;
  buffer_puts(buffer_2, " MiB\033[K") ;
  buffer_flush(buffer_2) ;
  shown = 1 ;
}

/* at most 4 progress lines a second */
void bk_tick (void)
{
  static struct timespec last ;
  static unsigned int calls ;
  struct timespec now ;
  if (!B.progress || (++calls & 255)) return ;
  clock_gettime(CLOCK_MONOTONIC, &now) ;
  if ((now.tv_sec - last.tv_sec) * 1000 + (now.tv_nsec - last.tv_nsec) / 1000000 < 250) return ;
  last = now ;
  show() ;
}

/* test only (tern-backup.8, TERN_BACKUP_TESTFIFO): at a named point, write
   the point's name to the FIFO, then wait for a writer to open and close it */
void bk_pause (char const *point, char const *rel)
{
  static char const *fifo = 0 ;
  static int init = 0 ;
  char buf[256] ;
  int fd ;
  if (!init) { fifo = getenv("TERN_BACKUP_TESTFIFO") ; init = 1 ; }
  if (!fifo) return ;
  fd = open(fifo, O_WRONLY | O_CLOEXEC) ;
  if (fd < 0) return ;
  if (write(fd, point, strlen(point)) < 0 || write(fd, " ", 1) < 0
   || write(fd, rel, strlen(rel)) < 0 || write(fd, "\n", 1) < 0) { close(fd) ; return ; }
  close(fd) ;
  fd = open(fifo, O_RDONLY | O_CLOEXEC) ;
  if (fd < 0) return ;
  while (read(fd, buf, sizeof buf) > 0) ;
  close(fd) ;
}

static void listdir (char const *rel, void (*each) (char const *name, int isdir))
{
  DIR *d ;
  int fd = openat(B.src, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC) ;
  if (fd < 0 || !(d = fdopendir(fd)))
  {
    if (fd >= 0) close(fd) ;
    if (errno != ENOENT) bk_err(rel, "read the directory", errno) ;
    return ;
  }
  for (;;)
  {
    struct dirent *de ;
    struct stat st ;
    errno = 0 ;
    if (!(de = readdir(d))) { if (errno) bk_err(rel, "read the directory", errno) ; break ; }
    if (de->d_name[0] == '.' && (!de->d_name[1] || (de->d_name[1] == '.' && !de->d_name[2]))) continue ;
    (*each)(de->d_name, fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode)) ;
  }
  closedir(d) ;
}

static void account (char const *name, int isdir)
{
  if (isdir) { bk_account(name) ; bk_tick() ; return ; }
  {
    stralloc p = STRALLOC_ZERO ;
    if (stralloc_cats(&p, "accounts/") && stralloc_cats(&p, name) && stralloc_0(&p)) bk_tree(p.s, BK_WARN) ;
    stralloc_free(&p) ;
  }
}

static int haveconf = 0 ;

/* datadir's other entries: moved/ copied; authfail/ (failed login counts,
   transient) and version (of a restored backup) left; anything else copied
   with a warning */
static void top (char const *name, int isdir)
{
  static char const *const quiet[] = { "moved", 0 } ;
  (void)isdir ;
  static char const *const skip[] = { "accounts", "queue", "version", "authfail", 0 } ;
  if (bk_isname(name, skip)) return ;
  if (bk_isname(name, quiet)) { bk_tree(name, BK_LINK) ; return ; }
  if (!strcmp(name, "config") && haveconf) { bk_warn(name, "not copied: the backup's config/ is -c's") ; return ; }
  bk_tree(name, BK_LINK | BK_WARN) ;
}

static void confentry (char const *name, int isdir)
{
  (void)isdir ;
  if (strcmp(name, "lock")) bk_tree(name, 0) ;
}

/* confdir into destdir/config, under a shared lock on confdir/lock (the
   edits take it exclusive) */
static void conf (char const *confdir)
{
  int src = B.src, dst = B.dst, lfd ;
  B.prefix = "config/" ;
  if (!bk_mkdir("config", 0700)) { bk_err("", "create", errno) ; B.prefix = "" ; return ; }
  B.src = open(confdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) ;
  B.dst = openat(dst, "config", O_RDONLY | O_DIRECTORY | O_CLOEXEC) ;
  if (B.src < 0 || B.dst < 0) bk_err("", "open", errno) ;
  else
  {
    lfd = openat(B.src, "lock", O_RDONLY | O_CLOEXEC) ;
    if (lfd >= 0 && flock(lfd, LOCK_SH) < 0) bk_err("lock", "lock", errno) ;
    listdir(".", &confentry) ;
    if (lfd >= 0) close(lfd) ;
  }
  if (B.src >= 0) close(B.src) ;
  if (B.dst >= 0) close(B.dst) ;
  B.src = src ; B.dst = dst ; B.prefix = "" ;
}

/* destdir/version (written first as incomplete, replaced last) */
static int version (stralloc *sa, stralloc const *qv, uint64_t started, uint64_t finished, int done)
{
  char fmt[UINT64_FMT] ;
  sa->len = 0 ;
  if (!stralloc_cats(sa, "tern-backup 1\nstore ")
   || !stralloc_catb(sa, fmt, uint64_fmt(fmt, TERN_STORE_VERSION))
   || !stralloc_cats(sa, "\n")) return 0 ;
  if (qv->len && (!stralloc_cats(sa, "queue ") || !stralloc_catb(sa, qv->s, qv->len)
   || (qv->s[qv->len - 1] != '\n' && !stralloc_catb(sa, "\n", 1)))) return 0 ;
  if (!stralloc_cats(sa, "started ") || !stralloc_catb(sa, fmt, uint64_fmt(fmt, started))) return 0 ;
  if (done && (!stralloc_cats(sa, "\nfinished ") || !stralloc_catb(sa, fmt, uint64_fmt(fmt, finished))
   || !stralloc_cats(sa, "\nexpunged ") || !stralloc_catb(sa, fmt, uint64_fmt(fmt, B.vanished))
   || !stralloc_cats(sa, "\nadded ") || !stralloc_catb(sa, fmt, uint64_fmt(fmt, B.added))
   || !stralloc_cats(sa, "\nrounds ") || !stralloc_catb(sa, fmt, uint64_fmt(fmt, B.rounds))
   || !stralloc_cats(sa, "\nerrors ") || !stralloc_catb(sa, fmt, uint64_fmt(fmt, B.errors)))) return 0 ;
  return stralloc_cats(sa, done && !B.errors ? "\ncomplete\n" : "\nincomplete\n") ;
}

static int putversion (stralloc const *s)
{
  int fd = openat(B.dst, "version.tmp", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644) ;
  if (fd < 0) return 0 ;
  if (write(fd, s->s, s->len) != (ssize_t)s->len || fsync(fd) < 0) { int e = errno ; close(fd) ; errno = e ; return 0 ; }
  if (close(fd) < 0) return 0 ;
  return renameat(B.dst, "version.tmp", B.dst, "version") == 0 && fsync(B.dst) == 0 ;
}

static void start (char const *datadir, char const *destdir)
{
  struct stat st ;
  B.datadir = datadir ;
  B.destdir = destdir ;
  B.src = open(datadir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) ;
  if (B.src < 0) strerr_diefu2sys(tern_errcode(errno), "open ", datadir) ;
  if (fstatat(B.src, "accounts", &st, 0) < 0 && fstatat(B.src, "queue", &st, 0) < 0)
    strerr_dief3x(100, "not a tern data directory (no accounts/ nor queue/): ", datadir, "") ;
  if (mkdir(destdir, 0700) < 0)
  {
    if (errno == EEXIST) strerr_dief2x(100, destdir, " exists: a backup goes into a new directory") ;
    strerr_diefu2sys(111, "create ", destdir) ;
  }
  B.dst = open(destdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) ;
  if (B.dst < 0) strerr_diefu2sys(111, "open ", destdir) ;
}

int main (int argc, char const *const *argv)
{
  subgetopt l = SUBGETOPT_ZERO ;
  stralloc qv = STRALLOC_ZERO, v = STRALLOC_ZERO ;
  char const *confdir = 0 ;
  int quiet = 0 ;
  uint64_t started ;
  PROG = "tern-backup" ;
  for (;;)
  {
    int opt = subgetopt_r(argc, argv, "qc:h", &l) ;
    if (opt == -1) break ;
    if (opt == 'q') quiet = 1 ;
    else if (opt == 'c') confdir = l.arg ;
    else if (opt == 'h') { buffer_putsflush(buffer_1, "usage: " USAGE "\n") ; return 0 ; }
    else strerr_dieusage(100, USAGE) ;
  }
  argc -= l.ind ; argv += l.ind ;
  if (argc != 2) strerr_dieusage(100, USAGE) ;
  haveconf = !!confdir ;
  B.progress = !quiet && isatty(2) ;
  start(argv[0], argv[1]) ;
  started = (uint64_t)time(0) ;
  if (!version(&v, &qv, started, 0, 0) || !putversion(&v)) strerr_diefu3sys(111, "write ", argv[1], "/version") ;
  if (!bk_mkdir("accounts", 0700)) strerr_diefu3sys(111, "create ", argv[1], "/accounts") ;
  listdir("accounts", &account) ;
  bk_queue(&qv) ;
  listdir(".", &top) ;
  if (confdir) conf(confdir) ;
  if (B.progress) { show() ; buffer_putflush(buffer_2, "\n", 1) ; shown = 0 ; }
  if (syncfs(B.dst) < 0) bk_err("", "sync the backup", errno) ;
  if (!version(&v, &qv, started, (uint64_t)time(0), 1) || !putversion(&v))
    strerr_diefu3sys(111, "write ", argv[1], "/version") ;
  stralloc_free(&v) ;
  stralloc_free(&qv) ;
  if (B.errors)
  {
    char fmt[UINT_FMT] ;
    fmt[uint_fmt(fmt, B.errors)] = 0 ;
    strerr_dief3x(111, fmt, " errors: the backup is incomplete: ", argv[1]) ;
  }
  return 0 ;
}
