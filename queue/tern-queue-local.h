/* tern-queue-local.h: local delivery, shared by tern-queue-local and tern-queue-run. */
#ifndef TERN_QUEUE_LOCAL_H
#define TERN_QUEUE_LOCAL_H
#include <stdint.h>
#include "tern_conf.h"
/* Deliver fd 0 into ACCOUNT's Inbox; returns when delivered, else dies 100/111. */
extern void local_deliver (char const *confdir, char const *account, uint64_t date) ;
/* The same, returning 0, or 100/111 after a warning on stderr. */
extern int local_deliver_r (char const *confdir, char const *account, uint64_t date) ;
/* The same with the configuration already open (the runner's workers) */
extern int local_deliver_conf (tern_conf const *c, char const *account, uint64_t date) ;
#endif
