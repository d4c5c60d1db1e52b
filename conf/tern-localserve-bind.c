/* tern-localserve-bind: can each port be bound?  usage: tern-localserve-bind
   ip name:port...  Binds (SO_REUSEADDR, as tern-listen does), listens and
   lets go of each in turn.  stdout: nothing.  exit: 0 all free, 100 usage,
   111 one taken (named on stderr as tern-localserve's own line). */
#include <string.h>
#include <unistd.h>
#include <skalibs/types.h>
#include <skalibs/fmtscan.h>
#include <skalibs/socket.h>
#include <skalibs/strerr.h>
#include <skalibs/djbunix.h>
#include "tern.h"

#define USAGE "tern-localserve-bind ip name:port..."

int main (int argc, char const *const *argv)
{
  char ip[4] ;
  PROG = "tern-localserve" ;
  if (argc < 3 || ip4_scan(argv[1], ip) != strlen(argv[1])) strerr_dieusage(100, USAGE) ;
  for (int i = 2 ; i < argc ; i++)
  {
    char const *colon = strrchr(argv[i], ':') ;
    uint16_t port ;
    int fd ;
    if (!colon || colon == argv[i] || uint160_scan(colon + 1, &port) != strlen(colon + 1) || !port)
      strerr_dieusage(100, USAGE) ;
    fd = socket_tcp4_b() ;
    if (fd < 0) strerr_diefusys(111, "create a socket") ;
    if (socket_bind4_reuse(fd, ip, port) < 0 || socket_listen(fd, 1) < 0)
    {
      char name[colon - argv[i] + 1] ;
      memcpy(name, argv[i], colon - argv[i]) ;
      name[colon - argv[i]] = 0 ;
      strerr_diefsys(111, "port ", colon + 1, " (", name, ") on ", argv[1], " is taken") ;
    }
    fd_close(fd) ;
  }
  return 0 ;
}
