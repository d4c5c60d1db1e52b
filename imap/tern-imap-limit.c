/* tern-imap-limit: failed logins counted across sessions and with
   tern-smtp-in's AUTH, per client IP and per user name (tern_authlimit:
   DATADIR/authfail/, 10 per IP and 30 per user in 15 minutes).  Over the
   limit, logins are refused whatever the password; any error is logged
   and lets the login go on.  A failure waits as many seconds as the larger count (at
   most 5), the caller's one second included. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include "tern_authlimit.h"
#include "tern_log.h"
#include "tern-imap.h"

static void warn (void)
{
  tern_log_warn("authlimit", "pid", S.pid, "path", "DATADIR/authfail", "error", strerror(errno), "ip", S.ip, TERN_LOG_END) ;
}

int limit_blocked (char const *user, size_t len)
{
  int r = tern_authlimit_blocked(&S.conf, S.ip, user, len) ;
  if (r < 0) warn() ;  /* and go on */
  return r > 0 ;
}

void limit_failed (char const *user, size_t len)
{
  unsigned int d ;
  if (!tern_authlimit_failed(&S.conf, S.ip, user, len, &d)) warn() ;
  if (d > 1) sleep(d - 1) ;  /* tern-imap-auth.c sleeps the first second */
}
