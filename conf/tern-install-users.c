/* tern-install-users: create the groups and system users of tern-users(7)
   named in CONFDIR/tern.conf with groupadd and useradd; idempotent.
   usage: tern-install-users [ -c confdir ]   exit: 0 done, 100 usage,
   111 not root, a tool failed, a user exists with another primary group. */
#include <errno.h>
#include <string.h>
#include <grp.h>
#include <pwd.h>
#include <unistd.h>
#include <sys/wait.h>
#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>
#include <skalibs/djbunix.h>
#include <skalibs/types.h>
#include "tern.h"
#include "tern_conftext.h"

#define USAGE "tern-install-users [ -c confdir ]"

static unsigned int changes, bad ;

/* The value of g:KEY in t's records, or def. */
static char const *value (tern_conftext const *t, char const *key, char const *def)
{
  for (size_t i = 0 ; i < t->recs.len ;)
  {
    char const *k = t->recs.s + i, *v = k + strlen(k) + 1 ;
    if (!strncmp(k, "g:", 2) && !strcmp(k + 2, key)) return v ;
    i = v + strlen(v) + 1 - t->recs.s ;
  }
  return def ;
}

static int number (char const *s)
{
  uint32_t n ;
  size_t len = uint32_scan(s, &n) ;
  return len && !s[len] ;
}

/* Run argv (its last element before the 0 is the name it creates). */
static void run (char const *const *argv, char const *name)
{
  int wstat ;
  pid_t pid = fork() ;
  if (pid < 0) strerr_diefusys(111, "fork") ;
  if (!pid)
  {
    execvp(argv[0], (char *const *)argv) ;
    strerr_diefu2sys(111, "run ", argv[0]) ;
  }
  if (waitpid(pid, &wstat, 0) < 0) strerr_diefu2sys(111, "wait for ", argv[0]) ;
  if (!WIFEXITED(wstat) || WEXITSTATUS(wstat)) strerr_dief(111, argv[0], " failed for ", name) ;
  changes++ ;
}

static void group (char const *g)
{
  char const *argv[] = { "groupadd", "--system", g, 0 } ;
  if (number(g) || getgrnam(g)) return ;
  run(argv, g) ;
  strerr_warni2x("created group ", g) ;
}

static void user (char const *u, char const *g)
{
  struct passwd *pw ;
  struct group *gr = number(g) ? 0 : getgrnam(g) ;
  uint32_t gid = 0 ;
  if (number(u)) return ;
  if (gr) gid = gr->gr_gid ; else uint32_scan(g, &gid) ;
  pw = getpwnam(u) ;
  if (pw)
  {
    if (pw->pw_gid != gid)
    {
      char fmt[UINT32_FMT] ;
      fmt[uint32_fmt(fmt, pw->pw_gid)] = 0 ;
      strerr_warnw6x("user ", u, " exists with primary group ", fmt, " instead of ", g) ;
      bad++ ;
    }
    return ;
  }
  {
    char const *argv[] = { "useradd", "--system", "--gid", g, "--no-create-home", "--home-dir", "/nonexistent",
      "--shell", "/usr/sbin/nologin", u, 0 } ;
    run(argv, u) ;
  }
  strerr_warni4x("created user ", u, " with group ", g) ;
}

int main (int argc, char const *const *argv)
{
  subgetopt l = SUBGETOPT_ZERO ;
  tern_conftext t = TERN_CONFTEXT_ZERO ;
  stralloc s = STRALLOC_ZERO, path = STRALLOC_ZERO ;
  char const *confdir = 0, *u, *su, *tu, *lu ;
  PROG = "tern-install-users" ;
  for (int o ; (o = subgetopt_r(argc, argv, "c:", &l)) != -1 ;)
    if (o == 'c') confdir = l.arg ;
    else strerr_dieusage(100, USAGE) ;
  if (argc != l.ind) strerr_dieusage(100, USAGE) ;
  if (geteuid()) strerr_dief(111, "must be run as root") ;
  confdir = tern_confdir(confdir) ;
  if (!stralloc_cats(&path, confdir) || !stralloc_cats(&path, "/tern.conf") || !stralloc_0(&path)
   || !openslurpclose(&s, path.s)) strerr_diefu2sys(111, "read ", path.s) ;
  /* only the user keys matter here: other problems are for tern conf check */
  if (!tern_conftext_init(&t, confdir, TERN_CONFTEXT_NOLOOKUP)
   || !tern_conftext_file(&t, TERN_CONFTEXT_GLOBAL, "tern.conf", 0, s.s, s.len)) strerr_diefusys(111, "parse ", path.s) ;
  u = value(&t, "user", "tern") ; su = value(&t, "smtp-user", "tern-smtpd") ;
  tu = value(&t, "tls-user", "tern-tls") ; lu = value(&t, "log-user", "tern-log") ;
  group(u) ; group(tu) ; group(lu) ;
  user(u, u) ; user(su, u) ; user(tu, tu) ; user(lu, lu) ;
  if (!changes) strerr_warni1x("nothing to do: the users and groups exist") ;
  tern_conftext_free(&t) ;
  stralloc_free(&s) ;
  stralloc_free(&path) ;
  if (bad) strerr_dief(111, "fix the users above by hand (tern-users(7))") ;
  return 0 ;
}
