/* tern_rejects.h: which refused messages an account's rejects mailbox
   already holds (tern-rejects(5)), so that a sender's retries of one
   message leave one copy: a bounded ring of message keys, ACCT/rejects. */
#ifndef TERN_REJECTS_H
#define TERN_REJECTS_H

#include <stdint.h>
#include <sys/types.h>

#define TERN_REJECTS_SLOTS 1024
#define TERN_REJECTS_KEY 32     /* 16 bytes of content hash, 16 of Message-ID hash */
#define TERN_REJECTS_HDR 16
#define TERN_REJECTS_SIZE (TERN_REJECTS_HDR + TERN_REJECTS_SLOTS * TERN_REJECTS_KEY)
#define TERN_REJECTS_HDRMAX 65536  /* header bytes searched for Message-ID */

/* The key of the message in fd from off to its end: SHA-256 of its bytes
   and of its Message-ID (canonical: inside <>, lower case; zeros when it
   has none).  1, or 0 with errno (a read error). */
extern int tern_rejects_key (unsigned char *key, int fd, off_t off) ;
/* The Message-ID's canonical form in hdr[0..len) (the message's start):
   its length at *out, 0 if none. */
extern size_t tern_rejects_msgid (char const *hdr, size_t len, char const **out) ;
/* The file is opened and locked with tern_lockat(ACCT, "rejects") (tern.h). */
/* 1 if the file (fd from tern_lockat) holds key, 0 if not (also
   when the file is not one: tern_rejects_add starts it again), -1 errno. */
extern int tern_rejects_seen (int fd, unsigned char const *key) ;
/* Adds key, over the oldest when full.  1, or 0 with errno. */
extern int tern_rejects_add (int fd, unsigned char const *key) ;

/* tern_rejects_prune.c: the messages of ACCT's mailbox whose internal
   date is before `before`, oldest first up to the first that is not,
   untrained (when j has a filter) and then expunged; *n gets how many.
   A missing mailbox is nothing to do.  TERN_OK, or the error (nothing is
   expunged when the untraining failed). */
#define TERN_REJECTS_DAYS 14
struct tern_junkdeliver_s ;
extern int tern_rejects_prune (char const *acct, char const *mailbox, struct tern_junkdeliver_s const *j, int64_t before, unsigned int *n) ;

#endif
