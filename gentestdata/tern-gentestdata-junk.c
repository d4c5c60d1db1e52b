/* tern-gentestdata-junk: train the junk filter of each account that has
   one from its messages' $Junk/$NotJunk flags, as IMAP does (tern_junk_sync
   under the mailbox lock, one commit per mailbox); and tern_random for this
   program only, from the seed, so that a filter's key is the seed's. */
#include <sys/file.h>
#include <skalibs/strerr.h>
#include "tern.h"
#include "tern_crypto.h"
#include "tern_junk.h"
#include "tern-gentestdata.h"

/* replaces lib/tern_random.c in this program's link (an object comes
   before the archive): hash keys and anything else random follow the
   seed, through a generator of its own so the other choices stay put */
void tern_random (void *s, size_t n)
{
  static uint64_t st ;
  static int seeded = 0 ;
  unsigned char *p = s ;
  if (!seeded) { st = gen_seed ^ 0x6a756e6b6b657973u ; seeded = 1 ; }
  for (size_t i = 0 ; i < n ; i++) p[i] = (unsigned char)gen_next(&st) ;
}

/* one mailbox: every message whose flags ask for training, one commit */
static int mailbox (char const *acct, tern_junkopt const *o, tern_mboxent const *e)
{
  tern_junkdb d = TERN_JUNKDB_ZERO ;
  tern_mbox m = TERN_MBOX_ZERO ;
  genalloc recs = GENALLOC_ZERO ;
  int r = tern_junkdb_open(&d, acct, TERN_JUNKDB_WRITE) ;
  if (!r) r = tern_mbox_openent(&m, acct, e) ;
  if (!r) r = tern_mbox_lock(&m, LOCK_EX) ;
  if (!r) r = tern_mbox_records(&m, 0, &recs) ;
  for (size_t i = 0 ; !r && i < genalloc_len(tern_rec, &recs) ; i++)
  {
    tern_rec const *x = genalloc_s(tern_rec, &recs) + i ;
    if (!(x->flags & TERN_F_EXPUNGED) && tern_junk_wanted(x->flags) != TERN_TRAIN_NONE)
      r = tern_junk_sync(&d, o, &m, x->uid, 0) ;
  }
  if (!r) r = tern_junkdb_commit(&d) ;   /* with m still locked: its states go through m */
  tern_mbox_close(&m) ;
  tern_junkdb_close(&d) ;
  genalloc_free(tern_rec, &recs) ;
  return r ;
}

void gen_junk (void)
{
  static char const *const names[] = { "alice", "bob", "juergen" } ;
  tern_conf c = TERN_CONF_ZERO ;
  stralloc p = STRALLOC_ZERO ;
  if (!tern_conf_open(&c, gen_path(&p, gen_dest, "conf"))) strerr_diefusys(111, "open the configuration in ", p.s) ;
  for (unsigned int i = 0 ; i < sizeof names / sizeof *names ; i++)
  {
    tern_junkopt o ;
    tern_mboxlist l = TERN_MBOXLIST_ZERO ;
    char const *acct = gen_acct(names[i]) ;
    int r = tern_junkopt_conf(&c, names[i], &o) ;
    if (r < 0) strerr_diefusys(111, "read the junk filter options of ", names[i]) ;
    if (!r) continue ;
    gen_die(tern_mboxlist_read(&l, acct), "read the mailboxes of ", names[i]) ;
    for (size_t j = 0 ; j < tern_mboxlist_len(&l) ; j++)
      gen_die(mailbox(acct, &o, tern_mboxlist_ent(&l, j)), "train the junk filter of ", names[i]) ;
    tern_mboxlist_free(&l) ;
  }
  tern_conf_close(&c) ;
  stralloc_free(&p) ;
}
