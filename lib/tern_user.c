/* tern_user: tern.conf user values (user, smtp-user, tls-user, log-user)
   to ids, as tern-users(7) says, and the drop to them. */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <unistd.h>
#include <skalibs/types.h>
#include "tern_user.h"

int tern_user_ids (char const *v, uid_t *uid, gid_t *gid)
{
  struct passwd *pw ;
  uint32_t n ;
  size_t len = uint32_scan(v, &n) ;
  if (len && !v[len] && len <= 9) { *uid = n ; *gid = n ; return 1 ; }
  errno = 0 ;
  pw = getpwnam(v) ;
  if (!pw) return (errno = errno ? errno : ENOENT, 0) ;
  *uid = pw->pw_uid ;
  *gid = pw->pw_gid ;
  return 1 ;
}

int tern_user_conf (tern_conf const *c, char const *key, uid_t *uid, gid_t *gid, stralloc *name)
{
  stralloc v = STRALLOC_ZERO ;
  int r = tern_conf_global(c, key, &v) ;
  if (r <= 0 || !stralloc_0(&v)) { stralloc_free(&v) ; return (errno = r ? errno : EPROTO, 0) ; }
  r = tern_user_ids(v.s, uid, gid) ;
  if (r && name && !stralloc_copyb(name, v.s, v.len)) r = 0 ;
  stralloc_free(&v) ;
  return r ;
}

int tern_user_drop (uid_t uid, gid_t gid)
{
  return setgroups(0, 0) == 0 && setgid(gid) == 0 && setuid(uid) == 0 ;
}
