/* tern_junkdb_int.h: private to lib/tern_junkdb*.c and tern_junk_sync.c:
   the layout of junk/words and junk/journal (junk/tern-junk.5), the
   pending changes of an open database and the helpers they share. */
#ifndef TERN_JUNKDB_INT_H
#define TERN_JUNKDB_INT_H

#include <stdint.h>
#include <stddef.h>
#include "tern_junk.h"

#define TERN_JDB_VERSION 1
#define TERN_JDB_HDR 64
#define TERN_JDB_SLOT 16
#define TERN_JDB_PROBES 128
#define TERN_JDB_MINSLOTS 1024
#define TERN_JDB_NOSLOT UINT32_MAX  /* a new word at 0/0: not stored */
#define TERN_JDB_UPDATE 1
#define TERN_JDB_REPLACE 2
#define TERN_JDB_HELD 0xff   /* a state entry that only names a mailbox the caller holds */
#define TERN_JDB_REBUILDFD (-2)  /* d->fd of a REBUILD handle: the table is in memory */

typedef struct tern_jdb_hdr_s tern_jdb_hdr ;
struct tern_jdb_hdr_s
{
  uint32_t slots, used, nham, nspam ;
  uint64_t gen ;
  uint64_t key[2] ;
} ;

/* a pending word: its new absolute counts, and where it goes */
typedef struct tern_jdb_pend_s tern_jdb_pend ;
struct tern_jdb_pend_s
{
  uint64_t h ;
  uint32_t ham, spam ;
  uint32_t pos ;
} ;

typedef struct tern_jdb_state_s tern_jdb_state ;
struct tern_jdb_state_s
{
  uint32_t mboxid, uidvalidity, uid, state ;
  tern_mbox *m ;   /* TERN_JDB_HELD: the caller's EX-locked mailbox */
} ;

typedef struct tern_jdb_journal_s tern_jdb_journal ;
struct tern_jdb_journal_s
{
  uint32_t kind ;
  tern_jdb_hdr h ;         /* gen, nham, nspam, key of the result */
  genalloc words ;    /* tern_jdb_pend */
  genalloc states ;   /* tern_jdb_state */
} ;
#define TERN_JDB_JOURNAL_ZERO { .kind = 0, .words = GENALLOC_ZERO, .states = GENALLOC_ZERO }

#include <string.h>
#include <skalibs/uint64.h>
#include "tern_siphash.h"

/* the little-endian uint64 at s (uint64_unpack, inlined: the lookups' hot path) */
static inline uint64_t tern_jdb_get64 (char const *s)
{
  uint64_t x ;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  memcpy(&x, s, 8) ;
#else
  uint64_unpack(s, &x) ;
#endif
  return x ;
}

/* w's hashes when they are under d's key (tern_junkwords_key) and one
   per word, else 0 */
#define tern_jdb_wordhashes(d, w) ((w)->keyed && (w)->key[0] == (d)->key[0] && (w)->key[1] == (d)->key[1] \
  && genalloc_len(uint64_t, &(w)->hash) == (w)->n ? genalloc_s(uint64_t, &(w)->hash) : (uint64_t const *)0)

/* tern_junkdb_file.c */
extern uint64_t tern_jdb_hash (uint64_t const key[2], char const *s, size_t len) ;
extern void tern_jdb_hdr_pack (char *s, tern_jdb_hdr const *h) ;
extern int tern_jdb_hdr_unpack (char const *s, tern_jdb_hdr *h) ;  /* 1, 0 magic/version, -1 checksum */
extern uint64_t tern_jdb_sum (char const *s, size_t len) ;
/* slot of hash h in slots[0..n): 1 found, 0 the first free one, -1 none within TERN_JDB_PROBES */
extern int tern_jdb_probe (char const *slots, uint32_t n, uint64_t h, uint32_t *pos) ;
extern void tern_jdb_slot (char const *slots, uint32_t pos, uint64_t *h, uint32_t *ham, uint32_t *spam) ;
extern void tern_jdb_slot_pack (char *s, uint64_t h, uint32_t ham, uint32_t spam) ;
extern int tern_jdb_map (tern_junkdb *d, tern_jdb_hdr *h) ;   /* open and check words; TERN_OK, TERN_TEMP */
extern void tern_jdb_unmap (tern_junkdb *d) ;
extern int tern_jdb_header (tern_junkdb const *d, tern_jdb_hdr *h) ; /* the mapped header, checked */
/* counts of hash h: pending first, then the table.  1 known, 0 not */
extern int tern_jdb_counts (tern_junkdb const *d, uint64_t h, uint32_t *ham, uint32_t *spam) ;
extern int tern_jdb_path (tern_junkdb const *d, char const *file, stralloc *sa) ;

/* tern_junkdb_train.c */
extern tern_jdb_pend *tern_jdb_pend_find (tern_junkdb const *d, uint64_t h) ;
extern void tern_jdb_pend_clear (tern_junkdb *d) ;
extern int tern_jdb_mboxid (tern_mbox const *m, uint32_t *id) ;

/* tern_junkdb_table.c: whole tables in memory */
extern int tern_jdb_table_build (stralloc *t, tern_junkdb const *d, tern_jdb_hdr *h) ;
extern int tern_jdb_table_write (tern_junkdb const *d, char const *file, stralloc const *t) ;
extern int tern_jdb_plan (tern_junkdb const *d, tern_jdb_pend *p, size_t n, uint32_t *added) ;

/* tern_junkdb_journal.c */
extern int tern_jdb_journal_write (tern_junkdb const *d, tern_jdb_journal const *j) ;
extern int tern_jdb_journal_read (tern_junkdb const *d, tern_jdb_journal *j) ;  /* 1 complete, 0 none or torn, -1 error */
extern void tern_jdb_journal_free (tern_jdb_journal *j) ;
extern int tern_jdb_states_apply (tern_junkdb const *d, tern_jdb_state const *s, size_t n) ;
extern int tern_jdb_update_apply (tern_junkdb *d, tern_jdb_hdr *h, tern_jdb_pend *p, size_t n) ;
extern int tern_jdb_recover (tern_junkdb *d) ;

/* the old names, for imap/t/junkstate.c (h-jimap) until it calls
   tern_junkdb_word */
#define jdb_counts tern_jdb_counts
#define jdb_hash tern_jdb_hash

#endif
