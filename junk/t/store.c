/* junk-store: tests only: a store for tern-retrain's tests.
   junk-store ACCT deliver MAILBOX FLAGS < msg   prints the UID
   junk-store ACCT flags MAILBOX UID FLAGS       sets flags, no training
   junk-store ACCT expunge MAILBOX UID           expunges, no training
   junk-store ACCT states                        "MAILBOX UID FLAGS TRAIN" lines
   junk-store ACCT flip MAILBOX N SEED STOP      N flag changes as IMAP makes
     them (junk lock, EX lock, flags, tern_junk_sync, commit), printing each
     count, until file STOP exists
   FLAGS: none junk notjunk both; TRAIN: none ham spam.  exit 0, 100, 111. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/file.h>
#include "tern.h"
#include "tern_store.h"
#include "tern_junk.h"

static char const *const fnames[4] = { "none", "junk", "notjunk", "both" } ;
static char const *const tnames[3] = { "none", "ham", "spam" } ;

static uint32_t fscan (char const *s)
{
  for (unsigned int i = 0 ; i < 4 ; i++)
    if (!strcmp(s, fnames[i])) return (i & 1 ? TERN_F_JUNK : 0) | (i & 2 ? TERN_F_NOTJUNK : 0) ;
  exit(100) ;
}

static char const *ffmt (uint32_t f)
{
  return fnames[(f & TERN_F_JUNK ? 1 : 0) | (f & TERN_F_NOTJUNK ? 2 : 0)] ;
}

static void die (char const *what, int r)
{
  perror(what) ;
  exit(r ? r : 111) ;
}

static void openbox (tern_mbox *m, char const *acct, char const *name)
{
  tern_mboxent e ;
  int r = tern_store_mbox_lookup(acct, name, &e) ;
  if (r) die("lookup", r) ;
  if ((r = tern_mbox_openent(m, acct, &e)) || (r = tern_mbox_lock(m, LOCK_EX))) die("open", r) ;
}

static void states (char const *acct)
{
  tern_mboxlist l = TERN_MBOXLIST_ZERO ;
  int r = tern_mboxlist_read(&l, acct) ;
  if (r) die("list", r) ;
  for (size_t i = 0 ; i < tern_mboxlist_len(&l) ; i++)
  {
    tern_mbox m = TERN_MBOX_ZERO ;
    genalloc recs = GENALLOC_ZERO ;
    if ((r = tern_mbox_openent(&m, acct, tern_mboxlist_ent(&l, i))) || (r = tern_mbox_records(&m, 0, &recs))) die("records", r) ;
    for (size_t j = 0 ; j < genalloc_len(tern_rec, &recs) ; j++)
    {
      tern_rec const *x = genalloc_s(tern_rec, &recs) + j ;
      if (x->flags & TERN_F_EXPUNGED) continue ;
      printf("%s %u %s %s\n", tern_mboxlist_ent(&l, i)->name, (unsigned int)x->uid, ffmt(x->flags), tnames[TERN_F_TRAIN(x->flags) % 3]) ;
    }
    genalloc_free(tern_rec, &recs) ;
    tern_mbox_close(&m) ;
  }
  tern_mboxlist_free(&l) ;
}

/* n flag changes on random messages of mailbox name, each trained as IMAP does */
static void flip (char const *acct, char const *name, unsigned long n, unsigned int seed, char const *stop)
{
  tern_junkopt o ;
  tern_junkopt_default(&o) ;
  srand(seed) ;
  for (unsigned long i = 0 ; i < n && access(stop, F_OK) < 0 ; i++)
  {
    tern_junkdb d = TERN_JUNKDB_ZERO ;
    tern_mbox m = TERN_MBOX_ZERO ;
    genalloc recs = GENALLOC_ZERO ;
    tern_rec const *x ;
    int r = tern_junkdb_open(&d, acct, TERN_JUNKDB_WRITE) ;
    if (r) die("junkdb_open", r) ;
    openbox(&m, acct, name) ;
    if ((r = tern_mbox_records(&m, 0, &recs))) die("records", r) ;
    if (!genalloc_len(tern_rec, &recs)) exit(100) ;
    x = genalloc_s(tern_rec, &recs) + (size_t)rand() % genalloc_len(tern_rec, &recs) ;
    if (!(x->flags & TERN_F_EXPUNGED))
    {
      uint32_t f = (x->flags & TERN_F_USER & ~(uint32_t)(TERN_F_JUNK | TERN_F_NOTJUNK)) | fscan(fnames[rand() % 4]) ;
      if ((r = tern_mbox_setflags(&m, x->uid, f, x->keywords, 0, 0))) die("setflags", r) ;
      if ((r = tern_junk_sync(&d, &o, &m, x->uid, 0))) die("sync", r) ;
    }
    if ((r = tern_junkdb_commit(&d))) die("commit", r) ;
    printf("%lu\n", i + 1) ;
    fflush(stdout) ;
    genalloc_free(tern_rec, &recs) ;
    tern_mbox_close(&m) ;
    tern_junkdb_close(&d) ;
  }
}

int main (int argc, char **argv)
{
  tern_mbox m = TERN_MBOX_ZERO ;
  tern_rec rec ;
  size_t pos ;
  uint32_t uid ;
  int r ;
  if (argc < 3) return 100 ;
  if (!strcmp(argv[2], "deliver") && argc == 5)
  {
    if ((r = tern_store_create(argv[1]))) die("create", r) ;
    r = tern_store_deliverfd(argv[1], argv[3], 0, fscan(argv[4]), 0, 0, (int64_t)time(0), TERN_DELIVER_CREATE, &uid) ;
    if (r) die("deliver", r) ;
    printf("%u\n", (unsigned int)uid) ;
  }
  else if (!strcmp(argv[2], "flags") && argc == 6)
  {
    openbox(&m, argv[1], argv[3]) ;
    uid = strtoul(argv[4], 0, 10) ;
    if ((r = tern_mbox_find(&m, uid, &rec, &pos))) die("find", r) ;
    r = tern_mbox_setflags(&m, uid, (rec.flags & TERN_F_USER & ~(uint32_t)(TERN_F_JUNK | TERN_F_NOTJUNK)) | fscan(argv[5]), rec.keywords, 0, 0) ;
    if (r) die("setflags", r) ;
  }
  else if (!strcmp(argv[2], "expunge") && argc == 5)
  {
    openbox(&m, argv[1], argv[3]) ;
    if ((r = tern_mbox_expunge(&m, strtoul(argv[4], 0, 10), 0))) die("expunge", r) ;
  }
  else if (!strcmp(argv[2], "states") && argc == 3) states(argv[1]) ;
  else if (!strcmp(argv[2], "flip") && argc == 7) flip(argv[1], argv[3], strtoul(argv[4], 0, 10), strtoul(argv[5], 0, 10), argv[6]) ;
  else return 100 ;
  tern_mbox_close(&m) ;
  return 0 ;
}
