/* tern-queue-dsn.h: the parts of tern-queue-dsn: its input (stdin lines,
   the state file) and the delivery of the notice. */
#ifndef TERN_QUEUE_DSN_H
#define TERN_QUEUE_DSN_H

#include <stdint.h>
#include <skalibs/stralloc.h>
#include <skalibs/genalloc.h>
#include "tern_conf.h"
#include "tern_queue.h"
#include "tern_dsn.h"

#define DSN_LINEMAX 65536        /* bytes of one input line kept */
#define DSN_INMAX 16777216       /* bytes of input at most */

/* Reads stdin into in and parses it into rcpts (tern_dsn_rcpt pointing
   into in); each recipient must be in e.  Dies 100 on bad input (a
   failed line when delayonly), 111 on a read error. */
extern void dsn_input (tern_qenv const *e, int delayonly, stralloc *in, genalloc *rcpts) ;
/* Sets each recipient's attempts and last attempt: att and last when
   non-zero, else from the state file statepath (0: none), else 5 and now. */
extern void dsn_attempts (genalloc *rcpts, tern_qenv const *e, char const *statepath, uint32_t att, uint64_t last, uint64_t now) ;

/* The account for the notice (appended to name, NUL-terminated): 0 the
   sender's, 1 the postmaster's.  Exits 100 if none (with a warning: the
   runner keeps a failure notice queued), dies 111 on errors. */
extern int dsn_account (tern_conf const *c, tern_qenv const *e, stralloc *name) ;
/* Writes msg to an unlinked file in tmpdir and delivers it into
   account's Inbox; returns when it is durable, else exits 111. */
extern void dsn_deliver (char const *confdir, char const *tmpdir, char const *account, stralloc const *msg) ;

#endif
