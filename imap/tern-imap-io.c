/* tern-imap-io: reading commands (lines, literals with limits, APPEND
   literals streamed to files; inflated first after COMPRESS), with the
   idle timeouts and the login and command deadlines. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include "tern.h"
#include "tern_log.h"
#include "tern-imap.h"

static char ibuf[16384] ;
static size_t ipos = 0, ilen = 0 ;
static uint64_t maxmsg = 104857600 ;
/* seconds: idle before login, greeting to login (whole), one command (its
   lines and literals, whole, plus a second per LITRATE bytes of literal) */
static unsigned int pretime = 60, logintime = 180, cmdtime = 60 ;
static uint64_t logindl, cmddl ;   /* deadlines, monotonic ms; 0: none */
#define LITRATE 4096

static uint64_t now_ms (void)
{
  struct timespec ts ;
  clock_gettime(CLOCK_MONOTONIC, &ts) ;
  return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000 ;
}

static unsigned int envsecs (char const *name, unsigned int def)
{
  char const *x = getenv(name) ;
  unsigned int n ;
  return x && uint0_scan(x, &n) && n && n <= 86400 ? n : def ;
}

/* the pre-login limits (from the environment when set) start now */
void io_timeouts (void)
{
  pretime = envsecs("TERN_IMAP_PRELOGIN_TIMEOUT", pretime) ;
  logintime = envsecs("TERN_IMAP_LOGIN_TIMEOUT", logintime) ;
  cmdtime = envsecs("TERN_IMAP_COMMAND_TIMEOUT", cmdtime) ;
  logindl = now_ms() + (uint64_t)logintime * 1000 ;
}

/* the command's clock starts with its first byte */
static void cmdclock (void)
{
  if (!cmddl) cmddl = now_ms() + (uint64_t)cmdtime * 1000 ;
}

void io_init (int in, int out)
{
  S.infd = in ;
  S.outfd = out ;
}

/* drops buffered input: the number of bytes dropped */
size_t io_discard (void)
{
  size_t n = ilen - ipos ;
  ipos = ilen = 0 ;
  return n ;
}

void io_maxmsg (uint64_t n)
{
  maxmsg = n ;
}

/* 1 if input is buffered: pipelined commands wait */
int in_pending (void)
{
  return ipos < ilen || zip_pending() ;
}

/* the input buffered after a COMPRESS command, taken away */
char const *io_rest (size_t *n)
{
  char const *s = ibuf + ipos ;
  *n = ilen - ipos ;
  ipos = ilen = 0 ;
  return s ;
}

/* waits up to ms for input: 1 readable, 0 timeout */
int in_idle (unsigned int ms)
{
  struct pollfd p = { .fd = S.infd, .events = POLLIN } ;
  int r ;
  if (in_pending()) return 1 ;
  r = poll(&p, 1, (int)ms) ;
  if (r < 0 && errno != EINTR) strerr_diefusys(111, "poll") ;
  return r > 0 ;
}

/* waits up to ms for input or for fd (if >= 0) to be readable:
   1 input, 2 fd, 0 timeout */
int in_idlefd (int fd, unsigned int ms)
{
  struct pollfd p[2] = { { .fd = S.infd, .events = POLLIN }, { .fd = fd, .events = POLLIN } } ;
  int r ;
  if (in_pending()) return 1 ;
  r = poll(p, fd >= 0 ? 2 : 1, (int)ms) ;
  if (r < 0 && errno != EINTR) strerr_diefusys(111, "poll") ;
  if (r <= 0) return 0 ;
  if (p[0].revents) return 1 ;
  return 2 ;
}

/* a literal of n bytes: more time for the command */
static void litclock (uint64_t n)
{
  cmdclock() ;
  cmddl += n / LITRATE * 1000 ;
}

/* how long input may be waited for now (ms) and, when that runs out,
   why the session ends */
static uint64_t waitlimit (char const **why)
{
  uint64_t now = now_ms(), w = (uint64_t)(S.state == S_NOAUTH ? pretime : S.timeout) * 1000 ;
  uint64_t l = logindl > now ? logindl - now : 0, c = cmddl > now ? cmddl - now : 0 ;
  *why = "idle for too long" ;
  if (S.state == S_NOAUTH && l < w) { w = l ; *why = "no login in time" ; }
  if (cmddl && c < w) { w = c ; *why = "command not complete in time" ; }
  return w ;
}

