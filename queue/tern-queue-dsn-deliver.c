/* tern-queue-dsn-deliver: where a notice goes (the submitting account, the
   sender address's account, the postmaster) and its local delivery with
   tern-queue-local's code, from an unlinked temporary file. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <skalibs/strerr.h>
#include <skalibs/djbunix.h>
#include <skalibs/allreadwrite.h>
#include "tern.h"
#include "tern-queue-local.h"
#include "tern-queue-dsn.h"

static int exists (tern_conf const *c, char const *name)
{
  int r = tern_conf_account_exists(c, name) ;
  if (r < 0) strerr_diefusys(111, "look up account ", name) ;
  return r ;
}

static int senderaccount (tern_conf const *c, tern_qenv const *e, stralloc *name)
{
  tern_addr a = TERN_ADDR_ZERO ;
  int r = tern_addr_parse(&a, e->from.s, strlen(e->from.s), TERN_ADDR_UTF8) ;
  if (r == TERN_TEMP) strerr_diefusys(111, "allocate") ;
  if (r == TERN_OK)
  {
    r = tern_conf_account(c, &a, name) ;
    if (r < 0) strerr_diefusys(111, "look up the account of ", e->from.s) ;
  }
  else r = 0 ;
  tern_addr_free(&a) ;
  return r ;
}

int dsn_account (tern_conf const *c, tern_qenv const *e, stralloc *name)
{
  size_t base = name->len ;
  int r ;
  if (e->account.len > 1 && exists(c, e->account.s))
  {
    if (!stralloc_catb(name, e->account.s, e->account.len)) strerr_diefusys(111, "allocate") ;
    return 0 ;
  }
  if (senderaccount(c, e, name) && stralloc_0(name)) return 0 ;
  name->len = base ;
  r = tern_conf_global(c, "postmaster", name) ;
  if (r < 0) strerr_diefusys(111, "read the postmaster setting") ;
  if (!r || !stralloc_0(name) || !exists(c, name->s + base))
  {
    /* the runner keeps a failure notice queued: set a postmaster, kick it */
    strerr_warnw("no account for a notice to <", e->from.s, ">: not a local sender, and no postmaster account") ;
    _exit(100) ;
  }
  return 1 ;
}

void dsn_deliver (char const *confdir, char const *tmpdir, char const *account, stralloc const *msg)
{
  stralloc path = STRALLOC_ZERO ;
  int fd ;
  if (!stralloc_cats(&path, tmpdir) || !stralloc_cats(&path, "/dsn.") || !tern_uniqname(&path) || !stralloc_0(&path))
    strerr_diefusys(111, "allocate") ;
  fd = open(path.s, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600) ;
  if (fd < 0) strerr_diefusys(111, "create ", path.s) ;
  /* nothing to clean up after a crash: the file has no name */
  if (unlink(path.s) < 0) strerr_diefusys(111, "unlink ", path.s) ;
  if (allwrite(fd, msg->s, msg->len) < msg->len) strerr_diefusys(111, "write ", path.s) ;
  if (lseek(fd, 0, SEEK_SET) < 0 || fd_move(0, fd) < 0) strerr_diefusys(111, "rewind ", path.s) ;
  stralloc_free(&path) ;
  /* even "no such account" (removed since the look-up) is for a later try;
     a notice of our own is not for the junk filter */
  {
    local_note note = { .junk = "", .mailbox = "" } ;
    if (local_deliver_r(confdir, account, 0, 0, &note)) _exit(111) ;
  }
}
