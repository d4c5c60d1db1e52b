/* junkstate: tests only.  usage: junkstate ACCT [-w WORD ...] [MAILBOX ...]
   stdout: "nham=N nspam=N words=N" ("?" if the db is unreadable), "WORD
   ham=N spam=N" per word (tern_junkdb_word), "MAILBOX UID J|N|JN|-
   none|ham|spam" per message.  exit: 0, 111. */
#include <stdio.h>
#include <inttypes.h>
#include <string.h>
#include "tern.h"
#include "tern_store.h"
#include "tern_junk.h"

static char const *const trained[4] = { "none", "ham", "spam", "bad" } ;

static int mailbox (char const *acct, char const *name)
{
  tern_mboxent e ;
  tern_mbox m = TERN_MBOX_ZERO ;
  genalloc recs = GENALLOC_ZERO ;
  int r = tern_store_mbox_lookup(acct, name, &e) ;
  if (!r) r = tern_mbox_openent(&m, acct, &e) ;
  if (!r) r = tern_mbox_records(&m, 0, &recs) ;
  for (size_t i = 0 ; !r && i < genalloc_len(tern_rec, &recs) ; i++)
  {
    tern_rec const *x = genalloc_s(tern_rec, &recs) + i ;
    uint32_t j = x->flags & (TERN_F_JUNK | TERN_F_NOTJUNK) ;
    if (x->flags & TERN_F_EXPUNGED) continue ;
    printf("%s %" PRIu32 " %s %s\n", name, x->uid,
      j == (TERN_F_JUNK | TERN_F_NOTJUNK) ? "JN" : j == TERN_F_JUNK ? "J" : j ? "N" : "-", trained[TERN_F_TRAIN(x->flags)]) ;
  }
  tern_mbox_close(&m) ;
  genalloc_free(tern_rec, &recs) ;
  if (r) perror(name) ;
  return r ;
}

int main (int argc, char **argv)
{
  tern_junkdb d = TERN_JUNKDB_ZERO ;
  tern_junkstats st ;
  int r, i = 2 ;
  if (argc < 2) { fprintf(stderr, "usage: junkstate ACCT [-w WORD ...] [MAILBOX ...]\n") ; return 100 ; }
  r = tern_junkdb_open(&d, argv[1], TERN_JUNKDB_READ) ;
  if (!r) r = tern_junkdb_stats(&d, &st) ;
  if (r) { perror("junk database") ; printf("nham=? nspam=? words=?\n") ; }
  else printf("nham=%" PRIu32 " nspam=%" PRIu32 " words=%" PRIu64 "\n", st.nham, st.nspam, st.words) ;
  for (; i + 1 < argc && !strcmp(argv[i], "-w") ; i += 2)
  {
    uint32_t ham = 0, spam = 0 ;
    if (!r) tern_junkdb_word(&d, argv[i+1], strlen(argv[i+1]), &ham, &spam) ;
    printf("%s ham=%" PRIu32 " spam=%" PRIu32 "\n", argv[i+1], ham, spam) ;
  }
  tern_junkdb_close(&d) ;
  for (; i < argc ; i++) if (mailbox(argv[1], argv[i])) return 111 ;
  return r ? 111 : 0 ;
}
