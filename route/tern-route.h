/* tern-route.h: the parts of tern-route (see tern-route.8). */
#ifndef TERN_ROUTE_PROG_H
#define TERN_ROUTE_PROG_H

#include <skalibs/stralloc.h>
#include "tern_conf.h"

#include "tern_route.h"

typedef tern_routeq query ;
#define QUERY_ZERO TERN_ROUTEQ_ZERO

/* 1 if s is a transport or account name: 1-64 of a-z0-9._-, first alnum. */
extern int route_name_ok (char const *s) ;
/* The matching domain of a sender or recipient argument into d: TERN_OK,
   TERN_PERM (bad syntax), TERN_TEMP (no memory). */
extern int route_domain (char const *arg, stralloc *d) ;
#endif
