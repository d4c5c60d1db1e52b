/* tern_authlimit.h: failed logins counted across sessions and programs
   (tern-smtp-in's AUTH, tern-imap's LOGIN and AUTHENTICATE), per client
   address and per user name, in DATADIR/authfail/ (tern_authlimit.c). */
#ifndef TERN_AUTHLIMIT_H
#define TERN_AUTHLIMIT_H

#include <stddef.h>
#include "tern_conf.h"

#define TERN_AUTHLIMIT_WINDOW 900   /* seconds from a key's first failure */
#define TERN_AUTHLIMIT_IP 10        /* failures from one address */
#define TERN_AUTHLIMIT_USER 30      /* failures for one user name */
#define TERN_AUTHLIMIT_DELAYMAX 5   /* seconds */

/* 1 if ip or user (len bytes, any case; either may be 0 or empty, then
   not counted) is over its limit in the current window: refuse the login,
   whatever the password.  0 if not; -1 (errno set) if a count could not
   be read, which the caller logs and treats as 0: a full disk must not
   lock everybody out. */
extern int tern_authlimit_blocked (tern_conf const *c, char const *ip, char const *user, size_t len) ;
/* Counts one failure for ip and for user and sets *delay to the seconds
   the caller should wait before it answers: the larger count, at least 1,
   at most TERN_AUTHLIMIT_DELAYMAX.  1, or 0 (errno set, *delay still set)
   if a count could not be written. */
extern int tern_authlimit_failed (tern_conf const *c, char const *ip, char const *user, size_t len, unsigned int *delay) ;

#endif
