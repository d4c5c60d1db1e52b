/* tern-queue-local.h: local delivery, shared by tern-queue-local and tern-queue-run. */
#ifndef TERN_QUEUE_LOCAL_H
#define TERN_QUEUE_LOCAL_H
#include <stdint.h>
#include "tern_conf.h"
#include "tern_store.h"

#define LOCAL_CLASSIFY 1  /* mail from outside: the junk filter decides */
#define LOCAL_SEEN 2      /* delivered with \Seen */
#define LOCAL_PRUNE 4     /* then the mailbox's messages older than 14 days go */
#define LOCAL_RING 8      /* -R: once per message, ACCT/rejects (tern-rejects.5) */

/* what the junk filter did, for the log: junk "" (not classified),
   "unsure" or the probability ("0.97"); mailbox "" for the Inbox.  On
   entry, a mailbox other than "" is where to deliver (no classifying);
   with LOCAL_RING, skip is the bytes of fd 0 left out of the key, and
   kept is set when the ring knew the message (nothing delivered). */
typedef struct local_note_s local_note ;
struct local_note_s
{
  char junk[16] ;
  char mailbox[TERN_STORE_NAMEMAX + 1] ;
  uint64_t skip ;
  int kept ;
} ;

/* Deliver fd 0 into ACCOUNT; returns when delivered (the note logged as
   an info line), else dies 100/111. */
extern void local_deliver (char const *confdir, char const *account, uint64_t date, unsigned int opts, char const *mailbox, uint64_t skip) ;
/* The same, returning 0, or 100/111 after a warning on stderr. */
extern int local_deliver_r (char const *confdir, char const *account, uint64_t date, unsigned int opts, local_note *note) ;
/* The same with the configuration already open (the runner's workers) */
extern int local_deliver_conf (tern_conf const *c, char const *account, uint64_t date, unsigned int opts, local_note *note) ;
/* local_deliver_conf keeps the last account's junk settings (compiled
   junk-flags regexes) while c maps the same config.cdb (dev, inode): for
   a process that keeps c mapped between deliveries (a worker), so that a
   replaced file cannot have its inode reused meanwhile.  Off by default. */
extern int local_keepjunk ;
#endif
