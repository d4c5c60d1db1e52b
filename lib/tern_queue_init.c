/* tern_queue_init: create what is missing of a queue directory
   (tern-queue.5): tmp/ todo/ mess/ state/ pool/, the trigger FIFO and the
   version file, the control FIFO, dirsync, fssync; check the version of an existing queue.
   Directories 0770 under the umask: started as root, the SMTP sessions
   and the runner share the queue through their group (tern-users(7)). */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <skalibs/djbunix.h>
#include "tern.h"
#include "tern_queue.h"
#include "tern_dirsync.h"
#include "tern_fssync.h"

static int sub (stralloc *p, size_t base, char const *name)
{
  p->len = base ;
  return stralloc_cats(p, name) && stralloc_0(p) ;
}

static int setup (stralloc *p, size_t base)
{
  static char const *const dirs[5] = { "/tmp", "/todo", "/mess", "/state", "/pool" } ;
  char buf[16] ;
  ssize_t n ;
  for (unsigned int i = 0 ; i < 5 ; i++)
    if (!sub(p, base, dirs[i]) || (mkdir(p->s, 0770) < 0 && errno != EEXIST)) return 0 ;
  if (!sub(p, base, "/trigger") || (mkfifo(p->s, 0622) < 0 && errno != EEXIST)) return 0 ;
  if (!sub(p, base, "/control") || (mkfifo(p->s, 0600) < 0 && errno != EEXIST)) return 0 ;
  /* the shared fsync of todo/: without it (an injecting user who may not
     create it) every commit syncs todo/ itself */
  if (sub(p, base, "/dirsync")) tern_dirsync_init(p->s) ;
  if (sub(p, base, "/fssync")) tern_fssync_init(p->s) ;
  if (!sub(p, base, "/version")) return 0 ;
  n = openreadnclose(p->s, buf, sizeof buf) ;
  if (n < 0 && errno == ENOENT)
    return tern_file_replace(p->s, "4\n", 2, 0644) && tern_fsync_dir(p->s, 0) ;
  if (n < 0) return 0 ;
  if (n != 2 || buf[1] != '\n' || buf[0] < '1' || buf[0] > '4') return (errno = EPROTO, 0) ;
  /* version 1 to 2: only the ids' form changed, old ones stay valid;
     2 to 3: pool/ and sealed files; 3 to 4: the CRC-32 seal (an older
     runner would take a format 3 file in pool/ for a torn one).  An older tern-queue-run then refuses
     the queue instead of ignoring the new ids or the pool.  Whoever may
     not write it (an injecting user) leaves it */
  if (buf[0] != '4' && tern_file_replace(p->s, "4\n", 2, 0644)) tern_fsync_dir(p->s, 0) ;
  return 1 ;
}

int tern_queue_init (char const *qdir)
{
  stralloc p = STRALLOC_ZERO ;
  int ok, e ;
  if (!tern_mkdirp(qdir, 0770)) return 0 ;
  ok = stralloc_cats(&p, qdir) && setup(&p, p.len) ;
  e = errno ;
  stralloc_free(&p) ;
  errno = e ;
  return ok ;
}
