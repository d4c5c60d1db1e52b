/* tern-listen: bind ip:port, drop privileges, run prog once per TCP connection.
   usage: tern-listen [ -4 | -6 ] [ -u uid -g gid | -U ] [ -c maxconn ] [ -C maxperip ]
     [ -b backlog ] ip port prog [ args... ]    (see tern-listen.8)
   exit: 0 after SIGTERM, 100 usage, 111 system error (bind, listen, setuid). */
#include <skalibs/strerr.h>
#include "tern-listen.h"

int main (int argc, char const *const *argv)
{
  PROG = "tern-listen" ;
  return listen_main(argc, argv, 0) ;
}
