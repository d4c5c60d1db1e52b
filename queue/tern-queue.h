/* tern-queue.h: the parts of tern-queue (tern-queue.8). */
#ifndef TERN_QUEUE_PROG_H
#define TERN_QUEUE_PROG_H

#include <stdint.h>
#include <skalibs/stralloc.h>
#include <skalibs/genalloc.h>
#include "tern_conf.h"

/* names of QDIR/sub ("/mess", "/todo") that are ids, each as "NAME\0SUB\0" at offs */
extern void queue_names (char const *qdir, char const *sub, stralloc *sa, genalloc *offs) ;
/* list: QDIR's messages and the summary line on stdout.  Exits on error. */
extern void queue_list (char const *qdir, uint64_t now) ;
/* kick, hold, release, drop: argv[0] is the command.  Exits on error. */
extern void queue_ctl (char const *qdir, tern_conf const *c, int argc, char const *const *argv) ;

#endif
