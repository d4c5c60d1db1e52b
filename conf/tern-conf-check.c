/* tern-conf-check: check the text configuration and compile config.cdb. */
#include <errno.h>
#include <string.h>
#include <skalibs/buffer.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include "tern.h"
#include "tern-conf.h"

static unsigned int nproblems = 0 ;

int conf_compile (char const *confdir, int compile)
{
  tern_conftext t = TERN_CONFTEXT_ZERO ;
  int r = TERN_TEMP ;
  if (!tern_conftext_init(&t, confdir, 0) || !tern_conftext_dir(&t)) goto end ;
  if (t.nerr)
  {
    nproblems = t.nerr ;
    if (buffer_putflush(buffer_1, t.err.s, t.err.len) < 0) goto end ;
    r = TERN_PERM ;
    goto end ;
  }
  if (compile)
  {
    size_t n = t.confdir.len - 1 ;
    char path[n + 12] ;
    memcpy(path, t.confdir.s, n) ;
    memcpy(path + n, "/config.cdb", 12) ;
    if (!tern_conftext_write(&t, path)) goto end ;
  }
  r = TERN_OK ;
 end:
  {
    int e = errno ;
    tern_conftext_free(&t) ;
    errno = e ;
  }
  return r ;
}

void conf_die_problems (int code, char const *confdir)
{
  char fmt[UINT_FMT] ;
  if (code == TERN_PERM)
  {
    fmt[uint_fmt(fmt, nproblems)] = 0 ;
    strerr_dief(100, fmt, nproblems == 1 ? " problem in " : " problems in ", confdir) ;
  }
  strerr_diefusys(111, "read or compile the configuration in ", confdir) ;
}

void conf_parse (tern_conftext *t, char const *confdir)
{
  if (!tern_conftext_init(t, confdir, 0) || !tern_conftext_dir(t))
    strerr_diefusys(111, "read the configuration in ", confdir) ;
}
