/* tern-smtp-out-io.c: the SMTP client's I/O: replies (multi-line, bounded,
   EHLO keywords noted), commands, and TLS through tern-tlsc as a helper
   (fds 3/4/5, see tern-tlsc.8).  Everything is bounded by o->deadline. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <skalibs/djbunix.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/bytestr.h>
#include <skalibs/error.h>
#include "tern-smtp-out.h"

/* buf = code " " the parts, bounded: made-up replies */
void so_fail (char *buf, char const *code, char const *what, char const *detail)
{
  size_t n = 0 ;
  char const *parts[4] = { code, " tern: ", what, detail } ;
  for (unsigned int i = 0 ; i < 4 ; i++)
    for (char const *s = parts[i] ; s && *s && n < SO_REPLY - 1 ; s++) buf[n++] = *s ;
  buf[n] = 0 ;
}

/* One line (CRLF or LF stripped) into line; length, or -1 */
static ssize_t getline_ (sout *o, char *line)
{
  size_t n = 0 ;
  for (;;)
  {
    while (o->ipos < o->ilen)
    {
      char c = o->ibuf[o->ipos++] ;
      if (c == '\n')
      {
        if (n && line[n - 1] == '\r') n-- ;
        line[n] = 0 ;
        return n ;
      }
      if (n >= SO_LINE - 1) { errno = EPROTO ; return -1 ; }
      line[n++] = c ;
    }
    if (!so_wait(o->rfd, 0, &o->deadline)) return -1 ;
    {
      ssize_t r = fd_read(o->rfd, o->ibuf, sizeof o->ibuf) ;
      if (r < 0 && error_isagain(errno)) r = -2 ;
      if (r == -1) return -1 ;
      if (!r) { errno = EPIPE ; return -1 ; }
      o->ipos = 0 ; o->ilen = r < 0 ? 0 : (size_t)r ;
    }
  }
}

static void keyword (sout *o, char const *s)
{
  if (!strncasecmp(s, "8BITMIME", 8) && (!s[8] || s[8] == ' ')) o->e8bit = 1 ;
  else if (!strncasecmp(s, "SMTPUTF8", 8) && (!s[8] || s[8] == ' ')) o->eutf8 = 1 ;
  else if (!strncasecmp(s, "STARTTLS", 8) && (!s[8] || s[8] == ' ')) o->estarttls = 1 ;
  else if (!strncasecmp(s, "PIPELINING", 10) && (!s[10] || s[10] == ' ')) o->epipe = 1 ;
  else if (!strncasecmp(s, "AUTH ", 5) || !strncasecmp(s, "AUTH=", 5))
  {
    if (o->authmechs.len) stralloc_catb(&o->authmechs, " ", 1) ;
    stralloc_cats(&o->authmechs, s + 5) ;
  }
}

int so_reply (sout *o, char *buf, size_t max)
{
  char line[SO_LINE] ;
  size_t n = 0 ;
  int code = 0, first = 1 ;
  for (;;)
  {
    ssize_t len = getline_(o, line) ;
    if (len < 0)
    {
      so_fail(buf, errno == ETIMEDOUT ? "421 4.4.2" : "421 4.4.2", "connection lost with ", o->peer) ;
      return 0 ;
    }
    if (len < 3 || line[0] < '2' || line[0] > '5' || line[1] < '0' || line[1] > '9' || line[2] < '0' || line[2] > '9'
     || (len > 3 && line[3] != ' ' && line[3] != '-') || (!first && (line[0] - '0') * 100 + (line[1] - '0') * 10 + line[2] - '0' != code))
    {
      so_fail(buf, "421 4.5.0", "bad reply from ", o->peer) ;
      return 0 ;
    }
    code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + line[2] - '0' ;
    if (first) { memcpy(buf, line, 3) ; n = 3 ; }
    if (!first && o->inehlo && len > 4) keyword(o, line + 4) ;
    for (ssize_t i = 3 ; i < len && n < max - 1 ; i++)
      buf[n++] = i == 3 ? ' ' : (unsigned char)line[i] < 32 || line[i] == 127 ? '?' : line[i] ;
    first = 0 ;
    if (len == 3 || line[3] == ' ') break ;
  }
  buf[n] = 0 ;
  return code ;
}

