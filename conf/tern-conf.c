/* tern-conf: check, compile and edit the configuration in CONFDIR.
   usage: tern-conf [ -c confdir ] command [ args... ]  (see tern-conf.8)
   stdout: configuration problems, "FILE:LINE: problem".
   exit: 0 done, 100 problems/refused/usage, 111 could not read or write. */
#include <string.h>
#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>
#include <skalibs/buffer.h>
#include "tern.h"
#include "tern-conf.h"

#define USAGE "tern-conf [ -c confdir ] check|compile|init HOST DATADIR|add-domain D|remove-domain D|add-account NAME ADDR|remove-account NAME|add-address NAME ADDR|remove-address ADDR|printservice|installservice DIR"

static char const help[] =
  "usage: tern-conf [ -c confdir ] command [ args... ]\n"
  "commands:\n"
  "  check                    validate the configuration, print its problems\n"
  "  compile                  check, then write config.cdb\n"
  "  init HOSTNAME DATADIR    create a minimal configuration\n"
  "  add-domain DOMAIN        add a domain\n"
  "  remove-domain DOMAIN     remove a domain without addresses\n"
  "  add-account NAME ADDR    add an account with one address\n"
  "  remove-account NAME      remove an account\n"
  "  add-address NAME ADDR    add an address to an account\n"
  "  remove-address ADDR      remove an address from its account\n"
  "  printservice [ -d svcdir ] [ -l logdir ]\n"
  "                           print the s6 service tree and its systemd unit\n"
  "  installservice [ -f ] [ -l logdir ] svcdir\n"
  "                           write them into svcdir\n"
  "confdir: -c, else $TERN_CONF, else /etc/tern\n" ;

static void need (int argc, int n)
{
  if (argc != n + 1) strerr_dieusage(100, USAGE) ;
}

int main (int argc, char const *const *argv)
{
  subgetopt l = SUBGETOPT_ZERO ;
  char const *opt = 0, *confdir, *cmd ;
  PROG = "tern-conf" ;
  for (int o ; (o = subgetopt_r(argc, argv, "c:h", &l)) != -1 ;)
  {
    if (o == 'c') opt = l.arg ;
    else if (o == 'h')
    {
      if (buffer_putsflush(buffer_1, help) < 0) strerr_diefusys(111, "write to stdout") ;
      return 0 ;
    }
    else strerr_dieusage(100, USAGE) ;
  }
  argc -= l.ind ; argv += l.ind ;
  if (!argc) strerr_dieusage(100, USAGE) ;
  confdir = tern_confdir(opt) ;
  cmd = argv[0] ;
  if (!strcmp(cmd, "check") || !strcmp(cmd, "compile"))
  {
    int r ;
    need(argc, 0) ;
    if (cmd[1] == 'o') edit_lock(confdir) ;  /* one writer of config.cdb at a time */
    r = conf_compile(confdir, cmd[1] == 'o') ;
    if (r) conf_die_problems(r, confdir) ;
  }
  else if (!strcmp(cmd, "init")) { need(argc, 2) ; cmd_init(confdir, argv[1], argv[2]) ; }
  else if (!strcmp(cmd, "add-domain")) { need(argc, 1) ; cmd_add_domain(confdir, argv[1]) ; }
  else if (!strcmp(cmd, "remove-domain")) { need(argc, 1) ; cmd_remove_domain(confdir, argv[1]) ; }
  else if (!strcmp(cmd, "add-account")) { need(argc, 2) ; cmd_add_account(confdir, argv[1], argv[2]) ; }
  else if (!strcmp(cmd, "remove-account")) { need(argc, 1) ; cmd_remove_account(confdir, argv[1]) ; }
  else if (!strcmp(cmd, "add-address")) { need(argc, 2) ; cmd_add_address(confdir, argv[1], argv[2]) ; }
  else if (!strcmp(cmd, "remove-address")) { need(argc, 1) ; cmd_remove_address(confdir, argv[1]) ; }
  else if (!strcmp(cmd, "printservice")) cmd_printservice(confdir, argc, argv) ;
  else if (!strcmp(cmd, "installservice")) cmd_installservice(confdir, argc, argv) ;
  else strerr_dief(100, "unknown command: ", cmd, " (run tern-conf -h)") ;
  return 0 ;
}
