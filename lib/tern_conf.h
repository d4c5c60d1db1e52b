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
   domains in A-label form (".example.com" keeps its dot).

   In detail (conf branch).  Defaults are compiled in: a reader never needs
   one, except that an absent flag or optional key means "off"/"none".
     g:hostname            A-label
     g:datadir             absolute path
     g:user                name or decimal uid (default "tern")
     g:smtp-user, g:tls-user, g:log-user  the same (defaults "tern-smtpd",
                           "tern-tls", "tern-log"; tern-users(7))
     g:junk-socket         absolute path (absent: none): tern-smtp-in asks
                           the junk door there (tern-users(7))
     g:listen              repeats: "SERVICE IP PORT", SERVICE one of smtp
                           submission submissions imap imaps, IP without
                           brackets ("imaps ::1 993")
     g:tls-cert, g:tls-key repeat, absolute paths; the n-th key belongs to
                           the n-th cert
     g:no-fix-permissions  "" when set, absent otherwise
     g:postmaster          account name (absent: none)
     g:deliver-remote-to   account name (absent: none): tern-queue-run
                           delivers non-local recipients there
     g:max-message-size    decimal (default 104857600)
     g:queue-max-attempts  decimal (default 8)
     g:queue-concurrency   decimal (default 10)
     g:queue-domain-concurrency decimal (default 1): remote deliveries at
                           once to one recipient domain
     g:queue-active-max    decimal (default 20000): messages tern-queue-run
                           holds in memory at most
     g:subaddress-separator one character (default "+"), "" for none
     d:DOMAIN:catchall     account name (also a:@DOMAIN)
     d:DOMAIN:dkim         repeats: "SELECTOR KEYFILE", KEYFILE absolute
     A:NAME:address        repeats: the address in SMTP form, A-label domain
     A:NAME:full-name      text
     A:NAME:junk-filter    all twelve options, in this order: "threshold=0.46
                           onegrams=yes twograms=no threegrams=no
                           max-power=0.01 top-words=10 ignore-words=0.1
                           rare-words=2 combine=chi min-ham=50 min-spam=10
                           max-bytes=1048576" (absent: no junk filter)
     A:NAME:junk-flags     "yes" or "no" (absent: no)
     A:NAME:junk-mailbox, A:NAME:neutral-mailbox, A:NAME:notjunk-mailbox
                           POSIX ERE, known to compile with REG_EXTENDED
     A:NAME:rejects-mailbox mailbox name, never Inbox
     A:NAME:junk-reject    "no", "temporary" or "permanent" (absent: no):
                           tern-smtp-in refuses mail the filter calls junk
     t:NAME                "submissions HOST PORT", "submission HOST PORT",
                           "smtp HOST PORT", "socks HOST PORT" or "direct";
                           HOST an A-label or an IP (v6 without brackets)
     t:NAME:auth-user      user name
     t:NAME:auth-password-file absolute path of the file with the secret
     t:NAME:auth-mechanisms comma list, default
                           "SCRAM-SHA-256,SCRAM-SHA-1,CRAM-MD5" when auth-user
     t:NAME:starttls-skip-verify, t:NAME:no-starttls  "" when set
     t:NAME:socks-remote-ips   "IP,IP"
     t:NAME:socks-remote-hostname A-label
   Route values carry only the options given; an absent from= or to= matches
   any domain, an absent min-attempts= is 0.  "." in a list is kept as is
   (it matches the empty domain only). */
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

/* Open CONFDIR's config just to find account NAME's directory: appends it
   (NUL-terminated) to sa.  1 found, 0 no such account, -1 error (errno). */
extern int tern_conf_accountpath (char const *confdir, char const *name, stralloc *sa) ;

#endif
