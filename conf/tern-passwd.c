/* tern-passwd: set an account's password: write ACCOUNTDIR/credentials.
   usage: tern-passwd [ -c confdir ] account   (password on the terminal or stdin)
   stdout: nothing.  exit: 0 written, 100 usage/no account/bad password, 111 temporary. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <termios.h>
#include <grp.h>
#include <sys/stat.h>
#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>
#include <skalibs/buffer.h>
#include <skalibs/stralloc.h>
#include "tern.h"
#include "tern_conf.h"
#include "tern_cred.h"

#define USAGE "tern-passwd [ -c confdir ] account"
#define PWMAX 1024

/* One line from fd 0 into pw (no CR/LF, no NUL); returns its length. */
static size_t readline (char *pw)
{
  size_t n = 0 ;
  for (;;)
  {
    char c ;
    ssize_t r = read(0, &c, 1) ;
    if (r < 0) { if (errno == EINTR) continue ; strerr_diefusys(111, "read the password") ; }
    if (!r || c == '\n') break ;
    if (n >= PWMAX) strerr_dief(100, "password longer than 1024 bytes") ;
    if (!c) strerr_dief(100, "password contains a NUL byte") ;
    pw[n++] = c ;
  }
  while (n && (pw[n - 1] == '\r' || pw[n - 1] == '\n')) n-- ;
  return n ;
}

/* Prompt on stderr and read a line from the terminal without echo. */
static size_t readtty (char const *prompt, char *pw)
{
  struct termios old, quiet ;
  size_t n ;
  buffer_puts(buffer_2, prompt) ;
  buffer_flush(buffer_2) ;
  if (tcgetattr(0, &old) < 0) strerr_diefusys(111, "read terminal settings") ;
  quiet = old ;
  quiet.c_lflag &= ~(tcflag_t)ECHO ;
  quiet.c_lflag |= ECHONL ;
  if (tcsetattr(0, TCSAFLUSH, &quiet) < 0) strerr_diefusys(111, "turn echo off") ;
  n = readline(pw) ;
  tcsetattr(0, TCSAFLUSH, &old) ;
  return n ;
}

/* Counts characters: UTF-8 continuation bytes are not characters. */
static size_t chars (char const *s, size_t len)
{
  size_t n = 0 ;
  for (size_t i = 0 ; i < len ; i++) if (((unsigned char)s[i] & 0xc0) != 0x80) n++ ;
  return n ;
}

static void account (char const *confdir, char const *name, stralloc *path)
{
  switch (tern_conf_accountpath(confdir, name, path))
  {
    case 1 : break ;
    case 0 : strerr_dief(100, "no such account: ", name) ;
    default : strerr_diefusys(111, "find account ", name, " in the configuration in ", confdir) ;
  }
}

/* Run by root on an account directory of the store's owner (tern-users(7)):
   write as that owner, so the file gets its owner and group at once. */
static void owner (char const *dir)
{
  struct stat st ;
  if (geteuid() || stat(dir, &st) < 0 || !st.st_uid) return ;
  if (setgroups(0, 0) < 0 || setgid(st.st_gid) < 0 || setuid(st.st_uid) < 0) strerr_diefusys(111, "become the owner of ", dir) ;
}

int main (int argc, char const *const *argv)
{
  static char pw[PWMAX + 1], again[PWMAX + 1] ;
  stralloc path = STRALLOC_ZERO ;
  char const *confdir = 0 ;
  subgetopt l = SUBGETOPT_ZERO ;
  size_t n ;
  PROG = "tern-passwd" ;
  for (int opt ; (opt = subgetopt_r(argc, argv, "c:h", &l)) != -1 ;)
    switch (opt)
    {
      case 'c' : confdir = l.arg ; break ;
      case 'h' :
        if (buffer_putsflush(buffer_1, "usage: " USAGE "\n") < 0) strerr_diefusys(111, "write to stdout") ;
        return 0 ;
      default : strerr_dieusage(100, USAGE) ;
    }
  argc -= l.ind ; argv += l.ind ;
  if (argc != 1 || !argv[0][0]) strerr_dieusage(100, USAGE) ;
  confdir = tern_confdir(confdir) ;
  account(confdir, argv[0], &path) ;
  if (isatty(0))
  {
    n = readtty("Password: ", pw) ;
    if (!n) strerr_dief(100, "no password given") ;
    if (readtty("Again: ", again) != n || memcmp(pw, again, n)) strerr_dief(100, "the passwords differ") ;
  }
  else n = readline(pw) ;
  if (!n) strerr_dief(100, "no password given") ;
  if (chars(pw, n) < 8) strerr_dief(100, "password shorter than 8 characters") ;
  if (!tern_mkdirp(path.s, 0700)) strerr_diefusys(111, "create ", path.s) ;
  owner(path.s) ;
  path.len-- ;
  if (!stralloc_cats(&path, "/credentials") || !stralloc_0(&path)) strerr_diefusys(111, "allocate") ;
  if (!tern_cred_write(path.s, pw, n)) strerr_diefusys(111, "write ", path.s) ;
  memset(pw, 0, sizeof pw) ;
  memset(again, 0, sizeof again) ;
  stralloc_free(&path) ;
  return 0 ;
}
