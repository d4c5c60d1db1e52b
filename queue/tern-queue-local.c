/* tern-queue-local: deliver stdin (from its offset) into ACCOUNT's Inbox.
   usage: tern-queue-local [ -c confdir ] [ -d time ] account
   stdout: nothing.  exit: 0 delivered, 100 permanent, 111 temporary. */
#include <errno.h>
#include <skalibs/types.h>
#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>
#include <skalibs/buffer.h>
#include "tern.h"
#include "tern_conf.h"
#include "tern_store.h"

#define USAGE "tern-queue-local [ -c confdir ] [ -d time ] account"

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

int main (int argc, char const *const *argv)
{
  stralloc dir = STRALLOC_ZERO ;
  subgetopt l = SUBGETOPT_ZERO ;
  char const *confdir = 0 ;
  uint64_t date = 0 ;
  int r ;
  PROG = "tern-queue-local" ;
  for (int opt ; (opt = subgetopt_r(argc, argv, "hc:d:", &l)) != -1 ;)
    switch (opt)
    {
      case 'h' : buffer_putsflush(buffer_1, "usage: " USAGE "\n") ; return 0 ;
      case 'c' : confdir = l.arg ; break ;
      case 'd' : if (!uint640_scan(l.arg, &date)) strerr_dieusage(100, USAGE) ; break ;
      default : strerr_dieusage(100, USAGE) ;
    }
  argc -= l.ind ; argv += l.ind ;
  if (argc != 1) strerr_dieusage(100, USAGE) ;
  confdir = tern_confdir(confdir) ;
  acctdir(confdir, argv[0], &dir) ;
  r = tern_store_deliverfd(dir.s, "Inbox", 0, 0, 0, 0, (int64_t)date, TERN_DELIVER_CREATE, 0) ;
  if (r && errno == ENOENT)
  {
    /* a new account: its store is made on its first message */
    r = tern_store_create(dir.s) ;
    if (!r) r = tern_store_deliverfd(dir.s, "Inbox", 0, 0, 0, 0, (int64_t)date, TERN_DELIVER_CREATE, 0) ;
  }
  if (r == TERN_PERM) strerr_diefu(100, "deliver to account ", argv[0]) ;
  if (r) strerr_diefusys(111, "deliver to account ", argv[0]) ;
  stralloc_free(&dir) ;
  return 0 ;
}
