/* test-store-repair: tern_store_check finds what a power loss or a hostile
   edit leaves behind, and tern_store_repair fixes it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <utime.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <skalibs/djbunix.h>
#include "tern.h"
#include "tern_store.h"
#include "t.h"

#define A "acct"

static char seen[4096] ;

static void note (void *data, char const *path, char const *what)
{
  size_t n = strlen(seen) ;
  (void)data ;
  snprintf(seen + n, sizeof seen - n, "%s: %s\n", path, what) ;
}

static unsigned int check (void)
{
  unsigned int n = 99 ;
  seen[0] = 0 ;
  if (tern_store_check(A, &note, 0, &n)) return 999 ;
  return n ;
}

static int has (char const *s)
{
  return strstr(seen, s) != 0 ;
}

/* rewrite Inbox's index without the record at position drop */
static int droprec (size_t drop)
{
  stralloc sa = STRALLOC_ZERO ;
  size_t off = TERN_STORE_HDRSIZE + drop * TERN_STORE_RECSIZE ;
  int ok = openslurpclose(&sa, A "/mail/1/index") && sa.len >= off + TERN_STORE_RECSIZE ;
  if (ok)
  {
    memmove(sa.s + off, sa.s + off + TERN_STORE_RECSIZE, sa.len - off - TERN_STORE_RECSIZE) ;
    ok = openwritenclose_unsafe(A "/mail/1/index", sa.s, sa.len - TERN_STORE_RECSIZE) ;
  }
  stralloc_free(&sa) ;
  return ok ;
}

static void tpowerloss (void)
{
  struct utimbuf old = { 1000000000, 1000000000 } ;
  tern_mboxlist l = TERN_MBOXLIST_ZERO ;
  tern_mbox m = TERN_MBOX_ZERO ;
  genalloc g = GENALLOC_ZERO ;
  int ok = 1 ;
  for (unsigned int i = 1 ; i <= 10 ; i++)
  {
    char b[32] ;
    uint32_t uid ;
    snprintf(b, sizeof b, "message %u\r\n", i) ;
    if (tern_store_deliver(A, "Inbox", b, strlen(b), i == 4 ? TERN_F_FLAGGED : 0, 0, 0, 0, 0, &uid) || uid != i) ok = 0 ;
  }
  T(ok, "ten deliveries") ;
  T(check() == 0, seen) ;
  T(droprec(2), "lose the record of UID 3") ;
  T(unlink(A "/mail/1/cur/5") == 0, "lose the file of UID 5") ;
  T(openwritenclose_unsafe(A "/mail/1/cur/junk", "x", 1), "unknown file") ;
  T(openwritenclose_unsafe(A "/mail/1/tmp/1.2.host", "x", 1) && utime(A "/mail/1/tmp/1.2.host", &old) == 0, "stale tmp file") ;
  T(openwritenclose_unsafe(A "/mail/1/tmp/fresh", "x", 1), "fresh tmp file") ;
  T(tern_mkdirp(A "/mail/99/cur", 0700), "stray mailbox dir") ;
  T(openwritenclose_unsafe(A "/mail/2/keywords", "ok\nBAD\n", 7), "bad keywords") ;
  T(check() == 6, seen) ;
  T(has("mail/1/cur/3: message file without a record") && has("mail/1/cur/5: message file missing"), "check: records") ;
  T(has("mail/1/index: tombstone count") == 0 && has("mail/1/cur/junk: unknown file"), "check: unknown file") ;
  T(has("mail/1/tmp/1.2.host: stale") && !has("fresh") && has("mail/99: not in the mailbox list"), "check: tmp and strays") ;
  T(has("mail/2/keywords: bad keywords file"), "check: keywords") ;
  T(tern_mboxlist_read(&l, A) == TERN_OK && tern_mboxlist_find(&l, "Inbox")->uidvalidity == 1 && l.nextuidvalidity == 7, "Inbox UIDVALIDITY 1, next 7") ;
  tern_mboxlist_free(&l) ;
  l = (tern_mboxlist)TERN_MBOXLIST_ZERO ;
  seen[0] = 0 ;
  T(tern_store_repairf(A, &note, 0) == TERN_OK, "repair") ;
  T(has("mail/1/cur/3: record added for a message file without one") && has("mail/1/cur/5: record dropped, message file missing"), seen) ;
  T(has("mail/1/index: UIDVALIDITY 1 -> 7, UIDs changed") && has("mail/1/tmp/1.2.host: stale file removed"), seen) ;
  T(has("mail/2/keywords: bad lines replaced") && has("NEXTID raised") && !has("mail/3"), seen) ;
  T(check() == 2 && has("cur/junk") && has("mail/99"), "after repair only unknown files remain") ;
  T(access(A "/mail/1/tmp/1.2.host", F_OK) < 0 && access(A "/mail/1/tmp/fresh", F_OK) == 0, "stale tmp removed, fresh kept") ;
  T(tern_mboxlist_read(&l, A) == TERN_OK && l.nextid == 100, "NEXTID above the stray dir") ;
  T(tern_mboxlist_find(&l, "Inbox")->uidvalidity == 7 && l.nextuidvalidity == 8, "Inbox has a new UIDVALIDITY (its UIDs changed), the others keep theirs") ;
  T(tern_mboxlist_find(&l, "Sent")->uidvalidity == 2, "Sent keeps UIDVALIDITY 2") ;
  T(tern_mbox_open(&m, A, 1) == TERN_OK && m.count == 9 && m.hdr.uidnext == 11, "nine messages, UIDNEXT kept") ;
  T(tern_mbox_records(&m, 0, &g) == TERN_OK && genalloc_s(tern_rec, &g)[2].uid == 3 && genalloc_s(tern_rec, &g)[3].uid == 4, "UID 3 adopted") ;
  T(genalloc_s(tern_rec, &g)[3].flags == TERN_F_FLAGGED && genalloc_s(tern_rec, &g)[4].uid == 6, "flags kept, UID 5 dropped") ;
  T(tern_mbox_keywords(&m) == TERN_OK, "keywords readable") ;
  tern_mbox_close(&m) ;
  T(tern_mbox_open(&m, A, 2) == TERN_OK && tern_mbox_keywords(&m) == TERN_OK && m.nkw == 2
    && !strcmp(tern_mbox_keywordname(&m, 0), "ok") && !strcmp(tern_mbox_keywordname(&m, 1), "broken-1"), "keywords salvaged in place") ;
  tern_mbox_close(&m) ;
  tern_mboxlist_free(&l) ;
  genalloc_free(tern_rec, &g) ;
}

