/* tern_conf_accountpath: for programs that need one account and nothing
   else from the configuration: open CONFDIR's config, check that NAME is an
   account, append its directory (NUL-terminated) to sa.
   1 found, 0 no such account, -1 error (errno). */
#include <errno.h>
#include "tern.h"
#include "tern_conf.h"

int tern_conf_accountpath (char const *confdir, char const *name, stralloc *sa)
{
  tern_conf c = TERN_CONF_ZERO ;
  int r ;
  if (!tern_conf_open(&c, confdir)) return -1 ;
  r = tern_conf_account_exists(&c, name) ;
  if (r == 1 && (!tern_conf_accountdir(&c, name, sa) || (sa->s[sa->len - 1] && !stralloc_0(sa)))) r = -1 ;
  {
    int e = errno ;
    tern_conf_close(&c) ;
    errno = e ;
  }
  return r ;
}
