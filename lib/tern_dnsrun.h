/* tern_dnsrun.h: DNS for skalibs programs, through the libowfat-only
   tern-dns(8) as a child (the two libraries never meet in one binary). */
#ifndef TERN_DNSRUN_H
#define TERN_DNSRUN_H
#include <skalibs/stralloc.h>

/* Runs "tern-dns -t SECS CMD ARG" from $PATH (SECS: $TERN_DNS_TIMEOUT if
   it is a number of at most 4 digits, else 30) and puts its standard output in
   out (emptied first; freed unless the exit code is 0 or 100: "mx" prints
   why on 100 for a null MX).  Its standard
   error is kept, or goes to /dev/null if quiet.  Returns its exit code: 0
   answered, 100 no such record; 127 not found, 111 could not run it or it
   died, anything else temporary. */
extern int tern_dns_run (char const *cmd, char const *arg, int quiet, stralloc *out) ;

#endif
