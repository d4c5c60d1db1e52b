/* tern-verify-misc: a backup's version file (complete only with its last
   line "complete"), the configuration (as tern conf check), and the top of
   DATADIR (unknown entries are warned about, not counted). */
#include <errno.h>
#include <dirent.h>
#include <string.h>
#include <sys/stat.h>
#include <skalibs/djbunix.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include "tern.h"
#include "tern_store.h"
#include "tern_conftext.h"
#include "tern-verify.h"
#include "tern-verify-version.h"

static stralloc sa = STRALLOC_ZERO ;

static char const *path (char const *name)
{
  sa.len = 0 ;
  if (!stralloc_catb(&sa, V.datadir, V.dlen) || !stralloc_catb(&sa, "/", 1) || !stralloc_cats(&sa, name) || !stralloc_0(&sa))
    strerr_diefu1sys(111, "make a path") ;
  return sa.s ;
}

/* DATADIR/version (tern-backup(8)): only a backup has one */
void v_version (void)
{
  char s[4096] ;
  unsigned int bad ;
  ssize_t len = openreadnclose(path("version"), s, sizeof s) ;
  if (len < 0)
  {
    if (errno != ENOENT) v_warn("read ", sa.s, errno) ;
    return ;
  }
  if ((size_t)len == sizeof s) { v_problem("version", "longer than 4095 bytes") ; return ; }
  bad = verify_version(s, (size_t)len) ;
  if (bad & VERIFY_V_STORE) v_problem("version", "a store format this tern does not read") ;
  if (bad & VERIFY_V_QUEUE) v_problem("version", "a queue layout this tern does not read") ;
  if (bad & VERIFY_V_FORMAT) v_problem("version", "a version file format this tern does not read") ;
  if (bad & VERIFY_V_INCOMPLETE) v_problem("version", "incomplete backup") ;
}

/* each "FILE:LINE: problem" line of the check */
void v_config (char const *confdir)
{
  tern_conftext t = TERN_CONFTEXT_ZERO ;
  struct stat st ;
  if (!confdir)
  {
    confdir = path("config") ;
    if (stat(confdir, &st) < 0 || !S_ISDIR(st.st_mode)) return ;
  }
  if (!tern_conftext_init(&t, confdir, 0) || !tern_conftext_dir(&t)) v_warn("check the configuration in ", confdir, errno) ;
  else for (size_t i = 0 ; i < t.err.len ;)
  {
    char *nl = memchr(t.err.s + i, '\n', t.err.len - i) ;
    size_t end = nl ? (size_t)(nl - t.err.s) : t.err.len ;
    if (!stralloc_0(&t.err)) strerr_diefu1sys(111, "read the configuration's problems") ;
    t.err.len-- ;
    t.err.s[end] = 0 ;
    v_problem("config", t.err.s + i) ;
    i = end + 1 ;
  }
  tern_conftext_free(&t) ;
}

int v_known (char const *name, char const *const *known, size_t n)
{
  if (name[0] == '.' && (!name[1] || (name[1] == '.' && !name[2]))) return 1 ;
  for (size_t k = 0 ; k < n ; k++) if (!strcmp(name, known[k])) return 1 ;
  return 0 ;
}

void v_top (void)
{
  static char const *const known[] = { "accounts", "queue", "moved", "version", "config", "authfail" } ;
  struct stat st ;
  DIR *d ;
  /* an empty directory is no data: a backup killed before its first write */
  if (stat(path("accounts"), &st) < 0 && errno == ENOENT && stat(path("queue"), &st) < 0 && errno == ENOENT)
    v_problem("accounts", "missing, and queue too: not a data directory") ;
  d = opendir(path(".")) ;
  if (!d) { v_warn("read ", V.datadir, errno) ; return ; }
  for (;;)
  {
    struct dirent *de = readdir(d) ;
    if (!de) break ;
    if (!v_known(de->d_name, known, sizeof known / sizeof *known)) strerr_warnw3x(path(de->d_name), ": ", "not a file of tern") ;
  }
  closedir(d) ;
}
