/* tern_store_pack: little-endian encoding of the index header, index
   records and change entries (tern-store.5): reads versions 1 and 2,
   writes version 2. */
#include <string.h>
#include <skalibs/uint32.h>
#include <skalibs/uint64.h>
#include "tern_store.h"

void tern_idxhdr_pack (char *s, tern_idxhdr const *h)
{
  memset(s, 0, TERN_STORE_HDRSIZE) ;
  memcpy(s, "TERNIDX1", 8) ;
  uint32_pack(s + 8, TERN_STORE_VERSION) ;
  uint32_pack(s + 12, h->unseen) ;
  uint32_pack(s + 16, h->uidvalidity) ;
  uint32_pack(s + 20, h->uidnext) ;
  uint64_pack(s + 24, h->highestmodseq) ;
  uint32_pack(s + 32, h->generation) ;
  uint32_pack(s + 36, h->tombstones) ;
  uint32_pack(s + 40, h->flags) ;
  uint32_pack(s + 44, h->recent) ;
  uint64_pack(s + 48, h->vanished) ;
  uint64_pack(s + 56, h->usage) ;
}

/* 1 if the header is one we can use */
int tern_idxhdr_unpack (char const *s, tern_idxhdr *h)
{
  if (memcmp(s, "TERNIDX1", 8)) return 0 ;
  uint32_unpack(s + 8, &h->version) ;
  uint32_unpack(s + 12, &h->unseen) ;
  uint32_unpack(s + 16, &h->uidvalidity) ;
  uint32_unpack(s + 20, &h->uidnext) ;
  uint64_unpack(s + 24, &h->highestmodseq) ;
  uint32_unpack(s + 32, &h->generation) ;
  uint32_unpack(s + 36, &h->tombstones) ;
  uint32_unpack(s + 40, &h->flags) ;
  uint32_unpack(s + 44, &h->recent) ;
  uint64_unpack(s + 48, &h->vanished) ;
  uint64_unpack(s + 56, &h->usage) ;
  /* version 1 held the record size (64) where version 2 holds the unseen boundary */
  if (h->version == 1)
  {
    if (h->unseen != TERN_STORE_RECSIZE) return 0 ;
    h->unseen = 0 ;
  }
  else if (h->version != TERN_STORE_VERSION) return 0 ;
  return h->uidnext && h->uidvalidity ;
}

void tern_rec_pack (char *s, tern_rec const *r)
{
  memset(s, 0, TERN_STORE_RECSIZE) ;
  uint32_pack(s, r->uid) ;
  uint32_pack(s + 4, r->flags) ;
  uint64_pack(s + 8, r->keywords) ;
  uint64_pack(s + 16, r->modseq) ;
  uint64_pack(s + 24, r->size) ;
  uint64_pack(s + 32, (uint64_t)r->internaldate) ;
  uint64_pack(s + 40, r->cacheoff) ;
}

void tern_rec_unpack (char const *s, tern_rec *r)
{
  uint64_t d ;
  uint32_unpack(s, &r->uid) ;
  uint32_unpack(s + 4, &r->flags) ;
  uint64_unpack(s + 8, &r->keywords) ;
  uint64_unpack(s + 16, &r->modseq) ;
  uint64_unpack(s + 24, &r->size) ;
  uint64_unpack(s + 32, &d) ;
  uint64_unpack(s + 40, &r->cacheoff) ;
  memcpy(&r->internaldate, &d, sizeof d) ;
}

void tern_change_pack (char *s, tern_change const *c)
{
  uint32_pack(s, c->uid) ;
  uint32_pack(s + 4, c->flags) ;
  uint64_pack(s + 8, c->modseq) ;
  uint64_pack(s + 16, c->keywords) ;
}

void tern_change_unpack (char const *s, tern_change *c)
{
  uint32_unpack(s, &c->uid) ;
  uint32_unpack(s + 4, &c->flags) ;
  uint64_unpack(s + 8, &c->modseq) ;
  uint64_unpack(s + 16, &c->keywords) ;
}

void tern_chghdr_pack (char *s, uint32_t generation)
{
  memcpy(s, "TERNCHG1", 8) ;
  uint32_pack(s + 8, TERN_STORE_VERSION) ;
  uint32_pack(s + 12, generation) ;
}

int tern_chghdr_unpack (char const *s, uint32_t *generation)
{
  uint32_t v ;
  if (memcmp(s, "TERNCHG1", 8)) return 0 ;
  uint32_unpack(s + 8, &v) ;
  uint32_unpack(s + 12, generation) ;
  return v >= TERN_STORE_VERSION_MIN && v <= TERN_STORE_VERSION ;
}
