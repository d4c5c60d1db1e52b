/* fuzz-junkdb: hostile words files and journals (tern-junk.5), opened to
   read and classify, to write (replay), then trained and committed.  Byte
   0: bit 0 a valid header over fuzzed slots, bit 1 a valid journal sum,
   bit 2 no words; bytes 1-2 split off the journal.  Runs in /dev/shm. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <skalibs/djbunix.h>
#include <skalibs/uint32.h>
#include <skalibs/uint64.h>
#include "tern.h"
#include "tern_junkdb_int.h"

static char adir[64] ;

static void put (char const *file, char const *s, size_t len)
{
  char p[128] ;
  snprintf(p, sizeof p, "%s/junk/%s", adir, file) ;
  openwritenclose_unsafe(p, s, len) ;
}

/* a 1024-slot table: a header from the fuzzed fields, slots from the rest */
static void words (uint8_t const *s, size_t n)
{
  static char t[TERN_JDB_HDR + TERN_JDB_MINSLOTS * TERN_JDB_SLOT] ;
  tern_jdb_hdr h = { .slots = TERN_JDB_MINSLOTS, .gen = 1 } ;
  memset(t, 0, sizeof t) ;
  if (n >= 8) { uint32_unpack((char const *)s, &h.used) ; uint32_unpack((char const *)s + 4, &h.nham) ; s += 8 ; n -= 8 ; }
  h.used %= TERN_JDB_MINSLOTS / 2 + 1 ;
  h.nspam = h.nham >> 3 ;
  if (n > sizeof t - TERN_JDB_HDR) n = sizeof t - TERN_JDB_HDR ;
  memcpy(t + TERN_JDB_HDR, s, n) ;
  tern_jdb_hdr_pack(t, &h) ;
  put("words", t, sizeof t) ;
}

static void journal (uint8_t const *s, size_t n, int fix)
{
  char buf[65536] ;
  if (n > sizeof buf) n = sizeof buf ;
  memcpy(buf, s, n) ;
  if (fix && n >= 72) uint64_pack(buf + n - 8, tern_jdb_sum(buf, n - 8)) ;
  put("journal", buf, n) ;
}

static void exercise (void)
{
  tern_junkdb d = TERN_JUNKDB_ZERO ;
  tern_junkwords w = TERN_JUNKWORDS_ZERO ;
  tern_junkresult r ;
  tern_junkopt o ;
  static char const text[] = "cheap\0viagra\0hello\0meeting\0Subject:money" ;
  size_t at = 0 ;
  tern_junkopt_default(&o) ;
  while (at < sizeof text)
  {
    size_t off = at ;
    genalloc_append(size_t, &w.off, &off) ;
    w.n++ ;
    at += strlen(text + at) + 1 ;
  }
  stralloc_catb(&w.s, text, sizeof text) ;
  if (!tern_junkdb_open(&d, adir, TERN_JUNKDB_READ))
  {
    static char const msg[] = "Subject: money\n\ncheap viagra hello meeting\n" ;
    tern_junkwords k = TERN_JUNKWORDS_ZERO ;
    tern_junkdb_classify(&d, &w, &o, &r) ;
    tern_junkwords_key(&k, d.key) ;   /* hashed once, under the table's key (prefetch) */
    if (tern_junkwords_message(&k, msg, sizeof msg - 1, &o)) tern_junkdb_classify(&d, &k, &o, &r) ;
    tern_junkwords_free(&k) ;
  }
  tern_junkdb_close(&d) ;
  if (!tern_junkdb_open(&d, adir, TERN_JUNKDB_WRITE))
  {
    o.combine = TERN_JUNK_COMBINE_CHI ;
    tern_junkdb_classify(&d, &w, &o, &r) ;
    if (!tern_junkdb_train(&d, &w, 1, 1) && !tern_junkdb_train(&d, &w, 0, -1)) tern_junkdb_commit(&d) ;
  }
  tern_junkdb_close(&d) ;
  tern_junkwords_free(&w) ;
}

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  size_t split ;
  char p[128] ;
  if (!adir[0])
  {
    snprintf(adir, sizeof adir, "%s/tern-fuzz-junkdb.%d", access("/dev/shm", W_OK) ? "/tmp" : "/dev/shm", (int)getpid()) ;
  }
  {
    tern_junkopt o ;
    tern_junkopt_parse(&o, (char const *)data, size) ;
  }
  if (size < 3) return 0 ;
  rm_rf(adir) ;
  snprintf(p, sizeof p, "%s/junk", adir) ;
  tern_mkdirp(p, 0700) ;
  split = ((size_t)data[1] << 8 | data[2]) % (size - 2) ;
  if (!(data[0] & 4))
  {
    if (data[0] & 1) words(data + 3, split) ;
    else put("words", (char const *)data + 3, split) ;
  }
  if (size - 3 > split) journal(data + 3 + split, size - 3 - split, data[0] & 2) ;
  exercise() ;
  rm_rf(adir) ;
  return 0 ;
}
