/* tern-queue-run-conf: the runner's settings from config.cdb, and moving
   to a new config.cdb when tern-conf replaced it (checked before each pass,
   no signal needed; see tern-queue-run(8)). */
#include <errno.h>
#include <string.h>
#include <skalibs/types.h>
#include <skalibs/strerr.h>
#include "tern.h"
#include "tern_log.h"
#include "tern-queue-run.h"

static unsigned int number (char const *key, unsigned int dflt)
{
  stralloc v = STRALLOC_ZERO ;
  unsigned int u = dflt ;
  if (tern_conf_global(&conf, key, &v) == 1 && stralloc_0(&v) && !uint0_scan(v.s, &u)) u = dflt ;
  stralloc_free(&v) ;
  return u ? u : dflt ;
}

/* (re)read the settings; the first time, find the queue */
void conf_read (int first)
{
  if (first && tern_conf_global(&conf, "datadir", &qdir) != 1) strerr_diefusys(111, "read datadir in ", confdir) ;
  if (first && !stralloc_cats(&qdir, "/queue")) strerr_diefusys(111, "allocate") ;
  concurrency = number("queue-concurrency", 10) ;
  maxattempts = number("queue-max-attempts", 8) ;
  domconcurrency = number("queue-domain-concurrency", 1) ;
  activemax = number("queue-active-max", 20000) ;
  remoteto.len = 0 ;
  if (tern_conf_global(&conf, "deliver-remote-to", &remoteto) < 0) remoteto.len = 0 ;
  if (!stralloc_0(&remoteto)) strerr_diefusys(111, "allocate") ;
  for (size_t i = 0 ; i < NMSGS ; i++) if (MSG(i)->used) msg_wake(i, 0) ;
}

/* Before each pass: a config.cdb that tern-conf renamed over ours is
   mapped and its settings read, so that no decision is made on an old
   configuration (tern-conf sends no signal).  One stat(2) per pass when
   nothing changed; an error is logged when it starts, not on every pass. */
void conf_check (int force)
{
  static int failing = 0 ;
  dev_t dev = conf.dev ;
  ino_t ino = conf.ino ;
  if (!tern_conf_refresh(&conf))
  {
    if (!failing) tern_log_warn("config", "path", conf.path.s, "error", strerror(errno), "action", "keep the last one", TERN_LOG_END) ;
    failing = 1 ;
    return ;
  }
  failing = 0 ;
  if (!force && conf.dev == dev && conf.ino == ino) return ;
  tern_log_info("config", "path", conf.path.s, "action", "reloaded", TERN_LOG_END) ;
  conf_read(0) ;
}
