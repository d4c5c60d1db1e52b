/* tern-queue: look at and steer the queue.
   usage: tern-queue [ -c confdir ] list|kick|hold|release|drop ...
   stdout (list): per message "ID AGE SIZE <sender> [new] [hold] [transport=T]",
   then "  <rcpt> STATE attempts=N [next=DELAY] [error=...]" per recipient;
   and a last line "total messages=N ... domains=D:N,..."; (kick, hold,
   release, drop) "kicked|held|released|dropped ID" per message.
   exit: 0 done, 100 usage or no such message, 111 temporary.  See tern-queue(8). */
#include <string.h>
#include <time.h>
#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>
#include <skalibs/buffer.h>
#include "tern.h"
#include "tern_conf.h"
#include "tern-queue.h"

#define USAGE "tern-queue [ -c confdir ] list | kick [ -transport name ] [ -id id ] [ -from addr|domain ] [ -to addr|domain ] [ -all ] [ id... ]" \
  " | hold|release|drop [ -id id ] [ -from addr|domain ] [ -to addr|domain ] [ -all ] [ id... ]"

int main (int argc, char const *const *argv)
{
  tern_conf c = TERN_CONF_ZERO ;
  stralloc qdir = STRALLOC_ZERO ;
  subgetopt l = SUBGETOPT_ZERO ;
  char const *confdir = 0 ;
  uint64_t now = (uint64_t)time(0) ;
  PROG = "tern-queue" ;
  for (int opt ; (opt = subgetopt_r(argc, argv, "hc:", &l)) != -1 ;)
    switch (opt)
    {
      case 'h' : buffer_putsflush(buffer_1, "usage: " USAGE "\n") ; return 0 ;
      case 'c' : confdir = l.arg ; break ;
      default : strerr_dieusage(100, USAGE) ;
    }
  argc -= l.ind ; argv += l.ind ;
  if (argc < 1 || (!strcmp(argv[0], "list") && argc != 1)) strerr_dieusage(100, USAGE) ;
  confdir = tern_confdir(confdir) ;
  if (!tern_conf_open(&c, confdir)) strerr_diefusys(111, "open the configuration in ", confdir) ;
  if (tern_conf_global(&c, "datadir", &qdir) != 1 || !stralloc_cats(&qdir, "/queue") || !stralloc_0(&qdir))
    strerr_diefusys(111, "read datadir in ", confdir) ;
  if (strcmp(argv[0], "list"))
  {
    queue_ctl(qdir.s, &c, argc, argv) ;
    tern_conf_close(&c) ;
    stralloc_free(&qdir) ;
    return 0 ;
  }
  tern_conf_close(&c) ;
  queue_list(qdir.s, now) ;
  stralloc_free(&qdir) ;
  return 0 ;
}
