/* tern-listen-limits: what the listener's limits need beside its loop: the
   victim of an eviction when full (-c), and the connections held a moment
   over -C until their client's last child is reaped (tern-listen.8). */
#include <stdlib.h>
#include <string.h>
#include <skalibs/tai.h>
#include <skalibs/djbunix.h>
#include "tern-listen.h"

/* A sort of the slots by client, then by age, not a count per slot: with
   -c 16384 that would be 2^28 compares per eviction. */
static unsigned int order[LISTEN_MAXCONN + 1] ;
static listen_conn const *otab ;
static size_t oiplen ;

static int bycli (void const *a, void const *b)
{
  listen_conn const *c = otab + *(unsigned int const *)a, *d = otab + *(unsigned int const *)b ;
  int r = memcmp(c->ip, d->ip, oiplen) ;
  return r ? r : c->seq < d->seq ? -1 : c->seq > d->seq ;
}

unsigned int listen_victim (listen_conn const *tab, unsigned int n, size_t iplen, unsigned int *count)
{
  unsigned int best = n, bestn = 0 ;
  otab = tab ; oiplen = iplen ;
  for (unsigned int i = 0 ; i < n ; i++) order[i] = i ;
  qsort(order, n, sizeof *order, &bycli) ;
  for (unsigned int i = 0, j ; i < n ; i = j)
  {
    unsigned int v = n ;
    for (j = i ; j < n && !memcmp(tab[order[j]].ip, tab[order[i]].ip, iplen) ; j++)
      if (v == n && !tab[order[j]].evicted) v = order[j] ;
    if (v < n && (j - i > bestn || (j - i == bestn && tab[v].seq < tab[best].seq)))
    {
      best = v ; bestn = j - i ;
    }
  }
  *count = bestn ;
  return best ;
}

typedef struct held_s held ;
struct held_s
{
  int s ;
  uint16_t port ;
  char ip[16] ;
  tain until ;
} ;

static held park[LISTEN_PARKMAX] ;
static unsigned int npark = 0 ;

int listen_park (int s, char const *ip, uint16_t port)
{
  held *h = park + npark ;
  if (npark >= LISTEN_PARKMAX) return 0 ;
  h->s = s ; h->port = port ;
  memcpy(h->ip, ip, 16) ;
  tain_addsec_g(&h->until, LISTEN_GRACE) ;
  npark++ ;
  return 1 ;
}

unsigned int listen_parked (void)
{
  return npark ;
}

/* backwards, each taken out before fn sees it and put back at the end if
   kept: fn may park (appended, not seen again in this scan) */
void listen_park_scan (listen_park_fn *fn)
{
  for (unsigned int i = npark ; i-- ;)
  {
    held h = park[i] ;
    park[i] = park[--npark] ;
    if (!(*fn)(h.s, h.ip, h.port, !tain_less(&STAMP, &h.until))) park[npark++] = h ;
  }
}

void listen_park_deadline (tain *deadline)
{
  for (unsigned int i = 0 ; i < npark ; i++)
    if (tain_less(&park[i].until, deadline)) *deadline = park[i].until ;
}

void listen_park_closeall (void)
{
  for (unsigned int i = 0 ; i < npark ; i++) fd_close(park[i].s) ;
}
