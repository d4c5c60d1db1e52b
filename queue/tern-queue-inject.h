/* tern-queue-inject.h: the parts of tern-queue-inject. */
#ifndef TERN_QUEUE_INJECT_H
#define TERN_QUEUE_INJECT_H

#include <stdint.h>
#include "tern_queue.h"

/* Write env and stdin into QDIR/tmp, commit to QDIR/todo, wake the runner.
   Sets id (TERN_QUEUE_IDMAX) and *size.  Dies 100 if stdin holds more
   than max bytes (after reading it to its end), 111 on errors. */
extern void inject_write (char const *qdir, tern_qenv *env, uint64_t max, char *id, uint64_t *size, int yfd) ;

/* All of tern-queue-inject, from its argv (argv[0] included).  Sets PROG;
   dies 100 or 111. */
extern int inject_run (int argc, char const *const *argv) ;

#endif
