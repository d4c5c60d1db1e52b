/* tern_route.h: matching one compiled route ("TRANSPORT from=D,D to=D,D
   min-attempts=N", see tern_conf.h) against a delivery attempt.  Domains
   are lower-case A-labels; "" is the empty domain (null sender, literal). */
#ifndef TERN_ROUTE_H
#define TERN_ROUTE_H

#include <stddef.h>

/* 1 if domain d is in the comma list: "x.com" exact, ".x.com" x.com and
   its subdomains, "." the empty domain only; 0 if not. */
extern int tern_route_domain (char const *list, size_t len, char const *d, size_t dlen) ;
/* 1 the route in s matches (*tlen gets the length of its transport name,
   at the start of s), 0 it does not, -1 bad route syntax (errno EPROTO). */
extern int tern_route_match (char const *s, size_t len, char const *from, size_t fromlen,
  char const *to, size_t tolen, unsigned int attempts, size_t *tlen) ;

#endif
