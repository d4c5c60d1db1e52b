/* tern-queue-run-route: where each due recipient of a message goes this
   attempt: an account (local), a transport (remote, tern-queue-run-remote.c)
   or nowhere (fails at once); the configuration as mapped by the runner. */
#include <string.h>
#include <skalibs/cdb.h>
#include "tern.h"
#include "tern_addr.h"
#include "tern_log.h"
#include "tern-queue-run.h"

/* where rcpt goes: R_LOCAL with the account appended (NUL-terminated),
   R_REMOTE with "DOMKEY TRANSPORT-LINE" (remote_route) */
int msg_route (msg const *m, char const *rcpt, unsigned int attempts, stralloc *acct)
{
  tern_addr a = TERN_ADDR_ZERO ;
  stralloc key = STRALLOC_ZERO ;
  cdb_data d ;
  int r = tern_addr_parse(&a, rcpt, strlen(rcpt), (m->env.flags & TERN_QENV_UTF8) ? TERN_ADDR_UTF8 : 0) ;
  size_t base = acct->len ;
  if (!r)
  {
    int f = tern_conf_account(&conf, &a, acct) ;
    r = f == 1 ? R_LOCAL : f < 0 ? R_TEMP : 0 ;
  }
  else r = r == TERN_PERM ? R_BAD : R_TEMP ;
  if (!r)
  {
    r = R_REMOTE ;
    acct->len = base ;
    if (remoteto.len > 1) { r = stralloc_cats(acct, remoteto.s) ? R_LOCAL : R_TEMP ; }
    else if (!stralloc_cats(&key, "d:") || !stralloc_catb(&key, a.domain.s, a.domain.len)) r = R_TEMP ;
    else if ((r = tern_conf_find(&conf, key.s, key.len, &d))) r = r > 0 ? R_BAD : R_TEMP ;  /* ours, and nobody has it */
    else r = remote_route(m, rcpt, attempts, acct) ;
    if (r != R_LOCAL) { tern_addr_free(&a) ; stralloc_free(&key) ; return r ; }
  }
  if (r == R_LOCAL && !stralloc_0(acct)) r = R_TEMP ;
  tern_addr_free(&a) ;
  stralloc_free(&key) ;
  return r ;
}

static void fail (msg *m, unsigned int j, char const *rcpt, char const *why)
{
  tern_qrcpt *r = tern_qstate_rcpt(&m->st, j) ;
  r->state = m->env.from.s[0] ? TERN_QRCPT_BOUNCE : TERN_QRCPT_FAILED ;
  tern_qrcpt_seterror(r, why) ;
  m->dirty = 1 ;
  tern_log_warn("delivery", "id", m->id, "rcpt", logaddr(m, rcpt), "result", "failed", "error", why, TERN_LOG_END) ;
}

int msg_routes (msg *m, uint64_t now, uint64_t *wake, stralloc *kinds, genalloc *offs, stralloc *accts)
{
  char const *rcpt = m->env.rcpts.s ;
  kinds->len = 0 ; accts->len = 0 ; genalloc_setlen(size_t, offs, 0) ;
  for (unsigned int j = 0 ; j < m->env.nrcpt ; j++, rcpt += strlen(rcpt) + 1)
  {
    tern_qrcpt *r = tern_qstate_rcpt(&m->st, j) ;
    size_t off = accts->len ;
    char k = 0 ;
    if (tern_qrcpt_pending(r) && !m->busy.s[j])
    {
      if (r->next > now) { if (r->next < *wake) *wake = r->next ; }
      else k = (char)msg_route(m, rcpt, r->attempts, accts) ;
    }
    if (k == R_BAD) fail(m, j, rcpt, "550 5.1.1 no such address") ;
    else if (k == R_TEMP && now + 60 < *wake) *wake = now + 60 ;
    else if (k == R_NOTRANSPORT)
    {
      /* a forced transport that is gone: a failed attempt */
      char e[TERN_QUEUE_ERRMAX] = "451 4.3.5 tern: cannot find transport " ;
      size_t n = strlen(e), t = strlen(accts->s + off) ;
      memcpy(e + n, accts->s + off, t < sizeof e - n ? t + 1 : 0) ;
      if (t >= sizeof e - n) e[n] = 0 ;
      rcpt_count(r, now) ;
      rcpt_result(m - MSG(0), j, 111, e, "transport", accts->s + off) ;
      if (r->next < *wake) *wake = r->next ;
      k = 0 ;
    }
    if (!stralloc_catb(kinds, &k, 1) || !genalloc_append(size_t, offs, &off)) return 0 ;
  }
  return 1 ;
}
