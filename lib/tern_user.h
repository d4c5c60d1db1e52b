/* tern_user.h: the users of tern-users(7): a tern.conf user value to a uid
   and gid, and dropping to them. */
#ifndef TERN_USER_H
#define TERN_USER_H

#include <sys/types.h>
#include "tern_conf.h"

/* A known user name gives its uid and primary gid; a decimal number (at
   most 9 digits) is both.  1, or 0 with errno ENOENT (no such user). */
extern int tern_user_ids (char const *v, uid_t *uid, gid_t *gid) ;
/* The same for the global key KEY ("user", "smtp-user", "tls-user",
   "log-user") of c; name, if not 0, gets the value (NUL-terminated).
   1, or 0 with errno (ENOENT: no such user, EPROTO: bad config). */
extern int tern_user_conf (tern_conf const *c, char const *key, uid_t *uid, gid_t *gid, stralloc *name) ;
/* No supplementary groups, then gid, then uid.  1, or 0 with errno. */
extern int tern_user_drop (uid_t uid, gid_t gid) ;

#endif
