/* tern-queue-local-deliver: the local delivery itself: fd 0 (from its
   offset) into ACCOUNT's Inbox.  Shared by tern-queue-local and by the
   runner's delivery child, which forks without an exec (an exec per message
   was a fifth of the runner's CPU in smtp.bench) and by its workers.
   local_deliver dies with 100 or 111, local_deliver_r returns them. */
#include <errno.h>
#include <unistd.h>
#include <skalibs/strerr.h>
#include "tern.h"
#include "tern_conf.h"
#include "tern_store.h"
#include "tern-queue-local.h"

/* fd 0 into the account's Inbox, the account looked up in c: 0 done, 100
   (no such account) or 111 with a warning said.  The store never makes a
   delivery fail for good: damage (named by path) and doubt defer it. */
int local_deliver_conf (tern_conf const *c, char const *account, uint64_t date)
{
  stralloc dir = STRALLOC_ZERO ;
  int r = tern_conf_account_exists(c, account) ;
  if (r == 1 && (!tern_conf_accountdir(c, account, &dir) || (dir.s[dir.len - 1] && !stralloc_0(&dir)))) r = -1 ;
  if (r != 1)
  {
    if (!r) strerr_warnw2x("no such account: ", account) ;
    else strerr_warnwu4sys("find account ", account, " in the configuration in ", c->path.s) ;
    stralloc_free(&dir) ;
    return r ? 111 : 100 ;
  }
  r = tern_store_deliverfd(dir.s, "Inbox", 0, 0, 0, 0, (int64_t)date, TERN_DELIVER_CREATE, 0) ;
  if (r && errno == ENOENT)
  {
    /* a new account: its store is made on its first message */
    r = tern_store_create(dir.s) ;
    if (!r) r = tern_store_deliverfd(dir.s, "Inbox", 0, 0, 0, 0, (int64_t)date, TERN_DELIVER_CREATE, 0) ;
  }
  if (r && errno == EUCLEAN)
    strerr_warnwu("deliver to account ", account, ": damaged store: ", tern_store_damage_path(), ": ",
      tern_store_damage_what(), " (the message waits in the queue)") ;
  else if (r) strerr_warnwusys("deliver to account ", account) ;
  stralloc_free(&dir) ;
  return r ? 111 : 0 ;
}

/* the same with CONFDIR's configuration opened for this one delivery */
int local_deliver_r (char const *confdir, char const *account, uint64_t date)
{
  tern_conf c = TERN_CONF_ZERO ;
  int r ;
  if (!tern_conf_open(&c, confdir))
  {
    strerr_warnwu4sys("find account ", account, " in the configuration in ", confdir) ;
    return 111 ;
  }
  r = local_deliver_conf(&c, account, date) ;
  tern_conf_close(&c) ;
  return r ;
}

void local_deliver (char const *confdir, char const *account, uint64_t date)
{
  int r = local_deliver_r(confdir, account, date) ;
  if (r) _exit(r) ;
}
