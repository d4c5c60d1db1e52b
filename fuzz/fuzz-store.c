/* fuzz-store: arbitrary bytes as a mailbox list, an index, a keywords file
   or a changes file; the store must parse, open, lock (O(1) recovery),
   read, check and repair it without crashing.  The first byte picks the
   file.  Works in /dev/shm (tmpfs) so fsync costs nothing. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <skalibs/djbunix.h>
#include "tern.h"
#include "tern_store.h"

static char adir[64] ;

static void problem (void *data, char const *path, char const *what)
{
  (void)data ; (void)path ; (void)what ;
}

static void parsers (uint8_t const *data, size_t size)
{
  tern_mboxlist l = TERN_MBOXLIST_ZERO ;
  stralloc kw = STRALLOC_ZERO, sa = STRALLOC_ZERO ;
  unsigned int n ;
  tern_idxhdr h ;
  if (tern_mboxlist_parse(&l, (char const *)data, size) == TERN_OK) tern_mboxlist_fmt(&sa, &l) ;
  tern_keywords_parse(&kw, &n, (char const *)data, size) ;
  if (size >= TERN_STORE_HDRSIZE) tern_idxhdr_unpack((char const *)data, &h) ;
  tern_store_namevalid((char const *)data, size) ;
  tern_mboxlist_free(&l) ;
  stralloc_free(&kw) ;
  stralloc_free(&sa) ;
}

static void setup (void)
{
  static char const list[] = "tern-store 1 3 3\n1 1 1 - Inbox\n2 2 0 \\Junk Junk\n" ;
  char p[128] ;
  rm_rf(adir) ;
  tern_mkdirp(adir, 0700) ;
  snprintf(p, sizeof p, "%s/mailboxes", adir) ;
  openwritenclose_unsafe(p, list, sizeof list - 1) ;
  tern_store_mbox_init(adir, 1, 1) ;
  tern_store_mbox_init(adir, 2, 2) ;
  for (unsigned int i = 0 ; i < 3 ; i++) tern_store_deliver(adir, "Inbox", "a\r\n", 3, 0, 0, 0, 0, 0, 0) ;
}

static void exercise (void)
{
  tern_mbox m = TERN_MBOX_ZERO ;
  genalloc g = GENALLOC_ZERO, c = GENALLOC_ZERO ;
  uint64_t off = 0 ;
  unsigned int n ;
  int resync ;
  tern_store_check(adir, &problem, 0, &n) ;
  if (!tern_mbox_open(&m, adir, 1))
  {
    tern_mbox_records(&m, 0, &g) ;
    tern_mbox_changes(&m, m.hdr.generation, &off, &c, &resync) ;
    if (!tern_mbox_lock(&m, LOCK_EX))
    {
      unsigned int bit ;
      tern_mbox_keyword(&m, "fuzz", 4, &bit) ;
      tern_mbox_setflags(&m, 2, TERN_F_SEEN, 1, 0, 0) ;
      tern_mbox_expunge(&m, 1, 0) ;
      tern_mbox_compact(&m, 1) ;
      tern_mbox_unlock(&m) ;
    }
  }
  tern_mbox_close(&m) ;
  tern_store_deliver(adir, "Inbox", "b\r\n", 3, 0, 0, 0, 0, 0, 0) ;
  tern_store_repair(adir) ;
  tern_store_check(adir, &problem, 0, &n) ;
  genalloc_free(tern_rec, &g) ;
  genalloc_free(tern_change, &c) ;
}

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  static char const *const target[4] = { "mailboxes", "mail/1/index", "mail/1/keywords", "mail/1/changes" } ;
  char p[128] ;
  if (!adir[0]) snprintf(adir, sizeof adir, "/dev/shm/fuzz-store.%d/adir", (int)getpid()) ;
  parsers(data, size) ;
  if (!size) return 0 ;
  setup() ;
  snprintf(p, sizeof p, "%s/%s", adir, target[data[0] % 4]) ;
  openwritenclose_unsafe(p, (char const *)data + 1, size - 1) ;
  exercise() ;
  return 0 ;
}