static void tbadindex (void)
{
  tern_mbox m = TERN_MBOX_ZERO ;
  T(openwritenclose_unsafe(A "/mail/1/index", "TERNIDX1 but broken", 19), "broken index header") ;
  T(check() == 2 && has("mail/1/index: shorter than its header"), seen) ;
  T(tern_store_repair(A) == TERN_OK, "repair") ;
  T(check() == 2, seen) ;
  T(tern_mbox_open(&m, A, 1) == TERN_OK && m.count == 9 && m.hdr.uidnext == 11, "rebuilt from files") ;
  tern_mbox_close(&m) ;
  T(rmdir(A "/mail/3/cur") == 0 || rm_rf(A "/mail/3") == 0, "lose a mailbox dir") ;
  T(rm_rf(A "/mail/3") == 0 && tern_store_repair(A) == TERN_OK && access(A "/mail/3/cur", F_OK) == 0, "repair re-creates it") ;
  T(tern_mbox_open(&m, A, 1) == TERN_OK, "open") ;
  m.hdr.flags |= TERN_IDX_OBSOLETE ;
  T(tern_mbox_puthdr(&m) == TERN_OK, "stray obsolete flag") ;
  T(tern_mbox_lock(&m, LOCK_EX) == TERN_PERM && errno == ENOENT, "an obsolete index at its path means gone, not a loop") ;
  T(tern_store_repair(A) == TERN_OK && tern_mbox_lock(&m, LOCK_EX) == TERN_OK && m.count == 9, "repair clears the flag") ;
  tern_mbox_close(&m) ;
  T(openwritenclose_unsafe(A "/mailboxes", "garbage\n", 8), "broken list") ;
  T(check() == 1 && has("acct/mailboxes: bad mailbox list: line 1: bad first line"), seen) ;
  T(tern_store_repair(A) == TERN_TEMP && errno == EUCLEAN, "a broken list is not guessed (damage: temporary)") ;
}

int main (void)
{
  if (tern_store_create(A)) { printf("0 passed, 1 failed\n") ; return 1 ; }
  tpowerloss() ;
  tbadindex() ;
  return tdone() ;
}
