/* junktrain: a test helper (bin/t/junk-train, not installed) that trains
   an account's junk filter with the default options, for the delivery
   tests.  usage: junk-train ACCTDIR -junk|-ham FILE...  or
   junk-train ACCTDIR -stats (prints "NHAM NSPAM"), or junk-train ACCTDIR
   -classify FILE... (prints "PROB JUNK SIGNIFICANT" for each).
   exit 0, or 111. */
#include <stdio.h>
#include <string.h>
#include <skalibs/stralloc.h>
#include <skalibs/djbunix.h>
#include "tern.h"
#include "tern_junk.h"

static int stats (char const *acct)
{
  tern_junkdb d = TERN_JUNKDB_ZERO ;
  int r = tern_junkdb_open(&d, acct, TERN_JUNKDB_READ) ;
  if (!r) printf("%u %u\n", (unsigned int)d.nham, (unsigned int)d.nspam) ;
  tern_junkdb_close(&d) ;
  return r ? 111 : 0 ;
}

static int classify (char const *acct, char const *const *files, int n, tern_junkopt const *o)
{
  tern_junkdb d = TERN_JUNKDB_ZERO ;
  tern_junkwords w = TERN_JUNKWORDS_ZERO ;
  stralloc msg = STRALLOC_ZERO ;
  int r = tern_junkdb_open(&d, acct, TERN_JUNKDB_READ) ;
  for (int i = 0 ; !r && i < n ; i++)
  {
    tern_junkresult res ;
    msg.len = 0 ;
    if (!openslurpclose(&msg, files[i]) || !tern_junkwords_message(&w, msg.s, msg.len, o)) r = TERN_TEMP ;
    else r = tern_junkdb_classify(&d, &w, o, &res) ;
    if (!r) printf("%.4f %d %d\n", res.prob, res.junk, res.significant) ;
  }
  tern_junkdb_close(&d) ;
  tern_junkwords_free(&w) ;
  stralloc_free(&msg) ;
  return r ? 111 : 0 ;
}

int main (int argc, char const *const *argv)
{
  tern_junkopt o ;
  tern_junkdb d = TERN_JUNKDB_ZERO ;
  tern_junkwords w = TERN_JUNKWORDS_ZERO ;
  stralloc msg = STRALLOC_ZERO ;
  int spam, r ;
  if (argc < 3) { fprintf(stderr, "usage: junk-train ACCTDIR -junk|-ham FILE... | -stats\n") ; return 100 ; }
  if (!strcmp(argv[2], "-stats")) return stats(argv[1]) ;
  spam = !strcmp(argv[2], "-junk") ;
  tern_junkopt_default(&o) ;
  if (!strcmp(argv[2], "-classify")) return classify(argv[1], argv + 3, argc - 3, &o) ;
  r = tern_junkdb_open(&d, argv[1], TERN_JUNKDB_WRITE) ;
  for (int i = 3 ; !r && i < argc ; i++)
  {
    msg.len = 0 ;
    if (!openslurpclose(&msg, argv[i]) || !tern_junkwords_message(&w, msg.s, msg.len, &o)) r = TERN_TEMP ;
    else r = tern_junkdb_train(&d, &w, spam, 1) ;
  }
  if (!r) r = tern_junkdb_commit(&d) ;
  if (r) perror("junk-train") ;
  tern_junkdb_close(&d) ;
  tern_junkwords_free(&w) ;
  stralloc_free(&msg) ;
  return r ? 111 : 0 ;
}
