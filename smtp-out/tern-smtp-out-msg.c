/* tern-smtp-out-msg.c: the message on fd 0, streamed: never in memory as
   a whole.  A regular file is scanned once for 8-bit bytes and re-read
   from its start offset for each session; anything else is first copied
   to an unlinked temporary file in $TMPDIR (default /tmp). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <skalibs/strerr.h>
#include "tern-smtp-out.h"

#define CHUNK 65536

static int has8 (char const *s, size_t n)
{
  for (size_t i = 0 ; i < n ; i++) if ((unsigned char)s[i] > 127) return 1 ;
  return 0 ;
}

/* A temporary file holding the rest of fd 0; the fd, or -1. */
static int spool (sout *o, char *buf)
{
  char const *dir = getenv("TMPDIR") ;
  size_t dlen ;
  int fd ;
  if (!dir || !*dir) dir = "/tmp" ;
  dlen = strlen(dir) ;
  {
    char path[dlen + 24] ;
    memcpy(path, dir, dlen) ;
    memcpy(path + dlen, "/tern-smtp-out.XXXXXX", 22) ;
    fd = mkstemp(path) ;
    if (fd < 0) return -1 ;
    unlink(path) ;
  }
  if (coe(fd) < 0) { fd_close(fd) ; return -1 ; }
  for (;;)
  {
    ssize_t r = fd_read(0, buf, CHUNK) ;
    if (r < 0) { fd_close(fd) ; return -1 ; }
    if (!r) break ;
    o->need8 |= has8(buf, r) ;
    o->msglen += r ;
    if (allwrite(fd, buf, r) < (size_t)r) { fd_close(fd) ; return -1 ; }
  }
  return fd ;
}

/* Sets o->msgfd, o->msgoff, o->msglen and o->need8: 1, or 0 and errno. */
int so_msg_load (sout *o)
{
  char buf[CHUNK] ;
  struct stat st ;
  off_t off = -1 ;
  if (fstat(0, &st) < 0) return 0 ;
  if (S_ISREG(st.st_mode)) off = lseek(0, 0, SEEK_CUR) ;
  o->msglen = 0 ; o->need8 = 0 ;
  if (off < 0)
  {
    o->msgfd = spool(o, buf) ;
    o->msgoff = 0 ;
    return o->msgfd >= 0 ;
  }
  o->msgfd = 0 ; o->msgoff = off ;
  for (;;)
  {
    ssize_t r = fd_read(0, buf, CHUNK) ;
    if (r < 0) return 0 ;
    if (!r) break ;
    o->msglen += r ;
    if (!o->need8) o->need8 = has8(buf, r) ;
  }
  return 1 ;
}

void so_msg (sout *o)
{
  if (!so_msg_load(o)) strerr_diefusys(111, "read the message") ;
}

/* The message, dot-stuffed, then the final dot.  0 if the connection
   failed; an unreadable message kills the attempt (111, no final dot:
   the server must not take a truncated message). */
int so_body (sout *o)
{
  char in[CHUNK], out[CHUNK] ;
  size_t n = 0 ;
  int bol = 1, any = 0 ;
  if (lseek(o->msgfd, o->msgoff, SEEK_SET) < 0) strerr_diefusys(111, "rewind the message") ;
  for (;;)
  {
    ssize_t r = fd_read(o->msgfd, in, sizeof in) ;
    if (r < 0) strerr_diefusys(111, "read the message") ;
    if (!r) break ;
    any = 1 ;
    for (ssize_t i = 0 ; i < r ; i++)
    {
      if (n > sizeof out - 4) { if (!so_put(o, out, n)) return 0 ; n = 0 ; }
      if (bol && in[i] == '.') out[n++] = '.' ;
      out[n++] = in[i] ;
      bol = in[i] == '\n' ;
    }
  }
  if (any && !bol) { out[n++] = '\r' ; out[n++] = '\n' ; }
  return so_put(o, out, n) && so_put(o, ".\r\n", 3) ;
}
