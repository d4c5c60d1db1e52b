/* tern-smtp-out-msg.c: the message on fd 0, streamed: never in memory as
   a whole.  A regular file is scanned once for 8-bit bytes and long lines
   and re-read from its start offset for each session; anything else is
   first copied to an unlinked temporary file in $TMPDIR (default /tmp). */
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

/* need8 and longline for the next n bytes; st: the current line's
   bytes so far (a CR counted), and whether the last one was CR */
static void scan (sout *o, char const *s, size_t n, size_t st[2])
{
  for (size_t i = 0 ; i < n ; i++)
  {
    unsigned char c = s[i] ;
    if (c > 127) o->need8 = 1 ;
    if (c == '\n')
    {
      if (st[0] - st[1] > 998) o->longline = 1 ;
      st[0] = st[1] = 0 ;
      continue ;
    }
    if (++st[0] > 999) o->longline = 1 ;
    st[1] = c == '\r' ;
  }
}

/* A temporary file holding the rest of fd 0; the fd, or -1. */
static int spool (sout *o, char *buf, size_t *st)
{
  int fd = so_tmpfile() ;
  if (fd < 0) return -1 ;
  for (;;)
  {
    ssize_t r = fd_read(0, buf, CHUNK) ;
    if (r < 0) { fd_close(fd) ; return -1 ; }
    if (!r) break ;
    scan(o, buf, r, st) ;
    o->msglen += r ;
    if (allwrite(fd, buf, r) < (size_t)r) { fd_close(fd) ; return -1 ; }
  }
  return fd ;
}

/* Lines over 998 bytes re-encoded at once (the copy is sent to every
   server); the 8-bit header fields found if only they can make SMTPUTF8
   needed. */
static int prepare (sout *o)
{
  char const *why ;
  int r = 1 ;
  o->hdr8 = 0 ; o->badmsg = 0 ;
  if (o->longline) r = so_mime(o, SO_MIME_LONG, &why) ;
  else if (o->need8 && o->needutf8 == SO_UTF8_FLAG) r = so_mime(o, SO_MIME_SCAN, &why) ;
  if (r < 0) return 0 ;
  if (!r) o->badmsg = why ;
  if (o->needutf8 == SO_UTF8_FLAG && !o->hdr8) o->needutf8 = 0 ;
  return 1 ;
}

/* Sets o->msgfd, o->msgoff, o->msglen, need8, longline and hdr8 (and
   converts, see prepare): 1, or 0 and errno. */
int so_msg_load (sout *o)
{
  char buf[CHUNK] ;
  struct stat st ;
  off_t off = -1 ;
  size_t ls[2] = { 0, 0 } ;
  if (o->msgfd > 0) fd_close(o->msgfd) ;  /* the last message's copy */
  o->msgfd = 0 ;
  if (fstat(0, &st) < 0) return 0 ;
  if (S_ISREG(st.st_mode)) off = lseek(0, 0, SEEK_CUR) ;
  o->msglen = 0 ; o->need8 = 0 ; o->longline = 0 ;
  if (off < 0)
  {
    o->msgfd = spool(o, buf, ls) ;
    o->msgoff = 0 ;
    if (ls[0] > 998) o->longline = 1 ;
    return o->msgfd >= 0 && prepare(o) ;
  }
  o->msgfd = 0 ; o->msgoff = off ;
  for (;;)
  {
    ssize_t r = fd_read(0, buf, CHUNK) ;
    if (r < 0) return 0 ;
    if (!r) break ;
    o->msglen += r ;
    scan(o, buf, r, ls) ;
  }
  if (ls[0] > 998) o->longline = 1 ;
  return prepare(o) ;
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
