/* tern_route.h: matching one compiled route ("TRANSPORT from=D,D to=D,D
   min-attempts=N", see tern_conf.h) against a delivery attempt.  Domains
   are lower-case A-labels; "" is the empty domain (null sender, literal). */
#ifndef TERN_ROUTE_H
#define TERN_ROUTE_H

#include <stddef.h>
#include <skalibs/stralloc.h>
#include "tern_conf.h"

/* 1 if domain d is in the comma list: "x.com" exact, ".x.com" x.com and
   its subdomains, "." the empty domain only; 0 if not. */
extern int tern_route_domain (char const *list, size_t len, char const *d, size_t dlen) ;
/* 1 the route in s matches (*tlen gets the length of its transport name,
   at the start of s), 0 it does not, -1 bad route syntax (errno EPROTO). */
extern int tern_route_match (char const *s, size_t len, char const *from, size_t fromlen,
  char const *to, size_t tolen, unsigned int attempts, size_t *tlen) ;

/* One attempt's question: who sends (account, sender domain), where to
   (recipient domain), how many attempts were made before.  Domains are
   lower-case A-labels, "" for the null sender or an address literal. */
typedef struct tern_routeq_s tern_routeq ;
struct tern_routeq_s
{
  char const *account ;  /* 0: none */
  char const *forced ;   /* 0: none (used by tern-route only) */
  unsigned int attempts ;
  stralloc from ;
  stralloc to ;
} ;
#define TERN_ROUTEQ_ZERO { .account = 0, .forced = 0, .attempts = 0, .from = STRALLOC_ZERO, .to = STRALLOC_ZERO }

/* Search the account's, the sender domain's, then the global routes:
   1 a route matched (its transport name into tname), 0 none did; why gets
   where the choice came from.  -1 errno on error. */
extern int tern_route_pick (tern_conf const *c, tern_routeq const *q, stralloc *tname, stralloc *why) ;
/* Append the transport line for transport name (no newline): 1, 0 no
   such transport, -1 errno on error. */
extern int tern_route_line (tern_conf const *c, char const *name, size_t len, stralloc *out) ;

#endif
