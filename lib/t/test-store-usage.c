/* test-store-usage: the index header's usage total (tern-store.5): kept by
   delivery, expunge and compaction, counted again by recovery after a
   crash and by the first writer after a program that zeroed it, read in
   O(1) by tern_mbox_usage (which sums the records only while it is 0). */
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <skalibs/djbunix.h>
#include "tern.h"
#include "tern_store.h"
#include "t.h"

#define A "acct"

/* the bytes of Inbox's files in cur/ */
static uint64_t files (void)
{
  uint64_t n = 0 ;
  for (uint32_t uid = 1 ; uid < 20 ; uid++)
  {
    char p[64] ;
    struct stat st ;
    snprintf(p, sizeof p, A "/mail/1/cur/%u", uid) ;
    if (!stat(p, &st)) n += (uint64_t)st.st_size ;
  }
  return n ;
}

static uint64_t hdrusage (void)
{
  tern_mbox m = TERN_MBOX_ZERO ;
  uint64_t u = 1234567 ;
  if (!tern_mbox_open(&m, A, 1) && !tern_mbox_header(&m)) u = m.hdr.usage ;
  tern_mbox_close(&m) ;
  return u ;
}

static void note (void *data, char const *path, char const *what)
{
  (void)data ;
  fprintf(stderr, "%s: %s\n", path, what) ;
}

static void setusage (uint64_t v)
{
  tern_mbox m = TERN_MBOX_ZERO ;
  T(!tern_mbox_open(&m, A, 1) && !tern_mbox_header(&m), "open") ;
  m.hdr.usage = v ;
  T(!tern_mbox_puthdr(&m), "write the header") ;
  tern_mbox_close(&m) ;
}

int main (void)
{
  tern_mbox m = TERN_MBOX_ZERO ;
  uint64_t bytes = 0, msgs = 0 ;
  T(tern_store_create(A) == TERN_OK, "create") ;
  T(hdrusage() == 1, "a new mailbox: 1 (known, 0 bytes)") ;
  for (unsigned int i = 1 ; i <= 5 ; i++)
  {
    char b[64] ;
    size_t n = (size_t)snprintf(b, sizeof b, "Subject: %u\r\n\r\n%.*s\r\n", i, (int)(i * 7), "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx") ;
    T(tern_store_deliver(A, "Inbox", b, n, 0, 0, 0, 0, 0, 0) == TERN_OK, "deliver") ;
  }
  T(hdrusage() == files() + 1, "deliveries add their sizes") ;
  T(!tern_mbox_open(&m, A, 1) && !tern_mbox_lock(&m, LOCK_EX), "lock") ;
  T(!tern_mbox_expunge(&m, 2, 0), "expunge 2") ;
  tern_mbox_unlock(&m) ;
  T(hdrusage() == files() + 1, "an expunge takes its size away") ;
  T(!tern_mbox_usage(&m, &bytes, &msgs) && bytes == files() && msgs == 4, "tern_mbox_usage: bytes and messages") ;
  setusage(99) ;
  T(!tern_mbox_usage(&m, &bytes, &msgs) && bytes == 98, "read from the header, not the records") ;
  setusage(0) ;
  T(!tern_mbox_usage(&m, &bytes, &msgs) && bytes == files(), "0 (a program that predates it): the records are summed") ;
  T(!tern_mbox_lock(&m, LOCK_EX), "lock") ;
  tern_mbox_unlock(&m) ;
  T(hdrusage() == files() + 1, "the next writer counts it again") ;
  /* a delivery that died after its rename: recovery adopts it and counts */
  T(openwritenclose_unsafe(A "/mail/1/cur/6", "Subject: adopted\r\n\r\nbody\r\n", 27), "cur/6 without a record") ;
  T(!tern_mbox_lock(&m, LOCK_EX), "lock") ;
  tern_mbox_unlock(&m) ;
  T(hdrusage() == files() + 1 && m.count == 6, "recovery: adopted and counted") ;
  T(!tern_mbox_lock(&m, LOCK_EX) && !tern_mbox_compact(&m, 1), "compaction") ;
  tern_mbox_unlock(&m) ;
  T(hdrusage() == files() + 1, "compaction writes it from the records") ;
  tern_mbox_close(&m) ;
  {
    unsigned int n = 99 ;
    T(tern_store_check(A, &note, 0, &n) == TERN_OK && n == 0, "check: clean") ;
    setusage(5) ;
    T(tern_store_check(A, &note, 0, &n) == TERN_OK && n == 1, "check: a wrong total is a problem") ;
    T(tern_store_repair(A) == TERN_OK && hdrusage() == files() + 1, "repair rewrites it") ;
  }
  return tdone() ;
}
