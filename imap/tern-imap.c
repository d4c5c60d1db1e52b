/* tern-imap: serve an account's mailboxes over IMAP on fds 0 and 1.
   usage: tern-imap [ -c confdir ] [ -S ] [ -t timeout ]   (see tern-imap.8)
   exit: 0 logout or EOF, 100 usage or protocol violation, 111 temporary. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <signal.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>
#include <skalibs/buffer.h>
#include <skalibs/types.h>
#include "tern.h"
#include "tern_log.h"
#include "tern-imap.h"

#define USAGE "tern-imap [ -c confdir ] [ -S ] [ -t timeout ]"

isession S ;
static icmd cmd ;

static int loopback (char const *ip)
{
  if (!ip) return 0 ;
  return !strncmp(ip, "127.", 4) || !strcmp(ip, "::1") || !strncmp(ip, "::ffff:127.", 11) ;
}

static void cleanfiles (void)
{
  for (unsigned int i = 0 ; i < S.nfiles ; i++)
    if (S.files[i].len) unlink(S.files[i].s) ;
  S.nfiles = 0 ;
}

static void maxmsgsize (void)
{
  stralloc sa = STRALLOC_ZERO ;
  uint64_t n = 104857600 ;
  if (tern_conf_global(&S.conf, "max-message-size", &sa) > 0 && stralloc_0(&sa)) uint640_scan(sa.s, &n) ;
  io_maxmsg(n) ;
  stralloc_free(&sa) ;
}

/* moves to a config.cdb that "tern conf" wrote since the last look (a
   stat when nothing changed); an unreadable new one leaves the old */
void imap_conf (void)
{
  dev_t dev = S.conf.dev ;
  ino_t ino = S.conf.ino ;
  if (!tern_conf_refresh(&S.conf)) { tern_log_warn("config", "pid", S.pid, "error", strerror(errno), "action", "kept-old", TERN_LOG_END) ; return ; }
  if (S.conf.dev != dev || S.conf.ino != ino) maxmsgsize() ;
}

/* replies are written whole (a buffer or a command's end): Nagle would
   hold the last piece of a long reply for the client's delayed ACK */
static void nodelay (void)
{
  int one = 1 ;
  setsockopt(1, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) ;
}

int main (int argc, char const *const *argv)
{
  stralloc line = STRALLOC_ZERO ;
  char const *confdir = 0 ;
  subgetopt l = SUBGETOPT_ZERO ;
  unsigned int timeout = 1800 ;
  int tls = 0 ;
  PROG = "tern-imap" ;
  for (int opt ; (opt = subgetopt_r(argc, argv, "c:St:h", &l)) != -1 ;)
    switch (opt)
    {
      case 'c' : confdir = l.arg ; break ;
      case 'S' : tls = 1 ; break ;
      case 't' : if (!uint0_scan(l.arg, &timeout) || !timeout || timeout > 86400) strerr_dieusage(100, USAGE) ; break ;
      case 'h' : buffer_puts(buffer_1, "usage: " USAGE "\n") ; buffer_flush(buffer_1) ; return 0 ;
      default : strerr_dieusage(100, USAGE) ;
    }
  signal(SIGPIPE, SIG_IGN) ;
  memset(&S, 0, sizeof S) ;
  S.mbox = (tern_mbox)TERN_MBOX_ZERO ;
  S.curfd = -1 ;
  S.timeout = timeout ;
  S.tls = tls || getenv("SSL_PROTOCOL") ;
  S.ip = getenv("TCPREMOTEIP") ;
  S.pid[uint_fmt(S.pid, (unsigned int)getpid())] = 0 ;
  S.loginok = S.tls || loopback(S.ip) ;
  io_init(0, 1) ;
  nodelay() ;
  if (!tern_conf_open(&S.conf, tern_confdir(confdir)))
  {
    int e = errno ;
    out_puts("* BYE [UNAVAILABLE] try again later\r\n") ;
    out_flush() ;
    errno = e ;
    strerr_diefusys(111, "open the configuration in ", tern_confdir(confdir)) ;
  }
  maxmsgsize() ;
  io_timeouts() ;
  out_puts("* OK [") ;
  cmd_capability_list() ;
  out_puts("] tern IMAP ready\r\n") ;
  out_flush() ;
  while (S.state != S_LOGOUT)
  {
    int r = in_command(&line) ;
    if (!r) break ;
    if (r > 0)
    {
      if (!stralloc_0(&line)) strerr_diefusys(111, "read a command") ;
      line.len-- ;
      imap_dispatch(&cmd, imap_parse(&cmd, line.s, line.len)) ;
    }
    cleanfiles() ;
  }
  cleanfiles() ;
  if (S.state == S_SELECTED) sel_close() ;
  zip_end() ;
  if (S.account.len) tern_log_info("logout", "pid", S.pid, "account", S.account.s, TERN_LOG_END) ;
  return 0 ;
}
