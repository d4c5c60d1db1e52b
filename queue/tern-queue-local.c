/* tern-queue-local: deliver stdin (from its offset) into ACCOUNT's Inbox
   (with -j, where the account's junk filter says; with -m, into mailbox).
   usage: tern-queue-local [ -j | -m mailbox [ -P ] [ -R skip ] ] [ -S ] [ -c confdir ] [ -d time ] account
   stdout: nothing, or with -R "kept" when the copy was made before.  exit: 0 delivered, 100 permanent, 111 temporary. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <skalibs/djbunix.h>
#include <skalibs/types.h>
#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>
#include <skalibs/buffer.h>
#include "tern.h"
#include "tern-queue-local.h"

#define USAGE "tern-queue-local [ -j | -m mailbox [ -P ] [ -R skip ] ] [ -S ] [ -c confdir ] [ -d time ] account"

/* -j and -R read the message twice: a pipe on stdin is first copied into a
   memory file (the runner gives its queue file, which seeks) */
static void seekable (void)
{
  int fd ;
  if (lseek(0, 0, SEEK_CUR) >= 0 || errno != ESPIPE) return ;
#ifdef SYS_memfd_create
  fd = (int)syscall(SYS_memfd_create, "tern-queue-local", 1u) ;  /* MFD_CLOEXEC */
#else
  fd = -1 ; errno = ENOSYS ;
#endif
  if (fd < 0) strerr_diefu1sys(111, "create a memory file for the message") ;
  if (fd_cat(0, fd) < 0 || lseek(fd, 0, SEEK_SET) < 0 || fd_move(0, fd) < 0)
    strerr_diefu1sys(111, "copy the message from stdin") ;
}

int main (int argc, char const *const *argv)
{
  subgetopt l = SUBGETOPT_ZERO ;
  char const *confdir = 0 ;
  uint64_t date = 0, skip = 0 ;
  unsigned int opts = 0 ;
  char const *mailbox = "" ;
  PROG = "tern-queue-local" ;
  for (int opt ; (opt = subgetopt_r(argc, argv, "hjm:PR:Sc:d:", &l)) != -1 ;)
    switch (opt)
    {
      case 'h' : buffer_putsflush(buffer_1, "usage: " USAGE "\n") ; return 0 ;
      case 'j' : opts |= LOCAL_CLASSIFY ; break ;
      case 'm' : mailbox = l.arg ; break ;
      case 'S' : opts |= LOCAL_SEEN ; break ;
      case 'P' : opts |= LOCAL_PRUNE ; break ;
      case 'R' : if (!uint640_scan(l.arg, &skip)) strerr_dieusage(100, USAGE) ; opts |= LOCAL_RING ; break ;
      case 'c' : confdir = l.arg ; break ;
      case 'd' : if (!uint640_scan(l.arg, &date)) strerr_dieusage(100, USAGE) ; break ;
      default : strerr_dieusage(100, USAGE) ;
    }
  argc -= l.ind ; argv += l.ind ;
  if (argc != 1 || (mailbox[0] && (opts & LOCAL_CLASSIFY)) || (!mailbox[0] && (opts & (LOCAL_PRUNE | LOCAL_RING)))) strerr_dieusage(100, USAGE) ;
  if (mailbox[0] && (strlen(mailbox) > TERN_STORE_NAMEMAX || !tern_store_namevalid(mailbox, strlen(mailbox))))
    strerr_dief2x(100, "bad mailbox name: ", mailbox) ;
  confdir = tern_confdir(confdir) ;
  if (opts & (LOCAL_CLASSIFY | LOCAL_RING)) seekable() ;
  local_deliver(confdir, argv[0], date, opts, mailbox, skip) ;
  return 0 ;
}
