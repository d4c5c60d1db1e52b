/* tern-queue-inject-write: the message file of tern-queue-inject, through
   tern_qfile (tern-queue.5): envelope, stdin streamed with bounded memory,
   then (after the caller's go-ahead with -y) the commit into todo/. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <skalibs/strerr.h>
#include "tern.h"
#include "tern-queue-inject.h"

static tern_qfile q = TERN_QFILE_ZERO ;

static void die (char const *what)
{
  int e = errno ;
  tern_qfile_abort(&q) ;
  errno = e ;
  strerr_diefusys(111, what) ;
}

/* stdin to the file; past max bytes the file goes and stdin is drained */
static void stream (uint64_t max)
{
  static char in[65536] ;
  uint64_t size = 0 ;
  for (;;)
  {
    ssize_t r = read(0, in, sizeof in) ;
    if (r < 0) { if (errno == EINTR) continue ; die("read the message") ; }
    if (!r) break ;
    size += (uint64_t)r ;
    if (size > max) { tern_qfile_abort(&q) ; continue ; }
    if (tern_qfile_write(&q, in, (size_t)r)) die("write the message") ;
  }
  if (size > max) strerr_dief(100, "message larger than max-message-size") ;
}

/* With -y: the caller's "Y" on yfd, after the whole message, is the only
   go-ahead; a caller that died or gave up closes yfd without it. */
static void confirm (int yfd)
{
  char c = 0 ;
  ssize_t r ;
  while ((r = read(yfd, &c, 1)) < 0 && errno == EINTR) ;
  if (r == 1 && c == 'Y') return ;
  tern_qfile_abort(&q) ;
  strerr_dief(100, "message not confirmed by the caller: nothing queued") ;
}

void inject_write (char const *qdir, tern_qenv *env, uint64_t max, char *id, uint64_t *size, int yfd)
{
  static char buf[65536] ;
  if (tern_qfile_open(&q, qdir, env, buf, sizeof buf)) strerr_diefusys(111, "create a file in ", qdir, "/tmp") ;
  stream(max) ;
  if (yfd >= 0) confirm(yfd) ;
  *size = q.size ;
  memcpy(id, q.id, TERN_QUEUE_IDMAX) ;
  if (tern_qfile_commit(&q, qdir)) die("commit the message to the queue") ;
}
