/* tern-sendmail: a sendmail-compatible injector (see tern-sendmail.8):
   the message on stdin goes to tern-queue-inject (mode local) or through
   tern-smtp-out to a submission server (mode submit).
   usage: tern-sendmail [ -t ] [ -i ] [ -v ] [ -f sender ] [ -F name ] [ -C conf ] [ -- ] rcpt...
   exit: sysexits: 0 sent, 64 usage, 65 data, 67 no user, 69 refused,
   70 software, 73 not sent and not saved, 75 temporary, 78 configuration. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <skalibs/strerr.h>
#include <skalibs/buffer.h>
#include <skalibs/djbunix.h>
#include <skalibs/types.h>
#include "tern.h"
#include "tern-sendmail.h"

#define USAGE "tern-sendmail [ -t ] [ -i ] [ -v ] [ -f sender ] [ -F name ] [ -C conffile ] [ -bm | -bi | -bp ] [ -oX ] [ -- ] [ rcpt ... ]"

void sm_fail (sm *x, int code, char const *a, char const *b, char const *c)
{
  stralloc path = STRALLOC_ZERO ;
  char const *sender = x->sender.len ? x->sender.s : sm_login() ;
  if (sm_dead(sm_conf(&x->c, SMC_DEAD), sender, x->in.s, x->in.len, &path))
    strerr_warni("message saved in ", path.s) ;
  else
  {
    strerr_warnw("message not saved: no dead letter file could be written") ;
    code = SM_CANTCREAT ;
  }
  strerr_dief(code, a, b, c) ;
}

/* 0, 1 or 2 closed would let a pipe take its place */
static void fds (void)
{
  for (int fd = 0 ; fd < 3 ; fd++)
    if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", fd ? O_WRONLY : O_RDONLY) != fd) _exit(SM_SOFTWARE) ;
}

/* the configuration: 1 good, 0 a problem in err ("FILE:LINE: text", NUL-terminated) */
static int conf (sm *x, stralloc *err)
{
  stralloc text = STRALLOC_ZERO, def = STRALLOC_ZERO ;
  char const *path = x->o.conffile ? x->o.conffile : getenv("TERN_SENDMAIL_CONF") ;
  int named = path && *path, r = 0 ;
  char line[UINT_FMT] ;
  if (!named)
  {
    if (!stralloc_cats(&def, tern_confdir(0)) || !stralloc_cats(&def, "/sendmail.conf") || !stralloc_0(&def)) return 0 ;
    path = def.s ;
  }
  if (!openslurpclose(&text, path))
  {
    int e = errno ;
    if (!named && e == ENOENT) r = 1 ;
    else if (!stralloc_cats(err, "unable to read ") || !stralloc_cats(err, path) || !stralloc_cats(err, ": ")
     || !stralloc_cats(err, strerror(e)) || !stralloc_0(err)) err->len = 0 ;
    goto end ;
  }
  r = sm_conf_parse(&x->c, text.s, text.len) ;
  if (r < 0) { errno = ENOMEM ; strerr_diefusys(SM_TEMPFAIL, "read the configuration") ; }
  line[uint_fmt(line, x->c.line)] = 0 ;
  if (!r && (!stralloc_cats(err, path) || !stralloc_cats(err, ":") || (x->c.line && (!stralloc_cats(err, line) || !stralloc_cats(err, ":")))
     || !stralloc_cats(err, " ") || !stralloc_cats(err, x->c.err) || !stralloc_0(err))) err->len = 0 ;
 end:
  stralloc_free(&text) ;
  stralloc_free(&def) ;
  return r ;
}

static char const *confdir (sm *x)
{
  char const *d = sm_conf(&x->c, SMC_CONFDIR) ;
  return d ? d : tern_confdir(0) ;
}

static int submit (sm *x)
{
  char const *m = sm_conf(&x->c, SMC_MODE) ;
  return m && !strcmp(m, "submit") ;
}

static void queuelist (sm *x)
{
  char const *argv[5] = { "tern-queue", "-c", confdir(x), "list", 0 } ;
  stralloc out = STRALLOC_ZERO, err = STRALLOC_ZERO ;
  int r ;
  if (submit(x)) strerr_dief(SM_USAGE, "-bp: there is no queue in mode submit") ;
  r = sm_run(argv, "", 0, &out, &err) ;
  if (r < 0) strerr_diefusys(SM_TEMPFAIL, "run tern-queue") ;
  if (err.len) buffer_putflush(buffer_2, err.s, err.len) ;
  if (buffer_putflush(buffer_1, out.s, out.len) < 0) strerr_diefusys(SM_TEMPFAIL, "write to stdout") ;
  _exit(r == 0 ? 0 : r == 100 ? SM_USAGE : SM_TEMPFAIL) ;
}

int main (int argc, char const *const *argv)
{
  static sm x = { .c = SMCONF_ZERO, .in = STRALLOC_ZERO, .m = SMMSG_ZERO, .sender = STRALLOC_ZERO,
    .from = STRALLOC_ZERO, .rcpt = STRALLOC_ZERO, .keys = STRALLOC_ZERO, .msg = STRALLOC_ZERO } ;
  stralloc err = STRALLOC_ZERO ;
  char const *r ;
  int confok, code ;
  PROG = "tern-sendmail" ;
  fds() ;
  r = sm_opts(&x.o, argc, argv) ;
  if (r && !*r) { buffer_putsflush(buffer_1, "usage: " USAGE "\n") ; return 0 ; }
  if (r) { strerr_warnw(r) ; strerr_dieusage(SM_USAGE, USAGE) ; }
  if (x.o.mode == 'i') return 0 ;
  confok = conf(&x, &err) ;
  if (!confok && !err.len) strerr_diefusys(SM_TEMPFAIL, "read the configuration") ;
  if (x.o.mode == 'p')
  {
    if (!confok) strerr_dief(SM_CONFIG, err.s) ;
    queuelist(&x) ;
  }
  if (!x.o.t && !x.o.nrcpt) { strerr_warnw("no recipient: give some, or -t") ; strerr_dieusage(SM_USAGE, USAGE) ; }
  signal(SIGPIPE, SIG_IGN) ;
  if (!slurp(&x.in, 0)) sm_fail(&x, SM_TEMPFAIL, "unable to read the message: ", strerror(errno), "") ;
  if (!confok) sm_fail(&x, SM_CONFIG, err.s, "", "") ;
  x.host = sm_conf(&x.c, SMC_HOSTNAME) ;
  if (!x.host) x.host = sm_hostname(submit(&x) ? 0 : confdir(&x)) ;
  x.domain = sm_conf(&x.c, SMC_DEFDOMAIN) ;
  if (!x.domain) x.domain = x.host ;
  sm_prepare(&x) ;
  code = submit(&x) ? sm_submit(&x) : sm_local(&x) ;
  return code ;
}
