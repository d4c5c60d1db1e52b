/* tern-queue-inject-run: the whole of tern-queue-inject but main: argv,
   the envelope (tern_qenv_make), the configuration, the file
   (tern-queue-inject-write.c).  Dies 100 or 111; returns 0. */
#include <string.h>
#include <signal.h>
#include <unistd.h>
#include <sys/stat.h>
#include <skalibs/types.h>
#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>
#include <skalibs/buffer.h>
#include "tern.h"
#include "tern_addr.h"
#include "tern_conf.h"
#include "tern_log.h"
#include "tern-queue-inject.h"

#define USAGE "tern-queue-inject [ -c confdir ] [ -a account ] [ -i ip ] [ -H helo ] [ -8 ] [ -U ] [ -y fd ] -f sender [ -- ] rcpt..."

/* argv's recipients one after the other, NUL-terminated */
static char const *rcpts (stralloc *sa, int argc, char const *const *argv)
{
  for (int i = 0 ; i < argc ; i++)
    if (!stralloc_catb(sa, argv[i], strlen(argv[i]) + 1)) strerr_diefusys(111, "allocate") ;
  return sa->s ;
}

/* Run setgid (tern-sendmail by a local user, tern-users(7)): no -a, -i or
   -H, which only tern's own programs may claim, and only a configuration
   that root owns and only root may change, so that the caller cannot
   point the group's write access at a directory of its choice. */
static void setgid_check (char const *confdir, char const *acct, char const *ip, char const *helo)
{
  static char const *const files[2] = { "", "/config.cdb" } ;
  if (getegid() == getgid() && geteuid() == getuid()) return ;
  if (acct || *ip || *helo) strerr_dief(100, "-a, -i and -H are not allowed to a setgid caller") ;
  for (unsigned int i = 0 ; i < 2 ; i++)
  {
    struct stat st ;
    size_t n = strlen(confdir) ;
    char p[n + 12] ;
    memcpy(p, confdir, n) ; memcpy(p + n, files[i], strlen(files[i]) + 1) ;
    if (stat(p, &st) < 0) strerr_diefu2sys(111, "stat ", p) ;
    if (st.st_uid || st.st_mode & 022) strerr_dief(100, "refusing ", p, " to a setgid caller: not root's alone (tern-users(7))") ;
  }
}

/* DATADIR/queue and max-message-size from the configuration */
static uint64_t config (char const *confdir, stralloc *qdir)
{
  tern_conf c = TERN_CONF_ZERO ;
  stralloc v = STRALLOC_ZERO ;
  uint64_t max = 104857600 ;
  if (!tern_conf_open(&c, confdir)) strerr_diefusys(111, "open the configuration in ", confdir) ;
  if (tern_conf_global(&c, "datadir", qdir) != 1 || !stralloc_cats(qdir, "/queue") || !stralloc_0(qdir))
    strerr_diefusys(111, "read datadir from the configuration in ", confdir) ;
  switch (tern_conf_global(&c, "max-message-size", &v))
  {
    case 1 :
      if (!stralloc_0(&v)) strerr_diefusys(111, "allocate") ;
      uint64_scan(v.s, &max) ;
      break ;
    case 0 : break ;
    default : strerr_diefusys(111, "read the configuration in ", confdir) ;
  }
  stralloc_free(&v) ;
  tern_conf_close(&c) ;
  return max ;
}

int inject_run (int argc, char const *const *argv)
{
  tern_qenv env = TERN_QENV_ZERO ;
  stralloc qdir = STRALLOC_ZERO ;
  subgetopt l = SUBGETOPT_ZERO ;
  char const *confdir = 0, *sender = 0, *acct = 0, *ip = "", *helo = "" ;
  char id[TERN_QUEUE_IDMAX], sz[UINT64_FMT], n[UINT_FMT] ;
  stralloc rl = STRALLOC_ZERO ;
  char const *what, *bad ;
  int r ;
  uint64_t max, size ;
  int yfd = -1 ;
  PROG = "tern-queue-inject" ;
  for (int opt ; (opt = subgetopt_r(argc, argv, "hc:a:i:H:8Uy:f:", &l)) != -1 ;)
    switch (opt)
    {
      case 'h' : buffer_putsflush(buffer_1, "usage: " USAGE "\n") ; return 0 ;
      case 'c' : confdir = l.arg ; break ;
      case 'a' : acct = l.arg ; break ;
      case 'i' : ip = l.arg ; break ;
      case 'H' : helo = l.arg ; break ;
      case '8' : env.flags |= TERN_QENV_8BIT ; break ;
      case 'U' : env.flags |= TERN_QENV_UTF8 ; break ;
      case 'f' : sender = l.arg ; break ;
      case 'y' : if (!int0_scan(l.arg, &yfd) || yfd < 0) strerr_dieusage(100, USAGE) ; break ;
      default : strerr_dieusage(100, USAGE) ;
    }
  argc -= l.ind ; argv += l.ind ;
  if (!sender) strerr_dieusage(100, USAGE) ;
  if (!argc) strerr_dief(100, "no recipient") ;
  signal(SIGPIPE, SIG_IGN) ;
  r = tern_qenv_make(&env, sender, rcpts(&rl, argc, argv), (unsigned int)argc, acct, ip, helo, env.flags, &what, &bad) ;
  switch (r)
  {
    case TERN_OK : break ;
    case TERN_PERM :
      if (!strcmp(what, "account")) strerr_dief(100, "bad account name: ", acct) ;
      strerr_dief(100, "bad ", what, " address: ", bad) ;
    default : strerr_diefusys(111, "make the envelope") ;
  }
  stralloc_free(&rl) ;
  /* max-message-size limits what the client sent: allow 64 KiB more for the
     trace fields (Received:) that tern-smtp-in puts on top */
  confdir = tern_confdir(confdir) ;
  setgid_check(confdir, acct, ip, helo) ;
  max = config(confdir, &qdir) + 65536 ;
  inject_write(qdir.s, &env, max, id, &size, yfd) ;
  if (buffer_puts(buffer_1, id) < 0 || buffer_putflush(buffer_1, "\n", 1) < 0)
    strerr_diefusys(111, "write to stdout") ;
  sz[uint64_fmt(sz, size)] = 0 ;
  n[uint_fmt(n, env.nrcpt)] = 0 ;
  rl.len = 0 ;
  if (!stralloc_catb(&rl, "<", 1) || !tern_addr_logtext(&rl, env.from.s, env.flags & TERN_QENV_UTF8)
   || !stralloc_catb(&rl, ">", 2)) return 0 ;
  tern_log_info("new", "id", id, "from", rl.s, "nrcpt", n, "size", sz, TERN_LOG_END) ;
  stralloc_free(&rl) ;
  tern_qenv_free(&env) ;
  stralloc_free(&qdir) ;
  return 0 ;
}
