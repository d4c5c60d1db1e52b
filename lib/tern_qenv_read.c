/* tern_qenv_read: parse the envelope at the head of an open queue file,
   reading no more than the envelope's bound; and tern_qenv_free. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include "tern.h"
#include "tern_queue.h"

int tern_qenv_read (tern_qenv *e, int fd)
{
  stralloc sa = STRALLOC_ZERO ;
  size_t want = 4096 ;
  int r = TERN_PERM ;
  for (;;)
  {
    ssize_t n ;
    if (!stralloc_readyplus(&sa, want)) { r = TERN_TEMP ; break ; }
    n = pread(fd, sa.s + sa.len, want, (off_t)sa.len) ;
    if (n < 0) { if (errno == EINTR) continue ; r = TERN_TEMP ; break ; }
    if (!n) { r = TERN_PERM ; break ; }
    {
      /* the blank line ends the envelope; look only where it can be new */
      size_t i = sa.len ? sa.len - 1 : 0 ;
      sa.len += (size_t)n ;
      while (i + 1 < sa.len && !(sa.s[i] == '\n' && sa.s[i + 1] == '\n')) i++ ;
      if (i + 1 < sa.len)
      {
        r = tern_qenv_parse(e, sa.s, sa.len) ;
        break ;
      }
    }
    if (sa.len >= TERN_QUEUE_ENVMAX) { r = TERN_PERM ; break ; }
    if (want < 65536) want *= 2 ;
  }
  {
    int er = errno ;
    stralloc_free(&sa) ;
    errno = er ;
  }
  if (r == TERN_PERM) errno = EPROTO ;
  return r ;
}

void tern_qenv_free (tern_qenv *e)
{
  stralloc_free(&e->from) ;
  stralloc_free(&e->account) ;
  stralloc_free(&e->ip) ;
  stralloc_free(&e->helo) ;
  stralloc_free(&e->rcpts) ;
}
