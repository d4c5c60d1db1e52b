/* tern: the dispatcher.  "tern X args" runs tern-X args from tern's own
   directory, like git.  "tern" or "tern -h" lists the commands installed
   there.  Called as "sendmail" it runs tern-sendmail.  exit: that of the
   command; 100 usage; 111 could not run it. */
#include <string.h>
#include <unistd.h>
#include <errno.h>
#include <skalibs/strerr.h>
#include <skalibs/buffer.h>
#include <skalibs/exec.h>
#include <skalibs/djbunix.h>
#include "tern.h"

static char const *const cmds[][2] =
{
  { "conf", "check, compile and edit the configuration" },
  { "passwd", "set an account's password" },
  { "install-users", "create the system users of tern-users(7)" },
  { "fixperms", "repair owners and modes of the config and data" },
  { "runas", "start a job as its user (tern-users(7))" },
  { "localserve", "run tern on this machine for trying it out" },
  { "quickstart", "set up a real mail server: configuration, keys, services" },
  { "smtp-in", "the SMTP server for one connection" },
  { "queue", "list, kick, hold, release or drop queued messages" },
  { "route", "the transport for one delivery attempt" },
  { "sendmail", "sendmail-compatible injector" },
  { "imap", "the IMAP server for one connection" },
  { "junk", "classify and train the junk filter" },
  { "retrain", "rebuild an account's junk filter from its flags" },
  { "backup", "a consistent backup of the data" },
  { "verify", "check the data, and repair it with -fix" },
  { "gentestdata", "make a configuration and data for tests" },
  { "dnscheck", "check a domain's DNS records" },
} ;

/* The directory of this program, with its final slash, into dir
   (NUL-terminated); returns its length. */
static size_t selfdir (char *dir, size_t max)
{
  ssize_t n = readlink("/proc/self/exe", dir, max - 1) ;
  char *slash ;
  if (n < 0) strerr_diefu1sys(111, "read /proc/self/exe") ;
  dir[n] = 0 ;
  slash = strrchr(dir, '/') ;
  n = slash ? slash - dir + 1 : 0 ;
  dir[n] = 0 ;
  return (size_t)n ;
}

/* The table's commands whose tern-X is installed beside us. */
static void list (int fd, int code)
{
  buffer *b = fd == 1 ? buffer_1 : buffer_2 ;
  char path[4096 + 32] ;
  size_t dlen = selfdir(path, 4096) ;
  memcpy(path + dlen, "tern-", 5) ;
  buffer_puts(b, "usage: tern command [ args... ]\ncommands:\n") ;
  for (size_t i = 0 ; i < sizeof cmds / sizeof *cmds ; i++)
  {
    size_t n = strlen(cmds[i][0]) ;
    memcpy(path + dlen + 5, cmds[i][0], n + 1) ;
    if (access(path, X_OK) < 0) continue ;
    buffer_puts(b, "  ") ;
    buffer_puts(b, cmds[i][0]) ;
    buffer_put(b, "            ", n < 12 ? 12 - n : 1) ;
    buffer_puts(b, cmds[i][1]) ;
    buffer_puts(b, "\n") ;
  }
  buffer_puts(b, "run \"tern command -h\" for a command's usage\n") ;
  buffer_flush(b) ;
  _exit(code) ;
}

int main (int argc, char const **argv)
{
  char const *base = strrchr(argv[0], '/') ;
  char const *cmd ;
  PROG = "tern" ;
  base = base ? base + 1 : argv[0] ;
  if (!strcmp(base, "sendmail")) { cmd = "sendmail" ; argv[0] = "tern-sendmail" ; }
  else
  {
    if (argc < 2) list(2, 100) ;
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) list(1, 0) ;
    if (strchr(argv[1], '/') || argv[1][0] == '-') strerr_dief(100, "unknown command: ", argv[1]) ;
    cmd = argv[1] ; argv++ ;
  }
  {
    char self[4096] ;
    size_t dlen = selfdir(self, sizeof self) ;
    size_t clen = strlen(cmd) ;
    char path[dlen + 5 + clen + 1] ;
    memcpy(path, self, dlen) ;
    memcpy(path + dlen, "tern-", 5) ;
    memcpy(path + dlen + 5, cmd, clen + 1) ;
    argv[0] = path ;
    execv(path, (char *const *)argv) ;
    if (errno == ENOENT) strerr_dief(100, "unknown command: ", cmd, " (run tern -h)") ;
    strerr_diefu2sys(111, "run ", path) ;
  }
}
