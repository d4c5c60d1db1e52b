/* churn: tests only: a live account for tern-verify: N rounds of a
   delivery to Inbox, an expunge and a flag change there (compacting when
   worth it), and every 20 rounds a mailbox created, filled and deleted.
   usage: churn ACCT N.  exit: 0 done, 111 a store call failed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include "tern.h"
#include "tern_store.h"

static char const msg[] = "Subject: churn\r\n\r\nround\r\n" ;

static int die (char const *what, int r)
{
  perror(what) ;
  return r ? r : 111 ;
}

/* expunge the lowest live UID above *low, flag the next one */
static int inbox (char const *acct, uint32_t *low)
{
  tern_mboxent e ;
  tern_mbox m = TERN_MBOX_ZERO ;
  genalloc g = GENALLOC_ZERO ;
  uint64_t ms ;
  int r = tern_store_mbox_lookup(acct, "Inbox", &e) ;
  if (!r) r = tern_mbox_openent(&m, acct, &e) ;
  if (!r) r = tern_mbox_lock(&m, LOCK_EX) ;
  if (!r) r = tern_mbox_records(&m, 0, &g) ;
  for (size_t i = 0 ; !r && i < genalloc_len(tern_rec, &g) ; i++)
  {
    tern_rec const *x = genalloc_s(tern_rec, &g) + i ;
    if (x->flags & TERN_F_EXPUNGED || x->uid <= *low) continue ;
    *low = x->uid ;
    r = tern_mbox_expunge(&m, x->uid, &ms) ;
    if (!r && i + 1 < genalloc_len(tern_rec, &g)) r = tern_mbox_setflags(&m, x[1].uid, TERN_F_SEEN, 0, 0, &ms) ;
    break ;
  }
  if (!r) r = tern_mbox_compact(&m, 0) ;
  tern_mbox_close(&m) ;
  genalloc_free(tern_rec, &g) ;
  return r ;
}

int main (int argc, char **argv)
{
  uint32_t uid, id, low = 0 ;
  unsigned long n ;
  int r ;
  if (argc != 3) return 100 ;
  n = strtoul(argv[2], 0, 10) ;
  if ((r = tern_store_create(argv[1]))) return die("create", r) ;
  for (unsigned long i = 0 ; i < n ; i++)
  {
    if ((r = tern_store_deliver(argv[1], "Inbox", msg, sizeof msg - 1, 0, 0, 0, 1700000000, 0, &uid))) return die("deliver", r) ;
    if ((r = tern_store_deliver(argv[1], "Inbox", msg, sizeof msg - 1, 0, 0, 0, 1700000000, 0, &uid))) return die("deliver", r) ;
    if ((r = inbox(argv[1], &low))) return die("expunge", r) ;
    if (i % 20 == 0)
    {
      if ((r = tern_store_mbox_create(argv[1], "Churn/box", 0, &id))) return die("create mailbox", r) ;
      if ((r = tern_store_deliver(argv[1], "Churn/box", msg, sizeof msg - 1, 0, 0, 0, 1700000000, 0, &uid))) return die("deliver", r) ;
      if ((r = tern_store_mbox_delete(argv[1], "Churn/box"))) return die("delete mailbox", r) ;
    }
  }
  return 0 ;
}
