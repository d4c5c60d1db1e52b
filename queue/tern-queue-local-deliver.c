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
  tern_conf c = TERN_CONF_ZERO ;
  if (!tern_conf_open(&c, confdir)) strerr_diefusys(111, "open the configuration in ", confdir) ;
  switch (tern_conf_account_exists(&c, name))
  {
    case 1 : break ;
    case 0 : strerr_dief(100, "no such account: ", name) ;
    default : strerr_diefusys(111, "read the configuration in ", confdir) ;
  }
  if (!tern_conf_accountdir(&c, name, dir)) strerr_diefusys(111, "find the directory of account ", name) ;
  if (dir->s[dir->len - 1] && !stralloc_0(dir)) strerr_diefusys(111, "allocate") ;
  tern_conf_close(&c) ;
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
