/* tern-backup-queue: the queue (tern-queue.5): message files linked from
   todo/ then mess/ (the order the runner moves them in), each followed by
   its state file; whole files left in pool/ or tmp/ by a crash (queue
   version 3 and later) as todo/ID; the FIFOs made anew; pool/ and tmp/ made empty. */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/file.h>
#include "tern.h"
#include "tern_queue.h"
#include "tern-backup.h"

enum { TODO, MESS, STATE, NDIR } ;
static char const *const dirs[NDIR] = { "queue/todo", "queue/mess", "queue/state" } ;
static int sfd[NDIR], dfd[NDIR] ;
static stralloc left = STRALLOC_ZERO ;  /* "queue/pool/NAME\0ID\0"...: whole files of pool/ and tmp/ */

static void counted (int fd, char const *name)
{
  struct stat st ;
  if (fstatat(fd, name, &st, 0) == 0) B.bytes += (uint64_t)st.st_size ;
  B.messages++ ;
  bk_tick() ;
}

static void state (char const *name)
{
  if (!bk_file(sfd[STATE], dfd[STATE], name, 0) && errno != ENOENT)
    bk_err("queue/state", name, errno) ;
}

/* one message seen in dir (TODO or MESS) */
static void message (int dir, char const *name)
{
  int ok ;
  if (dir == MESS && faccessat(dfd[TODO], name, F_OK, 0) == 0) return ;  /* had it from todo/ */
  ok = bk_file(sfd[dir], dfd[dir], name, BK_LINK) ;
  if (!ok && errno == ENOENT && dir == TODO) { dir = MESS ; ok = bk_file(sfd[MESS], dfd[MESS], name, BK_LINK) ; }
  if (ok) { counted(dfd[dir], name) ; state(name) ; return ; }
  if (errno != ENOENT && errno != EEXIST) bk_err(dirs[dir], name, errno) ;
}

static void walk (int dir)
{
  DIR *d ;
  int fd = dup(sfd[dir]) ;
  if (fd < 0 || !(d = fdopendir(fd))) { if (fd >= 0) close(fd) ; bk_err(dirs[dir], "read the directory", errno) ; return ; }
  rewinddir(d) ;
  for (;;)
  {
    struct dirent *de ;
    errno = 0 ;
    if (!(de = readdir(d))) { if (errno) bk_err(dirs[dir], "read the directory", errno) ; break ; }
    if (de->d_name[0] == '.' && (!de->d_name[1] || (de->d_name[1] == '.' && !de->d_name[2]))) continue ;
    if (tern_queue_idvalid(de->d_name)) { message(dir, de->d_name) ; continue ; }
    {
      stralloc p = STRALLOC_ZERO ;
      if (stralloc_cats(&p, dirs[dir]) && stralloc_catb(&p, "/", 1) && stralloc_cats(&p, de->d_name) && stralloc_0(&p))
        bk_tree(p.s, BK_LINK | BK_WARN) ;
      stralloc_free(&p) ;
    }
  }
  closedir(d) ;
}

/* the whole files of sub (queue/pool, queue/tmp) that no live writer
   holds (its flock): acknowledged messages the runner has not recovered
   yet.  Read before todo/, the way they move: one recovered meanwhile is
   then found in todo/ or mess/ by its id. */
static void leftovers (char const *sub)
{
  DIR *d ;
  int fd = openat(B.src, sub, O_RDONLY | O_DIRECTORY | O_CLOEXEC) ;
  if (fd < 0 || !(d = fdopendir(fd)))
  {
    if (fd >= 0) close(fd) ;
    if (errno != ENOENT) bk_err(sub, "read the directory", errno) ;
    return ;
  }
  for (;;)
  {
    struct dirent *de ;
    struct stat st ;
    char id[TERN_QUEUE_IDMAX] ;
    size_t at = left.len ;
    int r, e ;
    errno = 0 ;
    if (!(de = readdir(d))) { if (errno) bk_err(sub, "read the directory", errno) ; break ; }
    if (de->d_name[0] == '.' && (!de->d_name[1] || (de->d_name[1] == '.' && !de->d_name[2]))) continue ;
    r = tern_qleft_check(dirfd(d), de->d_name, LOCK_SH, 0, &st, id) ;
    e = errno ;
    /* gone (taken, recovered, or renamed by its writer once committed),
       empty, held by a live writer, not whole, not a regular file */
    if (r >= 0 && r != TERN_QREC_WHOLE) continue ;
    if (!stralloc_cats(&left, sub) || !stralloc_catb(&left, "/", 1) || !stralloc_cats(&left, de->d_name) || !stralloc_0(&left)
     || (r == TERN_QREC_WHOLE && (!stralloc_cats(&left, id) || !stralloc_0(&left))))
    { bk_err(sub, "remember a file", errno) ; left.len = at ; continue ; }
    if (r < 0) { bk_err(left.s + at, "read", e) ; left.len = at ; }
  }
  closedir(d) ;
}

