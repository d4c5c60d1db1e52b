/* tern-listen-main: everything of tern-listen after main: options, bind,
   privileges, then the loop.  Also run by tern-tls -L, which passes a
   function to call in each child instead of the exec of prog. */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <skalibs/types.h>
#include <skalibs/strerr.h>
#include <skalibs/buffer.h>
#include <skalibs/sgetopt.h>
#include <skalibs/ip46.h>
#include <skalibs/socket.h>
#include <skalibs/setgroups.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include "tern-listen.h"

#define USAGE "tern-listen [ -4 | -6 ] [ -u uid -g gid | -U ] [ -c maxconn ] [ -C maxperip ] [ -b backlog ] [ -N fd ] ip port prog [ args... ]"
#define dieusage() strerr_dieusage(100, USAGE)
#define MAXGROUPS 256

typedef struct ids_s ids ;
struct ids_s
{
  uint32_t uid ;
  uint32_t gid ;
  size_t n ;
  gid_t groups[MAXGROUPS] ;
} ;

static unsigned int number (char const *s, unsigned int min, unsigned int max)
{
  uint32_t u ;
  if (!uint320_scan(s, &u) || u < min || u > max) dieusage() ;
  return u ;
}

/* -U: UID, GID and GIDLIST from the environment, as s6-envuidgid sets them. */
static void envids (ids *p)
{
  char const *x = getenv("UID") ;
  if (!x) strerr_dief(100, "-U given but UID is not set") ;
  if (!uint320_scan(x, &p->uid)) strerr_dief(100, "invalid UID: ", x) ;
  x = getenv("GID") ;
  if (!x) strerr_dief(100, "-U given but GID is not set") ;
  if (!uint320_scan(x, &p->gid)) strerr_dief(100, "invalid GID: ", x) ;
  x = getenv("GIDLIST") ;
  p->n = 0 ;
  if (x && x[gid_scanlist(p->groups, MAXGROUPS, x, &p->n)])
    strerr_dief(100, "invalid or too long GIDLIST: ", x) ;
}

static void drop (ids const *p)
{
  if (skalibs_setgroups(p->n, p->groups) < 0) strerr_diefusys(111, "setgroups") ;
  if (setgid(p->gid) < 0) strerr_diefusys(111, "setgid") ;
  if (setuid(p->uid) < 0) strerr_diefusys(111, "setuid") ;
  if (getuid() != p->uid || geteuid() != p->uid || getgid() != p->gid || getegid() != p->gid)
    strerr_dief(111, "unable to drop privileges: ids did not change") ;
}

static void scanip (char const *s, ip46 *ip, unsigned int fam)
{
  size_t n = ip46_scan(s, ip) ;
  if (!n || s[n]) strerr_dief(100, "not an IP address: ", s) ;
  if (ip->is6 && !memcmp(ip->ip, "\0\0\0\0\0\0\0\0\0\0\377\377", 12))
    strerr_dief(100, "IPv4-mapped address, give the IPv4 address instead: ", s) ;
  if ((fam == 4 && ip->is6) || (fam == 6 && !ip->is6))
    strerr_dief(100, "not an IPv", fam == 4 ? "4" : "6", " address: ", s) ;
}

/* fds 0 to 2 closed at start: /dev/null there, or sockets and fds received
   later would land on them, and the moves of a connection to 0 and 1 in
   the children clobber them */
static void stdio (void)
{
  for (int fd = 0 ; fd < 3 ; fd++)
    if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDWR) != fd) strerr_diefusys(111, "open /dev/null") ;
}

int listen_main (int argc, char const *const *argv, listen_hooks const *h)
{
  listener l = { .fd = -1, .maxconn = 40, .maxperip = 10 } ;
  subgetopt o = SUBGETOPT_ZERO ;
  unsigned int fam = 0, backlog = 64, hasu = 0, hasg = 0, useenv = 0 ;
  int notify = -1 ;
  ids id = { .n = 0 } ;
  ip46 ip ;
  uint16_t port ;
  stdio() ;
  for (int opt ; (opt = subgetopt_r(argc, argv, "46u:g:Uc:C:b:N:h", &o)) != -1 ;)
    switch (opt)
    {
      case '4' : fam = 4 ; break ;
      case '6' : fam = 6 ; break ;
      case 'u' : if (!uint320_scan(o.arg, &id.uid)) dieusage() ; hasu = 1 ; break ;
      case 'g' : if (!uint320_scan(o.arg, &id.gid)) dieusage() ; hasg = 1 ; break ;
      case 'U' : useenv = 1 ; break ;
      case 'c' : l.maxconn = number(o.arg, 1, LISTEN_MAXCONN) ; break ;
      case 'C' : l.maxperip = number(o.arg, 1, LISTEN_MAXCONN) ; break ;
      case 'b' : backlog = number(o.arg, 1, 65535) ; break ;
      case 'N' : notify = number(o.arg, 3, 1023) ; break ;
      case 'h' :
        if (buffer_putsflush(buffer_1, "usage: " USAGE "\n") < 0) strerr_diefusys(111, "write to stdout") ;
        return 0 ;
      default : dieusage() ;
    }
  argc -= o.ind ; argv += o.ind ;
  if (argc < 3 || !argv[2][0] || hasu != hasg || (hasu && useenv)) dieusage() ;
  scanip(argv[0], &ip, fam) ;
  if (!uint160_scan(argv[1], &port) || !port) strerr_dief(100, "not a port number: ", argv[1]) ;
  if (useenv) envids(&id) ;
  l.is6 = ip.is6 ; l.ip = argv[0] ; l.port = argv[1] ; l.argv = argv + 2 ; l.h = h ;

  l.fd = socket_tcp46_nbcoe(l.is6) ;
  if (l.fd < 0) strerr_diefusys(111, "create socket") ;
  if (socket_bind46_reuse(l.fd, &ip, port) < 0) strerr_diefusys(111, "bind ", argv[0], " ", argv[1]) ;
  if (socket_listen(l.fd, backlog) < 0) strerr_diefusys(111, "listen on ", argv[0], " ", argv[1]) ;
  if (hasu || useenv) drop(&id) ;
  /* readiness (s6 notification-fd): listening; the children never see it */
  if (notify >= 0)
  {
    if (fd_write(notify, "\n", 1) != 1) strerr_diefusys(111, "write to the notification fd") ;
    fd_close(notify) ;
  }
  if (h && h->start) (*h->start)(l.argv) ;
  return listen_loop(&l) ;
}
