/* jtrain: tests only: train ACCT's junk filter with message UID of MAILBOX
   as ham or spam and set its training state, as delivery and IMAP do;
   "nostate" trains without setting the state (a count that differs).
   usage: jtrain ACCT MAILBOX UID ham|spam [nostate].  exit: 0, 100, 111. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <skalibs/djbunix.h>
#include "tern.h"
#include "tern_store.h"
#include "tern_junk.h"

int main (int argc, char **argv)
{
  tern_junkdb d = TERN_JUNKDB_ZERO ;
  tern_junkwords w = TERN_JUNKWORDS_ZERO ;
  tern_junkopt o ;
  tern_mboxent e ;
  stralloc msg = STRALLOC_ZERO, path = STRALLOC_ZERO ;
  uint32_t uid ;
  int spam, r ;
  if (argc < 5 || argc > 6) return 100 ;
  uid = (uint32_t)strtoul(argv[3], 0, 10) ;
  spam = !strcmp(argv[4], "spam") ;
  tern_junkopt_default(&o) ;
  if (tern_store_mbox_lookup(argv[1], argv[2], &e)) { perror("lookup") ; return 111 ; }
  if (!stralloc_cats(&path, argv[1]) || !stralloc_cats(&path, "/mail/")) return 111 ;
  {
    char fmt[40] ;
    snprintf(fmt, sizeof fmt, "%u/cur/%u", e.id, uid) ;
    if (!stralloc_cats(&path, fmt) || !stralloc_0(&path)) return 111 ;
  }
  if (!openslurpclose(&msg, path.s)) { perror(path.s) ; return 111 ; }
  r = tern_junkwords_message(&w, msg.s, msg.len, &o) ? TERN_OK : TERN_TEMP ;
  if (!r) r = tern_junkdb_open(&d, argv[1], TERN_JUNKDB_WRITE) ;
  if (!r) r = tern_junkdb_train(&d, &w, spam, 1) ;
  if (!r && argc == 5) r = tern_junkdb_setstate(&d, e.id, e.uidvalidity, uid, spam ? TERN_TRAIN_SPAM : TERN_TRAIN_HAM) ;
  if (!r) r = tern_junkdb_commit(&d) ;
  tern_junkdb_close(&d) ;
  tern_junkwords_free(&w) ;
  stralloc_free(&msg) ;
  stralloc_free(&path) ;
  if (r) { perror("train") ; return r ; }
  return 0 ;
}
