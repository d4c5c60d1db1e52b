/* tern-verify-out: problem, change and warning lines; the progress line on
   a terminal; moving a file aside to DATADIR/moved/ (never a deletion). */
#include <errno.h>
#include <string.h>
#include <stdio.h>
#include <time.h>
#include <sys/stat.h>
#include <skalibs/buffer.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include "tern.h"
#include "tern-verify.h"

static int shown ;   /* a progress line is on the terminal */

static void unshow (void)
{
  if (shown) buffer_putsflush(buffer_2, "\r\033[K") ;
  shown = 0 ;
}

static void line (char const *a, char const *b, char const *c, char const *what)
{
  unshow() ;
  if (buffer_puts(buffer_1, "tern-verify: ") < 0
   || (a && (buffer_puts(buffer_1, a) < 0 || buffer_puts(buffer_1, ": ") < 0))
   || (b && (buffer_puts(buffer_1, b) < 0 || buffer_puts(buffer_1, ": ") < 0))
   || (c && (buffer_puts(buffer_1, c) < 0 || buffer_puts(buffer_1, ": ") < 0))
   || buffer_puts(buffer_1, what) < 0 || buffer_put(buffer_1, "\n", 1) < 0)
    strerr_diefu1sys(111, "write to stdout") ;
  if (V.progress) v_flush() ;
}

static void count (void)
{
  if (V.again) V.left++ ; else V.found++ ;
}

void v_problem (char const *where, char const *what)
{
  count() ;
  line(where, 0, 0, what) ;
}

void v_problem3 (char const *a, char const *b, char const *what)
{
  count() ;
  line(a, b, 0, what) ;
}

void v_fixed (char const *a, char const *b, char const *what)
{
  V.fixed++ ;
  line("fixed", a, b, what) ;
}

void v_warn (char const *what, char const *obj, int e)
{
  unshow() ;
  v_flush() ;
  V.incomplete = 1 ;
  errno = e ;
  strerr_warnwu2sys(what, obj) ;
}

void v_flush (void)
{
  if (buffer_flush(buffer_1) < 0) strerr_diefu1sys(111, "write to stdout") ;
}

/* at most once a second; force 2 clears it for good */
void v_progress (int force)
{
  static time_t last ;
  char buf[160] ;
  time_t now ;
  if (!V.progress) return ;
  if (force == 2) { unshow() ; return ; }
  now = time(0) ;
  if (!force && now == last) return ;
  last = now ;
  snprintf(buf, sizeof buf, "\rtern-verify: %llu accounts, %llu mailboxes, %llu messages, %llu queued\033[K",
    (unsigned long long)V.accounts, (unsigned long long)V.mailboxes, (unsigned long long)V.messages, (unsigned long long)V.queued) ;
  buffer_putsflush(buffer_2, buf) ;
  shown = 1 ;
}

char const *v_rel (char const *path)
{
  if (!strncmp(path, V.datadir, V.dlen) && path[V.dlen] == '/') return path + V.dlen + 1 ;
  return path ;
}

/* the parent directories are made as needed; an existing target is never
   replaced (EEXIST: the caller tells) */
int v_move (char const *path)
{
  char const *rel = v_rel(path) ;
  size_t n = strlen(rel) ;
  char to[V.dlen + 7 + n + 1] ;
  char *slash ;
  struct stat st ;
  if (rel == path) return (errno = EINVAL, 0) ;
  memcpy(to, V.datadir, V.dlen) ;
  memcpy(to + V.dlen, "/moved/", 7) ;
  memcpy(to + V.dlen + 7, rel, n + 1) ;
  slash = strrchr(to, '/') ;
  *slash = 0 ;
  if (!tern_mkdirp(to, 0700)) return 0 ;
  *slash = '/' ;
  if (!lstat(to, &st)) return (errno = EEXIST, 0) ;
  if (rename(path, to) < 0) return 0 ;
  return tern_fsync_dir(to, 0) ;
}
