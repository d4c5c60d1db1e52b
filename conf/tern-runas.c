/* tern-runas: start one job of tern-users(7) as its user.
   usage: tern-runas [ -c confdir ] job prog [ args... ]
   Not root: exec prog unchanged.  exit: that of prog; 100 usage, bad job;
   111 no config, unknown user, could not drop or exec. */
#include <string.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/stat.h>
#include <grp.h>
#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include <skalibs/exec.h>
#include <skalibs/env.h>
#include "tern.h"
#include "tern_user.h"

#define USAGE "tern-runas [ -c confdir ] smtp|imap|queue|door|log prog [ args... ]"

static void ids (tern_conf const *c, char const *key, uid_t *u, gid_t *g)
{
  stralloc name = STRALLOC_ZERO ;
  if (!tern_user_conf(c, key, u, g, &name))
  {
    tern_conf_global(c, key, &name) ;
    stralloc_0(&name) ;
    strerr_diefu4sys(111, "find the ", key, " ", name.len ? name.s : "(none)") ;
  }
  stralloc_free(&name) ;
}

static void setid (char const *var, unsigned int id)
{
  char fmt[UINT_FMT] ;
  fmt[uint_fmt(fmt, id)] = 0 ;
  if (setenv(var, fmt, 1) < 0) strerr_diefu2sys(111, "set ", var) ;
}

int main (int argc, char const *const *argv)
{
  subgetopt l = SUBGETOPT_ZERO ;
  tern_conf c = TERN_CONF_ZERO ;
  char const *confdir = 0, *job ;
  uid_t u, tu ;
  gid_t g, tg ;
  PROG = "tern-runas" ;
  for (int o ; (o = subgetopt_r(argc, argv, "c:", &l)) != -1 ;)
    if (o == 'c') confdir = l.arg ;
    else strerr_dieusage(100, USAGE) ;
  argc -= l.ind ; argv += l.ind ;
  if (argc < 2) strerr_dieusage(100, USAGE) ;
  job = argv[0] ;
  if (strcmp(job, "smtp") && strcmp(job, "imap") && strcmp(job, "queue") && strcmp(job, "door") && strcmp(job, "log"))
    strerr_dief(100, "unknown job: ", job) ;
  if (geteuid())
  {
    xexec(argv + 1) ;
  }
  confdir = tern_confdir(confdir) ;
  if (!tern_conf_open(&c, confdir)) strerr_diefusys(111, "open the configuration in ", confdir) ;
  umask(007) ;  /* the queue is shared through group tern */
  if (job[0] == 's' || job[0] == 'i')
  {
    /* a listener: stays root to bind and read the key; its children drop */
    ids(&c, job[0] == 's' ? "smtp-user" : "user", &u, &g) ;
    ids(&c, "tls-user", &tu, &tg) ;
    tern_conf_close(&c) ;
    setid("UID", u) ; setid("GID", g) ; setid("TLS_UID", tu) ; setid("TLS_GID", tg) ;
    unsetenv("GIDLIST") ;
    if (setgroups(0, 0) < 0) strerr_diefusys(111, "drop the supplementary groups") ;
  }
  else
  {
    ids(&c, job[0] == 'l' ? "log-user" : "user", &u, &g) ;
    tern_conf_close(&c) ;
    if (!tern_user_drop(u, g)) strerr_diefusys(111, "drop privileges") ;
  }
  xexec(argv + 1) ;
}
