/* tern_junkdeliver.h: the junk filter at delivery (tern-queue-local(8),
   used by the runner's workers and, through that program, by tern-smtp-in's
   junk-reject): an account's filter settings, classifying a message in a
   file, its Junk mailbox, and a delivery with automatic junk flags and
   training. */
#ifndef TERN_JUNKDELIVER_H
#define TERN_JUNKDELIVER_H

#include <stdint.h>
#include <sys/types.h>
#include "tern_conf.h"
#include "tern_junk.h"

typedef struct tern_junkdeliver_s tern_junkdeliver ;
struct tern_junkdeliver_s
{
  int on ;              /* the account has a junk-filter */
  tern_junkopt o ;
  tern_junkflags f ;
} ;

/* An account's settings.  1, or 0 with errno (EPROTO: a value tern-conf
   would not have written).  Free even after a failure. */
extern int tern_junkdeliver_conf (tern_junkdeliver *j, tern_conf const *c, char const *name) ;
extern void tern_junkdeliver_free (tern_junkdeliver *j) ;

/* Classify the message in fd from offset off (at most o->maxbytes of
   it read; fd's offset is unchanged) with ACCT's filter.  TERN_OK, or
   TERN_TEMP (damage: EUCLEAN, tern_store_damage_path/what name it). */
extern int tern_junkdeliver_classify (char const *acct, tern_junkopt const *o, int fd, off_t off, tern_junkresult *r) ;

/* The Junk mailbox of ACCT: the one with special use \Junk, else "Junk",
   created (with \Junk) when missing.  name gets TERN_STORE_NAMEMAX + 1
   bytes at most. */
extern int tern_junkdeliver_junkbox (char const *acct, char *name, unsigned int *su) ;

/* Deliver fd (from its offset) into mailbox of ACCT (created when
   missing, the store too) with flags and the automatic junk flags of that
   mailbox; when the flags ask for training and the account has a filter,
   the message is trained once committed.  Without tern_store_later the
   filter is opened for writing before the delivery (one that cannot be
   opened defers it: the result) and trained right after the commit.
   With tern_store_later, a delivery kept for a later commit is trained by
   the taker (tern_junkdeliver_train, after its commit and the sync that
   follows: tern-queue-run(8)); one that the taker declined is committed
   at once and trained after, the filter opened then.  Returns the
   delivery's result; *trainerr gets TERN_OK or the training's error (the
   message is delivered all the same, and left untrained: tern-retrain(8)
   repairs it).  *flagsout: the flags set. */
extern int tern_junkdeliver_store (char const *acct, tern_junkdeliver const *j, char const *mailbox, int fd,
  uint32_t flags, int64_t date, uint32_t *flagsout, int *trainerr) ;

/* Messages uid[i] of mailboxes m[i] (open, not locked; one mailbox may
   come more than once, through different tern_mbox), committed, trained as
   their flags ask: one commit of d (open WRITE: its lock taken before any
   mailbox lock) per mailbox, under that mailbox's lock alone.  TERN_OK,
   or TERN_TEMP (EUCLEAN: damage): then close d; the mailboxes before
   the one that failed are trained. */
extern int tern_junkdeliver_train (tern_junkdb *d, tern_junkopt const *o, tern_mbox *const *m, uint32_t const *uid, size_t n) ;

#endif