static int fill (void)
{
  char const *why ;
  uint64_t w ;
  ssize_t r ;
  if (ipos < ilen) return 1 ;
  out_flush() ;
  for (;;)
  {
    if (zip_on())
    {
      ssize_t z = zip_in(ibuf, sizeof ibuf) ;
      if (z < 0) strerr_dief2x(100, "client sent bad compressed data: ", zip_error()) ;
      if (z) { ipos = 0 ; ilen = (size_t)z ; return 1 ; }
    }
    w = waitlimit(&why) ;
    if (!w || !in_idle((unsigned int)w))
    {
      out_puts("* BYE autologout, ") ;
      out_puts(why) ;
      out_puts("\r\n") ;
      out_flush() ;
      strerr_dief2x(111, "timeout: ", why) ;
    }
    if (zip_on()) r = zip_read(S.infd) ;
    else do r = read(S.infd, ibuf, sizeof ibuf) ; while (r < 0 && errno == EINTR) ;
    if (r < 0 && errno == ECONNRESET) r = 0 ;   /* the client left */
    if (r < 0) strerr_diefusys(111, "read from the client") ;
    ipos = 0 ;
    if (r <= 0 || !zip_on()) { ilen = (size_t)r ; return r > 0 ; }
  }
}

/* appends one line (no CRLF) to sa, at most max bytes: 1, 0 EOF, -1 too long
   (the rest of the line is read and dropped) */
static int getline_ (stralloc *sa, size_t max)
{
  size_t start = sa->len ;
  int over = 0 ;
  for (;;)
  {
    char *nl ;
    size_t n ;
    if (!fill()) return 0 ;
    cmdclock() ;
    nl = memchr(ibuf + ipos, '\n', ilen - ipos) ;
    n = nl ? (size_t)(nl - ibuf - ipos) + 1 : ilen - ipos ;
    if (!over && sa->len - start + n > max + 2) over = 1 ;
    if (!over && !stralloc_catb(sa, ibuf + ipos, n)) strerr_diefusys(111, "read a command") ;
    ipos += n ;
    if (nl) break ;
  }
  if (over) return -1 ;  /* sa keeps the start of the line, for its tag */
  sa->len-- ;
  if (sa->len > start && sa->s[sa->len-1] == '\r') sa->len-- ;
  return 1 ;
}

int in_line (stralloc *sa)
{
  int r ;
  sa->len = 0 ;
  cmddl = 0 ;
  r = getline_(sa, 16384) ;
  cmddl = 0 ;
  if (r < 0) sa->len = 0 ;
  return r ;
}

/* reads n bytes into sa (append) or, with fd >= 0, to fd */
static int getbytes (stralloc *sa, int fd, uint64_t n)
{
  while (n)
  {
    size_t k ;
    if (!fill()) return 0 ;
    k = ilen - ipos ;
    if (k > n) k = (size_t)n ;
    if (fd >= 0)
    {
      size_t w = 0 ;
      while (w < k)
      {
        ssize_t r = write(fd, ibuf + ipos + w, k - w) ;
        if (r < 0) { if (errno == EINTR) continue ; fd = -2 ; break ; }
        w += (size_t)r ;
      }
    }
    else if (fd == -1 && !stralloc_catb(sa, ibuf + ipos, k)) strerr_diefusys(111, "read a literal") ;
    ipos += k ;
    n -= k ;
  }
  return fd == -2 ? -1 : 1 ;
}

static char tagbuf[65] ;

static int atomchar_ (char c)
{
  return (unsigned char)c > 0x20 && c != 0x7f && !strchr("(){%*\"\\]+", c) ;
}

/* the tag of a command (for replies before it is parsed) */
static void settag (stralloc const *sa)
{
  size_t i = 0 ;
  while (i < sa->len && i < 64 && sa->s[i] != ' ' && atomchar_(sa->s[i])) i++ ;
  if (!i || (i < sa->len && sa->s[i] != ' ')) { S.tag = "*" ; return ; }
  memcpy(tagbuf, sa->s, i) ;
  tagbuf[i] = 0 ;
  S.tag = tagbuf ;
}

static int isappend (stralloc const *sa)
{
  char const *sp = memchr(sa->s, ' ', sa->len) ;
  size_t rest ;
  if (!sp) return 0 ;
  rest = sa->len - (size_t)(sp + 1 - sa->s) ;
  return rest > 7 && !strncasecmp(sp + 1, "APPEND ", 7) ;
}

