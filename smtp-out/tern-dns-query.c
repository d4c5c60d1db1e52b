/* tern-dns-query: one query to the resolvers under the run's deadline,
   asked again while a CNAME chain leaves the answer. */
#include <errno.h>
#include <string.h>
#include <dns.h>
#include <iopause.h>
#include "tern-dns.h"

struct taia dq_deadline, dq_total ;
static struct dns_transmit tx ;

/* Ask the resolvers; 0 with the answer in tx.packet, or -1 errno. */
static int ask (char const *q, char const *qtype)
{
  static char servers[256] ;
  static int loaded = 0 ;
  static char const localip[16] = { 0 } ;
  if (!loaded)
  {
    if (dns_resolvconfip(servers) == -1) return -1 ;
    loaded = 1 ;
  }
  if (dns_transmit_start(&tx, servers, 1, q, qtype, localip) == -1) return -1 ;
  for (;;)
  {
    struct taia stamp, d = dq_deadline ;
    iopause_fd x[1] ;
    int r ;
    taia_now(&stamp) ;
    if (!taia_less(&stamp, &dq_deadline)) { dns_transmit_free(&tx) ; errno = ETIMEDOUT ; return -1 ; }
    dns_transmit_io(&tx, x, &d) ;
    iopause(x, 1, &d, &stamp) ;
    r = dns_transmit_get(&tx, x, &stamp) ;
    if (r == -1) return -1 ;
    if (r == 1) return 0 ;
  }
}

int dq_lookup (char **q, char const *t, stralloc *out)
{
  unsigned int hops = 0 ;
  for (;;)
  {
    int r ;
    if (ask(*q, t) == -1) return DQ_TEMP ;
    r = dq_answer(tx.packet, tx.packetlen, t, q, out, &hops) ;
    if (r != DQ_AGAIN) return r ;
  }
}

void dq_end (void)
{
  dns_transmit_free(&tx) ;
}