/* each leftover as todo/ID, unless the backup has the message already */
static void recovered (void)
{
  for (size_t i = 0 ; i < left.len ;)
  {
    char const *rel = left.s + i, *id = rel + strlen(rel) + 1 ;
    i = (size_t)(id - left.s) + strlen(id) + 1 ;
    if (faccessat(dfd[TODO], id, F_OK, 0) == 0 || faccessat(dfd[MESS], id, F_OK, 0) == 0) continue ;
    if (bk_fileas(B.src, rel, dfd[TODO], id, BK_LINK)) counted(dfd[TODO], id) ;
    else if (errno == ENOENT) message(TODO, id) ;   /* recovered since: todo/ID or mess/ID */
    else bk_err(rel, "copy", errno) ;
  }
  stralloc_free(&left) ;
}

/* entries of queue/ that tern does not know */
static void unknown (void)
{
  static char const *const known[] = { "version", "trigger", "control", "lock", "dirsync", "fssync", "pool", "tmp", "todo", "mess", "state", 0 } ;
  DIR *d ;
  int fd = openat(B.src, "queue", O_RDONLY | O_DIRECTORY | O_CLOEXEC) ;
  if (fd < 0 || !(d = fdopendir(fd))) { if (fd >= 0) close(fd) ; bk_err("queue", "read the directory", errno) ; return ; }
  for (;;)
  {
    struct dirent *de ;
    errno = 0 ;
    if (!(de = readdir(d))) { if (errno) bk_err("queue", "read the directory", errno) ; break ; }
    if (de->d_name[0] == '.' && (!de->d_name[1] || (de->d_name[1] == '.' && !de->d_name[2]))) continue ;
    if (bk_isname(de->d_name, known)) continue ;
    {
      stralloc p = STRALLOC_ZERO ;
      if (stralloc_cats(&p, "queue/") && stralloc_cats(&p, de->d_name) && stralloc_0(&p)) bk_tree(p.s, BK_LINK | BK_WARN) ;
      stralloc_free(&p) ;
    }
  }
  closedir(d) ;
}

static int setup (stralloc *version)
{
  if (!bk_mkdir("queue", 0700) || !bk_mkdir("queue/tmp", 0700)) return 0 ;
  if (faccessat(B.src, "queue/pool", F_OK, 0) == 0 && !bk_mkdir("queue/pool", 0700)) return 0 ;
  for (int i = 0 ; i < NDIR ; i++) if (!bk_mkdir(dirs[i], 0700)) return 0 ;
  if (mkfifoat(B.dst, "queue/trigger", 0622) < 0 || mkfifoat(B.dst, "queue/control", 0600) < 0) return 0 ;
  if (!bk_slurp(version, B.src, "queue/version")) { if (errno != ENOENT) return 0 ; version->len = 0 ; }
  else if (!bk_put("queue/version", version->s, version->len, 0644)) return 0 ;
  return 1 ;
}

void bk_queue (stralloc *version)
{
  struct stat st ;
  int ok = 1 ;
  if (fstatat(B.src, "queue", &st, 0) < 0)
  {
    if (errno != ENOENT) bk_err("queue", "stat", errno) ;
    return ;
  }
  if (!setup(version)) { bk_err("queue", "set up the queue in the backup", errno) ; return ; }
  for (int i = 0 ; i < NDIR ; i++) sfd[i] = dfd[i] = -1 ;
  for (int i = 0 ; ok && i < NDIR ; i++)
  {
    sfd[i] = openat(B.src, dirs[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC) ;
    dfd[i] = openat(B.dst, dirs[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC) ;
    if (sfd[i] < 0 || dfd[i] < 0) { bk_err(dirs[i], "open the directory", errno) ; ok = 0 ; }
  }
  if (ok)
  {
    leftovers("queue/pool") ;
    leftovers("queue/tmp") ;
    walk(TODO) ;
    walk(MESS) ;
    recovered() ;
  }
  for (int i = 0 ; i < NDIR ; i++)
  {
    if (sfd[i] >= 0) close(sfd[i]) ;
    if (dfd[i] >= 0) close(dfd[i]) ;
  }
  unknown() ;
}
