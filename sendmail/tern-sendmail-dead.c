/* tern-sendmail-dead.c: a message that was not sent is appended, in mbox
   form (mboxrd quoting), to the first dead letter file that can be written:
   the configured one, $HOME/dead.letter, the home directory's from the
   password database, /var/tmp/dead.letter.UID.  Mode 0600, locked, a
   regular file of ours (no symbolic link, no FIFO); each refusal is said. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <pwd.h>
#include <sys/stat.h>
#include <skalibs/types.h>
#include <skalibs/djbunix.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/strerr.h>
#include "tern.h"
#include "tern_date.h"
#include "tern-sendmail.h"

/* "From SENDER Tue Nov 14 22:13:20 2023" from "Tue, 14 Nov 2023 22:13:20 +0000" */
static int fromline (stralloc *sa, char const *sender)
{
  char d[TERN_DATE_FMT] ;
  char const *w[6] ;
  size_t n = 0 ;
  tern_date_fmt(d, (uint64_t)time(0)) ;
  for (char *p = d ; n < 6 && *p ; n++)
  {
    w[n] = p ;
    p += strcspn(p, " ,") ;
    while (*p == ' ' || *p == ',') *p++ = 0 ;
  }
  if (n < 5) return stralloc_cats(sa, "From ") && stralloc_cats(sa, *sender ? sender : "MAILER-DAEMON") && stralloc_cats(sa, " Thu Jan  1 00:00:00 1970\n") ;
  return stralloc_cats(sa, "From ") && stralloc_cats(sa, *sender ? sender : "MAILER-DAEMON")
    && stralloc_cats(sa, " ") && stralloc_cats(sa, w[0]) && stralloc_cats(sa, " ") && stralloc_cats(sa, w[2])
    && stralloc_cats(sa, strlen(w[1]) < 2 ? "  " : " ") && stralloc_cats(sa, w[1]) && stralloc_cats(sa, " ")
    && stralloc_cats(sa, w[4]) && stralloc_cats(sa, " ") && stralloc_cats(sa, w[3]) && stralloc_cats(sa, "\n") ;
}

/* the message with LF line ends, ">*From " lines quoted, a blank line after */
static int mbox (stralloc *sa, char const *sender, char const *s, size_t len)
{
  size_t pos = 0 ;
  if (!fromline(sa, sender)) return 0 ;
  while (pos < len)
  {
    size_t i = pos, q ;
    while (i < len && s[i] != '\n' && s[i] != '\r') i++ ;
    for (q = pos ; q < i && s[q] == '>' ; q++) ;
    if (i - q >= 5 && !memcmp(s + q, "From ", 5) && !stralloc_catb(sa, ">", 1)) return 0 ;
    if (!stralloc_catb(sa, s + pos, i - pos) || !stralloc_catb(sa, "\n", 1)) return 0 ;
    if (i < len && s[i] == '\r' && ++i < len && s[i] == '\n') i++ ;
    else if (i < len && s[i] == '\n') i++ ;
    pos = i ;
  }
  return stralloc_catb(sa, "\n", 1) ;
}

/* 1 written to path, 0 not (said why on stderr, unless path's directory
   is missing).  O_NONBLOCK: a FIFO planted in /var/tmp must not block the
   open; the file is checked before anything is written. */
static int save (char const *path, char const *text, size_t len)
{
  struct stat st ;
  char uid[UINT_FMT] ;
  int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600) ;
  if (fd < 0)
  {
    if (errno != ENOENT) strerr_warnwu3sys("use the dead letter ", path, "") ;
    return 0 ;
  }
  uid[uint_fmt(uid, geteuid())] = 0 ;
  if (fstat(fd, &st) < 0) { strerr_warnwu2sys("stat the dead letter ", path) ; goto err ; }
  if (!S_ISREG(st.st_mode)) { strerr_warnw3x("unable to use the dead letter ", path, ": not a regular file") ; goto err ; }
  if (st.st_uid != geteuid()) { strerr_warnw4x("unable to use the dead letter ", path, ": not owned by uid ", uid) ; goto err ; }
  if (ndelay_off(fd) < 0 || fd_lock(fd, 1, 0) <= 0 || fstat(fd, &st) < 0)
  {
    strerr_warnwu2sys("lock the dead letter ", path) ;
    goto err ;
  }
  if (allwrite(fd, text, len) != len || fsync(fd) < 0)
  {
    strerr_warnwu2sys("write the dead letter ", path) ;
    if (ftruncate(fd, st.st_size) < 0) { }
    goto err ;
  }
  fd_close(fd) ;
  return 1 ;
 err:
  fd_close(fd) ;
  return 0 ;
}

static int try (stralloc *path, char const *dir, char const *file, char const *text, size_t len)
{
  path->len = 0 ;
  if (!dir || !*dir) return 0 ;
  if (!stralloc_cats(path, dir) || (file && (!stralloc_cats(path, "/") || !stralloc_cats(path, file))) || !stralloc_0(path)) return 0 ;
  return save(path->s, text, len) ;
}

int sm_dead (char const *conf, char const *sender, char const *msg, size_t len, stralloc *path)
{
  stralloc text = STRALLOC_ZERO ;
  char const *home = getenv("HOME") ;
  struct passwd *pw ;
  char tmp[32] = "/var/tmp/dead.letter." ;
  int r = 0 ;
  if (!mbox(&text, sender, msg, len)) goto end ;
  if ((r = try(path, conf, 0, text.s, text.len))) goto end ;
  if ((r = try(path, home, "dead.letter", text.s, text.len))) goto end ;
  pw = getpwuid(getuid()) ;
  if (pw && (!home || strcmp(home, pw->pw_dir)) && (r = try(path, pw->pw_dir, "dead.letter", text.s, text.len))) goto end ;
  tmp[21 + uint_fmt(tmp + 21, getuid())] = 0 ;
  r = try(path, tmp, 0, text.s, text.len) ;
 end:
  stralloc_free(&text) ;
  return r ;
}