int so_put (sout *o, char const *s, size_t n)
{
  return so_putfd(o->wfd, s, n, &o->deadline) ;
}

int so_cmd (sout *o, char const *s, char *buf, size_t max)
{
  char line[SO_LINE + 2] ;
  size_t n = strlen(s) ;
  if (n > SO_LINE - 2) n = SO_LINE - 2 ;
  memcpy(line, s, n) ;
  line[n++] = '\r' ; line[n++] = '\n' ;
  if (!so_put(o, line, n))
  {
    so_fail(buf, "421 4.4.2", "connection lost with ", o->peer) ;
    return 0 ;
  }
  return so_reply(o, buf, max) ;
}

static void child (sout const *o, int const *f)
{
  char const *argv[10] ;
  unsigned int n = 0 ;
  int hi[4] ;
  for (unsigned int i = 0 ; i < 4 ; i++)
    if ((hi[i] = fcntl(f[i], F_DUPFD_CLOEXEC, 10)) < 0) _exit(111) ;
  if (dup2(hi[0], 0) < 0 || dup2(hi[0], 1) < 0 || dup2(hi[1], 3) < 0 || dup2(hi[2], 4) < 0 || dup2(hi[3], 5) < 0) _exit(111) ;
  argv[n++] = "tern-tlsc" ; argv[n++] = "-t" ; argv[n++] = "60" ;
  if (o->tls == T_IMPLICIT) argv[n++] = "-S" ;
  if (o->tls != T_VERIFY && o->tls != T_IMPLICIT) argv[n++] = "-k" ;
  else if (o->cafile) { argv[n++] = "-a" ; argv[n++] = o->cafile ; }
  if (o->tlsname) { argv[n++] = "-n" ; argv[n++] = o->tlsname ; }
  argv[n] = 0 ;
  execvp(argv[0], (char *const *)argv) ;
  _exit(127) ;
}

/* The helper's facts: 1 if a non-empty block came before EOF. */
static int facts (sout *o)
{
  char buf[512] ;
  size_t n = 0 ;
  for (;;)
  {
    ssize_t r ;
    if (!so_wait(o->ctl, 0, &o->deadline)) return 0 ;
    r = fd_read(o->ctl, buf, sizeof buf) ;
    if (r < 0 && error_isagain(errno)) continue ;
    if (r <= 0) return n > 0 ;
    n += r ;
  }
}

int so_tls (sout *o, int dostart)
{
  int x[2], a[2], b[2], f[4] ;
  /* all close-on-exec: the helper must hold no other end, or EOF never comes */
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, x) < 0) return 0 ;
  if (pipecoe(a) < 0 || pipecoe(b) < 0) return 0 ;
  f[0] = o->sock ; f[1] = x[1] ; f[2] = a[0] ; f[3] = b[1] ;
  o->tlspid = fork() ;
  if (o->tlspid < 0) return 0 ;
  if (!o->tlspid) child(o, f) ;
  fd_close(x[1]) ; fd_close(a[0]) ; fd_close(b[1]) ;
  o->ctl = x[0] ; o->wfd = a[1] ; o->rfd = b[0] ;
  if (coe(o->ctl) < 0 || coe(o->wfd) < 0 || coe(o->rfd) < 0
   || ndelay_on(o->ctl) < 0 || ndelay_on(o->wfd) < 0 || ndelay_on(o->rfd) < 0) return 0 ;
  o->ilen = o->ipos = 0 ;  /* plaintext read ahead is dropped (CVE-2011-0411) */
  o->intls = 1 ;
  if (dostart && !so_putfd(o->ctl, "Y", 1, &o->deadline)) return 0 ;
  return facts(o) ;
}

void so_hangup (sout *o)
{
  if (o->wfd >= 0 && o->wfd != o->sock) fd_close(o->wfd) ;
  if (o->rfd >= 0 && o->rfd != o->sock) fd_close(o->rfd) ;
  if (o->ctl >= 0) fd_close(o->ctl) ;
  if (o->sock >= 0) fd_close(o->sock) ;
  if (o->tlspid > 0)
  {
    int wstat ;
    if (wait_pid(o->tlspid, &wstat) < 0) {}
  }
  o->wfd = o->rfd = o->ctl = o->sock = -1 ;
  o->tlspid = 0 ; o->intls = 0 ; o->ilen = o->ipos = 0 ;
}
