/* tern_junkdb_states: a commit sets the training states it names in the
   mailboxes' indexes: through the caller's EX-locked mailbox when it said
   it holds it (tern_junkdb_held), else by locking each mailbox itself. */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/file.h>
#include "tern.h"
#include "tern_junkdb_int.h"

static tern_jdb_state const *base ;

static int bymbox (void const *a, void const *b)
{
  tern_jdb_state const *x = base + *(size_t const *)a, *y = base + *(size_t const *)b ;
  if (x->mboxid != y->mboxid) return x->mboxid < y->mboxid ? -1 : 1 ;
  return *(size_t const *)a < *(size_t const *)b ? -1 : 1 ;
}

/* as tern_mbox_settrain, on an expunged record too: a message untrained
   as it is expunged must not be untrained again by a later sync */
static int settrain (tern_mbox *m, uint32_t uid, unsigned int state)
{
  tern_rec rec ;
  size_t pos ;
  int r = tern_mbox_find(m, uid, &rec, &pos) ;
  if (r) return r ;
  if (TERN_F_TRAIN(rec.flags) == state) return TERN_OK ;
  rec.flags = (rec.flags & ~(uint32_t)TERN_F_TRAINMASK) | ((uint32_t)state << 16) ;
  return tern_mbox_putrec(m, pos, &rec) ;
}

/* a message gone, or of another UIDVALIDITY, is skipped */
static int group (tern_mbox *m, tern_jdb_state const *s, size_t const *ix, size_t n)
{
  int r = tern_mbox_header(m) ;
  if (r) return r ;
  for (size_t i = 0 ; i < n ; i++)
  {
    tern_jdb_state const *t = s + ix[i] ;
    if (t->state == TERN_JDB_HELD || t->uidvalidity != m->hdr.uidvalidity) continue ;
    r = settrain(m, t->uid, t->state) ;
    if (r && r != TERN_PERM) return r ;
  }
  return fsync(m->fd) < 0 ? tern_errcode(errno) : TERN_OK ;
}

static int own (tern_junkdb const *d, uint32_t id, tern_jdb_state const *s, size_t const *ix, size_t n)
{
  tern_mbox m = TERN_MBOX_ZERO ;
  int r = tern_mbox_open(&m, d->acct.s, id) ;
  if (r == TERN_PERM) r = TERN_OK ;   /* the mailbox is gone */
  else if (!r)
  {
    r = tern_mbox_lock(&m, LOCK_EX) ;
    if (!r) r = group(&m, s, ix, n) ;
  }
  tern_mbox_close(&m) ;
  return r ;
}

int tern_jdb_states_apply (tern_junkdb const *d, tern_jdb_state const *s, size_t n)
{
  size_t *ix ;
  int r = TERN_OK ;
  if (!n) return TERN_OK ;
  ix = malloc(n * sizeof(size_t)) ;
  if (!ix) return TERN_TEMP ;
  for (size_t i = 0 ; i < n ; i++) ix[i] = i ;
  base = s ;
  qsort(ix, n, sizeof(size_t), &bymbox) ;
  for (size_t i = 0 ; !r && i < n ;)
  {
    size_t j = i ;
    tern_mbox *held = 0 ;
    int any = 0 ;
    for (; j < n && s[ix[j]].mboxid == s[ix[i]].mboxid ; j++)
    {
      if (s[ix[j]].state == TERN_JDB_HELD) held = s[ix[j]].m ;
      else any = 1 ;
    }
    if (any) r = held ? group(held, s, ix + i, j - i) : own(d, s[ix[i]].mboxid, s, ix + i, j - i) ;
    i = j ;
  }
  free(ix) ;
  return r ;
}
