/* bkstore: tests only: an account's store as text through the store API,
   to compare a backup with its source; the store's check; flag changes.
   usage: bkstore dump ACCT | check ACCT | flags ACCT MAILBOX UID BITS [KEYWORD...] | expunge ACCT MAILBOX UID
          | spam ACCT MAILBOX UID... (flag $Junk, train, a commit each) | junkstats ACCT
   exit: 0, 1 (check found problems), 100, 111. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include "tern.h"
#include "tern_store.h"
#include "tern_junk.h"

static int dumpbox (char const *acct, tern_mboxent const *e)
{
  tern_mbox m = TERN_MBOX_ZERO ;
  genalloc g = GENALLOC_ZERO ;
  stralloc p = STRALLOC_ZERO ;
  int r = tern_mbox_openent(&m, acct, e) ;
  if (!r) r = tern_mbox_lock(&m, LOCK_SH) ;
  if (!r) r = tern_mbox_keywords(&m) ;
  if (!r) r = tern_mbox_allrecords(&m, &g) ;
  if (r) { printf("mailbox %s: error %d\n", e->name, r) ; tern_mbox_close(&m) ; return r ; }
  printf("mailbox %u %u %u %u %s: uidnext %u hms %llu tombstones %u\n", e->id, e->uidvalidity, e->subscribed, e->specialuse,
    e->name, m.hdr.uidnext, (unsigned long long)m.hdr.highestmodseq, m.hdr.tombstones) ;
  for (unsigned int i = 0 ; i < m.nkw ; i++) printf("  keyword %u %s\n", i, tern_mbox_keywordname(&m, i)) ;
  for (size_t i = 0 ; i < genalloc_len(tern_rec, &g) ; i++)
  {
    tern_rec const *x = genalloc_s(tern_rec, &g) + i ;
    struct stat st ;
    char const *f = "file" ;
    tern_mbox_path(&p, &m, "cur", x->uid) ;
    if (stat(p.s, &st) < 0) f = "nofile" ;
    else if ((uint64_t)st.st_size != x->size) f = "badsize" ;
    printf("  uid %u flags %x kw %llx modseq %llu size %llu date %lld %s\n", x->uid, x->flags, (unsigned long long)x->keywords,
      (unsigned long long)x->modseq, (unsigned long long)x->size, (long long)x->internaldate,
      (x->flags & TERN_F_EXPUNGED) ? "-" : f) ;
  }
  tern_mbox_close(&m) ;
  genalloc_free(tern_rec, &g) ;
  stralloc_free(&p) ;
  return 0 ;
}

static int dump (char const *acct)
{
  tern_mboxlist l = TERN_MBOXLIST_ZERO ;
  int r = tern_mboxlist_read(&l, acct), bad = 0 ;
  if (r) { printf("list: error %d\n", r) ; return r ; }
  printf("list nextid %u nextuidvalidity %u\n", l.nextid, l.nextuidvalidity) ;
  for (uint32_t id = 1 ; id < l.nextid ; id++)
    for (size_t i = 0 ; i < tern_mboxlist_len(&l) ; i++)
      if (tern_mboxlist_ent(&l, i)->id == id && dumpbox(acct, tern_mboxlist_ent(&l, i))) bad = 1 ;
  tern_mboxlist_free(&l) ;
  return bad ? 111 : 0 ;
}

static void problem (void *data, char const *path, char const *what)
{
  (void)data ;
  printf("problem: %s: %s\n", path, what) ;
}

static int flags (char **argv, int expunge)
{
  tern_mboxent e ;
  tern_mbox m = TERN_MBOX_ZERO ;
  uint64_t kw = 0 ;
  int r = tern_store_mbox_lookup(argv[0], argv[1], &e) ;
  if (!r) r = tern_mbox_openent(&m, argv[0], &e) ;
  if (!r) r = tern_mbox_lock(&m, LOCK_EX) ;
  if (!r && expunge) r = tern_mbox_expunge(&m, (uint32_t)strtoul(argv[2], 0, 10), 0) ;
  else if (!r)
  {
    for (char **k = argv + 4 ; *k && !r ; k++)
    {
      unsigned int bit ;
      r = tern_mbox_keyword(&m, *k, strlen(*k), &bit) ;
      kw |= (uint64_t)1 << bit ;
    }
    if (!r) r = tern_mbox_setflags(&m, (uint32_t)strtoul(argv[2], 0, 10), (uint32_t)strtoul(argv[3], 0, 16), kw, 0, 0) ;
  }
  tern_mbox_close(&m) ;
  if (r) perror("bkstore") ;
  return r ;
}

/* $Junk on message UID, and the filter trained as the flag asks: one commit */
static int spam1 (char **argv)
{
  tern_junkdb d = TERN_JUNKDB_ZERO ;
  tern_junkopt o ;
  tern_mboxent e ;
  tern_mbox m = TERN_MBOX_ZERO ;
  uint32_t uid = (uint32_t)strtoul(argv[2], 0, 10) ;
  tern_rec rec ;
  size_t pos ;
  int r = tern_junkdb_open(&d, argv[0], TERN_JUNKDB_WRITE) ;
  tern_junkopt_default(&o) ;
  if (!r) r = tern_store_mbox_lookup(argv[0], argv[1], &e) ;
  if (!r) r = tern_mbox_openent(&m, argv[0], &e) ;
  if (!r) r = tern_mbox_lock(&m, LOCK_EX) ;
  if (!r) r = tern_mbox_find(&m, uid, &rec, &pos) ;
  if (!r) r = tern_mbox_setflags(&m, uid, (rec.flags & TERN_F_USER) | TERN_F_JUNK, rec.keywords, 0, 0) ;
  if (!r) r = tern_junk_sync(&d, &o, &m, uid, 0) ;
  if (!r) r = tern_junkdb_commit(&d) ;
  tern_mbox_close(&m) ;
  tern_junkdb_close(&d) ;
  if (r) perror("bkstore spam") ;
  return r ;
}

