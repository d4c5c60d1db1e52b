/* tern-queue-local-deliver: the local delivery itself: fd 0 (from its
   offset) into ACCOUNT's Inbox.  Shared by tern-queue-local and by the
   runner's delivery child, which forks without an exec (an exec per message
   was a fifth of the runner's CPU in smtp.bench).  Dies with 100 or 111. */
#include <errno.h>
#include <skalibs/strerr.h>
#include "tern.h"
#include "tern_conf.h"
#include "tern_store.h"
#include "tern-queue-local.h"

static void acctdir (char const *confdir, char const *name, stralloc *dir)
{
  switch (tern_conf_accountpath(confdir, name, dir))
  {
    case 1 : break ;
    case 0 : strerr_dief(100, "no such account: ", name) ;
    default : strerr_diefusys(111, "find account ", name, " in the configuration in ", confdir) ;
  }
}

void local_deliver (char const *confdir, char const *account, uint64_t date)
{
  stralloc dir = STRALLOC_ZERO ;
  int r ;
  acctdir(confdir, account, &dir) ;
  r = tern_store_deliverfd(dir.s, "Inbox", 0, 0, 0, 0, (int64_t)date, TERN_DELIVER_CREATE, 0) ;
  if (r && errno == ENOENT)
  {
    /* a new account: its store is made on its first message */
    r = tern_store_create(dir.s) ;
    if (!r) r = tern_store_deliverfd(dir.s, "Inbox", 0, 0, 0, 0, (int64_t)date, TERN_DELIVER_CREATE, 0) ;
  }
  if (r == TERN_PERM) strerr_diefu(100, "deliver to account ", account) ;
  if (r) strerr_diefusys(111, "deliver to account ", account) ;
  stralloc_free(&dir) ;
}
