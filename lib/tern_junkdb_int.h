/* tern_junkdb_int.h: private to lib/tern_junkdb*.c and tern_junk_sync.c:
   the layout of junk/words and junk/journal (junk/tern-junk.5), the
   pending changes of an open database and the helpers they share. */
#ifndef TERN_JUNKDB_INT_H
#define TERN_JUNKDB_INT_H

#include <stdint.h>
#include <stddef.h>
#include "tern_junk.h"

#define JDB_VERSION 1
#define JDB_HDR 64
#define JDB_SLOT 16
#define JDB_PROBES 128
#define JDB_MINSLOTS 1024
#define JDB_NOSLOT UINT32_MAX  /* a new word at 0/0: not stored */
#define JDB_UPDATE 1
#define JDB_REPLACE 2
#define JDB_HELD 0xff   /* a state entry that only names a mailbox the caller holds */
#define JDB_REBUILDFD (-2)  /* d->fd of a REBUILD handle: the table is in memory */

typedef struct jdb_hdr_s jdb_hdr ;
struct jdb_hdr_s
{
  uint32_t slots, used, nham, nspam ;
  uint64_t gen ;
  uint64_t key[2] ;
} ;

/* a pending word: its new absolute counts, and where it goes */
typedef struct jdb_pend_s jdb_pend ;
struct jdb_pend_s
{
  uint64_t h ;
  uint32_t ham, spam ;
  uint32_t pos ;
} ;

typedef struct jdb_state_s jdb_state ;
struct jdb_state_s
{
  uint32_t mboxid, uidvalidity, uid, state ;
  tern_mbox *m ;   /* JDB_HELD: the caller's EX-locked mailbox */
} ;

typedef struct jdb_journal_s jdb_journal ;
struct jdb_journal_s
{
  uint32_t kind ;
  jdb_hdr h ;         /* gen, nham, nspam, key of the result */
  genalloc words ;    /* jdb_pend */
  genalloc states ;   /* jdb_state */
} ;
#define JDB_JOURNAL_ZERO { .kind = 0, .words = GENALLOC_ZERO, .states = GENALLOC_ZERO }

#include "tern_siphash.h"

/* tern_junkdb_file.c */
extern uint64_t jdb_hash (uint64_t const key[2], char const *s, size_t len) ;
extern void jdb_hdr_pack (char *s, jdb_hdr const *h) ;
extern int jdb_hdr_unpack (char const *s, jdb_hdr *h) ;  /* 1, 0 magic/version, -1 checksum */
extern uint64_t jdb_sum (char const *s, size_t len) ;
/* slot of hash h in slots[0..n): 1 found, 0 the first free one, -1 none within JDB_PROBES */
extern int jdb_probe (char const *slots, uint32_t n, uint64_t h, uint32_t *pos) ;
extern void jdb_slot (char const *slots, uint32_t pos, uint64_t *h, uint32_t *ham, uint32_t *spam) ;
extern void jdb_slot_pack (char *s, uint64_t h, uint32_t ham, uint32_t spam) ;
extern int jdb_map (tern_junkdb *d, jdb_hdr *h) ;   /* open and check words; TERN_OK, TERN_TEMP */
extern void jdb_unmap (tern_junkdb *d) ;
extern int jdb_header (tern_junkdb const *d, jdb_hdr *h) ; /* the mapped header, checked */
/* counts of hash h: pending first, then the table.  1 known, 0 not */
extern int jdb_counts (tern_junkdb const *d, uint64_t h, uint32_t *ham, uint32_t *spam) ;
extern int jdb_path (tern_junkdb const *d, char const *file, stralloc *sa) ;

/* tern_junkdb_train.c */
extern jdb_pend *jdb_pend_find (tern_junkdb const *d, uint64_t h) ;
extern void jdb_pend_clear (tern_junkdb *d) ;
extern int jdb_mboxid (tern_mbox const *m, uint32_t *id) ;

/* tern_junkdb_table.c: whole tables in memory */
extern int jdb_table_build (stralloc *t, tern_junkdb const *d, jdb_hdr *h) ;
extern int jdb_table_write (tern_junkdb const *d, char const *file, stralloc const *t) ;
extern int jdb_plan (tern_junkdb const *d, jdb_pend *p, size_t n, uint32_t *added) ;

/* tern_junkdb_journal.c */
extern int jdb_journal_write (tern_junkdb const *d, jdb_journal const *j) ;
extern int jdb_journal_read (tern_junkdb const *d, jdb_journal *j) ;  /* 1 complete, 0 none or torn, -1 error */
extern void jdb_journal_free (jdb_journal *j) ;
extern int jdb_states_apply (tern_junkdb const *d, jdb_state const *s, size_t n) ;
extern int jdb_update_apply (tern_junkdb *d, jdb_hdr *h, jdb_pend *p, size_t n) ;
extern int jdb_recover (tern_junkdb *d) ;

#endif