/* each UID in turn, one commit each */
static int spam (char **argv)
{
  for (char **u = argv + 2 ; *u ; u++)
  {
    char *a[3] = { argv[0], argv[1], *u } ;
    int r = spam1(a) ;
    if (r) return r ;
  }
  return 0 ;
}

static int junkstats (char const *acct)
{
  tern_junkdb d = TERN_JUNKDB_ZERO ;
  tern_junkstats st ;
  int r = tern_junkdb_open(&d, acct, TERN_JUNKDB_READ) ;
  if (!r) r = tern_junkdb_stats(&d, &st) ;
  if (!r) printf("junk nham %u nspam %u words %llu\n", st.nham, st.nspam, (unsigned long long)st.words) ;
  tern_junkdb_close(&d) ;
  return r ;
}

int main (int argc, char **argv)
{
  if (argc >= 5 && !strcmp(argv[1], "spam")) return spam(argv + 2) ;
  if (argc == 3 && !strcmp(argv[1], "junkstats")) return junkstats(argv[2]) ;
  if (argc >= 3 && !strcmp(argv[1], "dump")) return dump(argv[2]) ;
  if (argc >= 3 && !strcmp(argv[1], "check"))
  {
    unsigned int n = 0 ;
    int r = tern_store_check(argv[2], &problem, 0, &n) ;
    if (r) { printf("check: error %d\n", r) ; return r ; }
    return n ? 1 : 0 ;
  }
  if (argc >= 6 && !strcmp(argv[1], "flags")) return flags(argv + 2, 0) ;
  if (argc == 5 && !strcmp(argv[1], "expunge")) return flags(argv + 2, 1) ;
  fprintf(stderr, "usage: bkstore dump ACCT | check ACCT | flags ACCT MAILBOX UID BITS [KEYWORD...] | expunge ACCT MAILBOX UID\n") ;
  return 100 ;
}
