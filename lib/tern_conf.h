/* tern_conf.h: reading the compiled configuration, CONFDIR/config.cdb,
   written by "tern conf compile" (see conf/tern-conf.8 for the text files).
   A reader maps one config.cdb and so sees one whole version of the config;
   tern_conf_refresh() moves to a newer one when compile replaced the file.

   Keys in config.cdb (ASCII; a key may repeat, values in file order):
     v                     format version, "1"
     g:KEY                 global setting from tern.conf (g:hostname, g:datadir
                           as an absolute path, g:user, g:listen, ...)
     d:DOMAIN              a configured domain (A-label), value ""
     d:DOMAIN:KEY          a domain setting
     a:ADDRKEY             account name for an address (tern_addr_key form);
                           "a:@DOMAIN" is a domain's catch-all
     A:NAME                a configured account, value ""
     A:NAME:KEY            an account setting (A:bob:junk-filter, ...)
     t:NAME                a transport: "METHOD HOST PORT" ("direct" alone)
     t:NAME:KEY            a transport setting
     r:g                   global routes, one value per route, in order
     r:d:DOMAIN            a domain's routes
     r:a:NAME              an account's routes
   A route value is "TRANSPORT from=D,D to=D,D min-attempts=N" with the
   domains in A-label form (".example.com" keeps its dot). */
#ifndef TERN_CONF_H
#define TERN_CONF_H

#include <sys/types.h>
#include <skalibs/cdb.h>
#include <skalibs/stralloc.h>
#include "tern_addr.h"

typedef struct tern_conf_s tern_conf, *tern_conf_ref ;
struct tern_conf_s
{
  cdb c ;
  dev_t dev ;
  ino_t ino ;
  stralloc path ;  /* CONFDIR/config.cdb, NUL-terminated */
} ;
#define TERN_CONF_ZERO { .c = CDB_ZERO, .dev = 0, .ino = 0, .path = STRALLOC_ZERO }

/* 1, or 0 with errno (ENOENT: never compiled; EPROTO: bad version). */
extern int tern_conf_open (tern_conf *c, char const *confdir) ;
/* Reopen if config.cdb was replaced since.  1 (same or reopened), 0 errno. */
extern int tern_conf_refresh (tern_conf *c) ;
extern void tern_conf_close (tern_conf *c) ;

/* 1 found, 0 absent, -1 corrupt file (errno EPROTO). */
extern int tern_conf_find (tern_conf const *c, char const *key, size_t keylen, cdb_data *out) ;
/* Like tern_conf_find, for keys that repeat: start with st = CDB_FIND_STATE_ZERO. */
extern int tern_conf_findnext (tern_conf const *c, char const *key, size_t keylen, cdb_data *out, cdb_find_state *st) ;
/* Appends the global setting KEY (e.g. "hostname") to sa.  1 found, 0 absent, -1 error. */
extern int tern_conf_global (tern_conf const *c, char const *key, stralloc *sa) ;
/* The account an address delivers to (exact address, then the localpart
   without its subaddress "+tag", then the domain's catch-all).
   Appends the name to sa.  1 found, 0 no such address, -1 error. */
extern int tern_conf_account (tern_conf const *c, tern_addr const *a, stralloc *name) ;
/* 1 if NAME is a configured account, 0 if not, -1 error. */
extern int tern_conf_account_exists (tern_conf const *c, char const *name) ;
/* Appends DATADIR/accounts/NAME (NUL-terminated) to sa.  1, or 0 with errno. */
extern int tern_conf_accountdir (tern_conf const *c, char const *name, stralloc *sa) ;

#endif
