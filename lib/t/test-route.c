/* test-route: tern_route_domain and tern_route_match, table-driven. */
#include <string.h>
#include "tern_route.h"
#include "t.h"

static struct { char const *list ; char const *d ; int in ; } const doms[] =
{
  { "example.com", "example.com", 1 },
  { "example.com", "a.example.com", 0 },
  { ".example.com", "example.com", 1 },
  { ".example.com", "a.example.com", 1 },
  { ".example.com", "a.b.example.com", 1 },
  { ".example.com", "badexample.com", 0 },
  { ".example.com", "example.com.evil", 0 },
  { ".example.com", "", 0 },
  { ".", "", 1 },
  { ".", "example.com", 0 },
  { "example.com", "", 0 },
  { "a.test,.example.com,b.test", "x.example.com", 1 },
  { "a.test,.example.com,b.test", "b.test", 1 },
  { "a.test,,b.test", "c.test", 0 },
  { "", "", 0 },
  { ",", "", 0 },
  { ".,a.test", "", 1 },
  { "xn--mx-lka.example", "xn--mx-lka.example", 1 },
} ;

static struct { char const *route ; char const *from ; char const *to ; unsigned int n ; int r ; size_t tlen ; } const routes[] =
{
  { "relay", "a.test", "b.test", 0, 1, 5 },
  { "relay min-attempts=4", "a.test", "b.test", 3, 0, 5 },
  { "relay min-attempts=4", "a.test", "b.test", 4, 1, 5 },
  { "relay min-attempts=4", "a.test", "b.test", 9, 1, 5 },
  { "relay min-attempts=0", "", "", 0, 1, 5 },
  { "r from=.a.test", "x.a.test", "b.test", 0, 1, 1 },
  { "r from=.a.test", "b.test", "b.test", 0, 0, 1 },
  { "r to=.", "", "", 0, 1, 1 },
  { "r to=.", "", "b.test", 0, 0, 1 },
  { "r from=. to=b.test min-attempts=1", "", "b.test", 1, 1, 1 },
  { "r from=. to=b.test min-attempts=1", "", "b.test", 0, 0, 1 },
  { "r from=. to=b.test min-attempts=1", "x", "b.test", 1, 0, 1 },
  { "", "", "", 0, -1, 0 },
  { " r", "", "", 0, -1, 0 },
  { "r ", "", "", 0, -1, 0 },
  { "r  to=x", "", "", 0, -1, 0 },
  { "r colour=blue", "", "", 0, -1, 0 },
  { "r min-attempts=", "", "", 0, -1, 0 },
  { "r min-attempts=x", "", "", 0, -1, 0 },
  { "r min-attempts=1234567890", "", "", 0, -1, 0 },
  { "r from=", "", "", 0, -1, 0 },
} ;

int main (void)
{
  for (size_t i = 0 ; i < sizeof doms / sizeof *doms ; i++)
    T(tern_route_domain(doms[i].list, strlen(doms[i].list), doms[i].d, strlen(doms[i].d)) == doms[i].in, doms[i].list) ;
  for (size_t i = 0 ; i < sizeof routes / sizeof *routes ; i++)
  {
    size_t tlen = 0 ;
    int r = tern_route_match(routes[i].route, strlen(routes[i].route), routes[i].from, strlen(routes[i].from),
      routes[i].to, strlen(routes[i].to), routes[i].n, &tlen) ;
    T(r == routes[i].r, routes[i].route) ;
    if (r >= 0) T(tlen == routes[i].tlen, routes[i].route) ;
  }
  return tdone() ;
}