/* a file in Inbox's tmp/ for an APPEND literal: fd, or -1 */
static int tmpfile_ (stralloc *path)
{
  tern_mboxent e ;
  char fmt[UINT32_FMT] ;
  int fd ;
  if (tern_store_mbox_lookup(S.acct.s, "Inbox", &e)) return -1 ;
  path->len = 0 ;
  if (!stralloc_copys(path, S.acct.s) || !stralloc_cats(path, "/mail/")
   || !stralloc_catb(path, fmt, uint32_fmt(fmt, e.id)) || !stralloc_cats(path, "/tmp/")
   || !tern_uniqname(path) || !stralloc_0(path)) return -1 ;
  fd = open(path->s, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600) ;
  return fd ;
}

/* the literal of n bytes announced at the end of sa goes to a file */
static int streamlit (stralloc *sa, size_t at, uint64_t n, int plus)
{
  stralloc *path = &S.files[S.nfiles] ;
  int fd, r ;
  imap_conf() ;   /* max-message-size */
  if (n > maxmsg)
  {
    if (plus) { out_tagged("BAD", "[TOOBIG] literal too big") ; out_flush() ; strerr_dief(100, "client sent an over-long literal") ; }
    out_tagged("NO", "[TOOBIG] message too big") ;
    return -1 ;
  }
  litclock(n) ;
  fd = tmpfile_(path) ;
  if (fd < 0 && !plus) { out_temp("[SERVERBUG] cannot store the message now") ; return -1 ; }
  if (!plus) { out_puts("+ Ready for literal data\r\n") ; out_flush() ; }
  r = getbytes(0, fd < 0 ? -3 : fd, n) ;
  if (fd >= 0 && (fsync(fd) < 0 || close(fd) < 0)) r = -1 ;
  if (!r) return 0 ;
  if (fd < 0 || r < 0)
  {
    if (fd >= 0) unlink(path->s) ;
    out_temp("[SERVERBUG] cannot store the message now") ;
    return -1 ;
  }
  S.filesize[S.nfiles] = n ;
  sa->len = at ;
  if (!stralloc_catb(sa, "\0", 1) || !stralloc_catb(sa, "0123456789" + S.nfiles, 1)) strerr_diefusys(111, "read a command") ;
  S.nfiles++ ;
  return 1 ;
}

static int command (stralloc *sa)
{
  sa->len = 0 ;
  S.nfiles = 0 ;
  S.tag = 0 ;
  for (;;)
  {
    size_t start = sa->len, i ;
    uint64_t n ;
    int plus, r = getline_(sa, IMAP_LINEMAX) ;
    if (!r) return 0 ;
    if (r < 0) { settag(sa) ; sa->len = start ; out_tagged("BAD", "line too long") ; return -1 ; }
    if (memchr(sa->s + start, 0, sa->len - start)) { settag(sa) ; out_tagged("BAD", "NUL byte in a command") ; return -1 ; }
    i = sa->len ;
    while (i > start && sa->s[i-1] != '{') i-- ;
    if (i == start || !imap_litscan(sa->s + i - 1, sa->len - i + 1, &n, &plus)) return 1 ;
    i-- ;
    settag(sa) ;
    if (S.state != S_NOAUTH && S.nfiles < IMAP_FILEMAX && isappend(sa))
    {
      /* "~{n}": a literal8 (RFC 3516), binary content: a file all the same */
      r = streamlit(sa, i > start && sa->s[i-1] == '~' ? i - 1 : i, n, plus) ;
      if (r <= 0) return r ;
      continue ;
    }
    if (sa->len > IMAP_CMDMAX || n > IMAP_CMDMAX - sa->len)
    {
      if (plus) { out_tagged("BAD", "literal too big") ; out_flush() ; strerr_dief(100, "client sent an over-long literal") ; }
      out_tagged("NO", "literal too big") ;
      return -1 ;
    }
    litclock(n) ;
    if (!plus) { out_puts("+ go ahead\r\n") ; out_flush() ; }
    if (!stralloc_catb(sa, "\r\n", 2)) strerr_diefusys(111, "read a command") ;
    if (!getbytes(sa, -1, n)) return 0 ;
  }
}

int in_command (stralloc *sa)
{
  int r ;
  cmddl = 0 ;
  r = command(sa) ;
  cmddl = 0 ;
  return r ;
}
