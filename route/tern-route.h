/* tern-route.h: the parts of tern-route (see tern-route.8). */
#ifndef TERN_ROUTE_PROG_H
#define TERN_ROUTE_PROG_H

#include <skalibs/stralloc.h>
#include "tern_conf.h"

typedef struct query_s query ;
struct query_s
{
  char const *account ;  /* 0: none */
  char const *forced ;   /* 0: none */
  unsigned int attempts ;
  stralloc from ;        /* A-label, "" for the null sender or a literal */
  stralloc to ;
} ;
#define QUERY_ZERO { .account = 0, .forced = 0, .attempts = 0, .from = STRALLOC_ZERO, .to = STRALLOC_ZERO }

/* 1 if s is a transport or account name: 1-64 of a-z0-9._-, first alnum. */
extern int route_name_ok (char const *s) ;
/* The matching domain of a sender or recipient argument into d: TERN_OK,
   TERN_PERM (bad syntax), TERN_TEMP (no memory). */
extern int route_domain (char const *arg, stralloc *d) ;
/* Search the routes: 1 a route matched (its transport name into tname),
   0 none did; why gets where the choice came from.  -1 errno on error. */
extern int route_pick (tern_conf const *c, query const *q, stralloc *tname, stralloc *why) ;
/* Append the transport line for transport name (no newline): 1, 0 no
   such transport, -1 errno on error. */
extern int route_line (tern_conf const *c, char const *name, size_t len, stralloc *out) ;

#endif
