/* tern_junkdb_train: training buffers new absolute counts per word hash
   (an index over them keeps it linear), and the states to set at commit. */
#include <errno.h>
#include <string.h>
#include <skalibs/types.h>
#include "tern.h"
#include "tern_junkdb_int.h"

tern_jdb_pend *tern_jdb_pend_find (tern_junkdb const *d, uint64_t h)
{
  uint32_t const *set = genalloc_s(uint32_t, &d->pendset) ;
  size_t cap = genalloc_len(uint32_t, &d->pendset) ;
  tern_jdb_pend *p = genalloc_s(tern_jdb_pend, &d->pend) ;
  if (!cap) return 0 ;
  for (size_t i = (size_t)h & (cap - 1) ; set[i] ; i = (i + 1) & (cap - 1))
    if (p[set[i] - 1].h == h) return p + set[i] - 1 ;
  return 0 ;
}

static void reindex (genalloc *set, tern_jdb_pend const *p, size_t n)
{
  uint32_t *s = genalloc_s(uint32_t, set) ;
  size_t cap = genalloc_len(uint32_t, set) ;
  if (cap) memset(s, 0, cap * sizeof(uint32_t)) ;
  for (size_t k = 0 ; k < n ; k++)
  {
    size_t i = (size_t)p[k].h & (cap - 1) ;
    while (s[i]) i = (i + 1) & (cap - 1) ;
    s[i] = (uint32_t)k + 1 ;
  }
}

void tern_jdb_pend_clear (tern_junkdb *d)
{
  genalloc_setlen(tern_jdb_pend, &d->pend, 0) ;
  reindex(&d->pendset, 0, 0) ;
}

static tern_jdb_pend *add (tern_junkdb *d, uint64_t h)
{
  tern_jdb_pend *p = tern_jdb_pend_find(d, h) ;
  tern_jdb_pend x = { .h = h, .ham = 0, .spam = 0, .pos = 0 } ;
  size_t n = genalloc_len(tern_jdb_pend, &d->pend) ;
  size_t cap = genalloc_len(uint32_t, &d->pendset) ;
  if (p) return p ;
  if (n >= UINT32_MAX - 1) return (errno = ENOMEM, (tern_jdb_pend *)0) ;
  if ((n + 1) * 2 > cap)
  {
    size_t ncap = cap ? cap * 2 : 1024 ;
    if (!genalloc_ready(uint32_t, &d->pendset, ncap)) return 0 ;
    genalloc_setlen(uint32_t, &d->pendset, ncap) ;
    reindex(&d->pendset, genalloc_s(tern_jdb_pend, &d->pend), n) ;
    cap = ncap ;
  }
  tern_jdb_counts(d, h, &x.ham, &x.spam) ;
  if (!genalloc_append(tern_jdb_pend, &d->pend, &x)) return 0 ;
  {
    uint32_t *s = genalloc_s(uint32_t, &d->pendset) ;
    size_t i = (size_t)h & (cap - 1) ;
    while (s[i]) i = (i + 1) & (cap - 1) ;
    s[i] = (uint32_t)n + 1 ;
  }
  return genalloc_s(tern_jdb_pend, &d->pend) + n ;
}

static void bump (uint32_t *c, int delta)
{
  if (delta > 0) { if (*c < UINT32_MAX) (*c)++ ; }
  else if (*c) (*c)-- ;
}

int tern_junkdb_train (tern_junkdb *d, tern_junkwords const *w, int spam, int delta)
{
  uint64_t const *hash = tern_jdb_wordhashes(d, w) ;
  if (d->lockfd < 0 && d->fd != TERN_JDB_REBUILDFD) return (errno = EBADF, TERN_TEMP) ;
  for (unsigned int i = 0 ; i < w->n ; i++)
  {
    tern_jdb_pend *p = add(d, hash ? hash[i] : tern_jdb_hash(d->key, tern_junkwords_word(w, i), tern_junkwords_len(w, i))) ;
    if (!p) return TERN_TEMP ;
    bump(spam ? &p->spam : &p->ham, delta) ;
  }
  bump(spam ? &d->nspam : &d->nham, delta) ;
  return TERN_OK ;
}

int tern_junkdb_setstate (tern_junkdb *d, uint32_t mboxid, uint32_t uidvalidity, uint32_t uid, unsigned int state)
{
  tern_jdb_state s = { .mboxid = mboxid, .uidvalidity = uidvalidity, .uid = uid, .state = state, .m = 0 } ;
  if (state > TERN_TRAIN_SPAM) return (errno = EINVAL, TERN_PERM) ;
  if (d->lockfd < 0 && d->fd != TERN_JDB_REBUILDFD) return (errno = EBADF, TERN_TEMP) ;
  return genalloc_append(tern_jdb_state, &d->states, &s) ? TERN_OK : TERN_TEMP ;
}

/* the mailbox ID is the last component of m->dir (ACCT/mail/ID) */
int tern_jdb_mboxid (tern_mbox const *m, uint32_t *id)
{
  size_t i = m->dir.len ;
  while (i && m->dir.s[i - 1] != '/') i-- ;
  return i < m->dir.len && uint32_scan(m->dir.s + i, id) == m->dir.len - i ;
}

int tern_junkdb_held (tern_junkdb *d, tern_mbox *m)
{
  tern_jdb_state s = { .uidvalidity = m->hdr.uidvalidity, .uid = 0, .state = TERN_JDB_HELD, .m = m } ;
  if (!tern_jdb_mboxid(m, &s.mboxid)) return (errno = EINVAL, TERN_PERM) ;
  for (size_t k = 0 ; k < genalloc_len(tern_jdb_state, &d->states) ; k++)
  {
    tern_jdb_state const *t = genalloc_s(tern_jdb_state, &d->states) + k ;
    if (t->state == TERN_JDB_HELD && t->m == m && t->mboxid == s.mboxid) return TERN_OK ;
  }
  return genalloc_append(tern_jdb_state, &d->states, &s) ? TERN_OK : TERN_TEMP ;
}
