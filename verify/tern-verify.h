/* tern-verify.h: what the parts of tern-verify share: the run's counts,
   problem and change lines, moving a file aside under DATADIR/moved/. */
#ifndef TERN_VERIFY_H
#define TERN_VERIFY_H

#include <stdint.h>
#include <stddef.h>

typedef struct verify_s verify ;
struct verify_s
{
  char const *datadir ;
  char const *confdir ;  /* -c, or 0 */
  size_t dlen ;
  int fix ;
  int progress ;        /* a progress line on stderr */
  int again ;           /* -fix: the check after the repairs */
  unsigned int found ;  /* problems of the first check */
  unsigned int left ;   /* problems of the check after -fix */
  unsigned int fixed ;  /* changes made */
  int incomplete ;      /* something could not be checked */
  uint64_t accounts, mailboxes, messages, queued ;
} ;

extern verify V ;

/* tern-verify-out.c: "tern-verify: WHERE: WHAT" (counted), "tern-verify:
   fixed: WHERE: WHAT", a warning (the check is incomplete), progress */
extern void v_problem (char const *where, char const *what) ;
extern void v_problem3 (char const *a, char const *b, char const *what) ;
extern void v_fixed (char const *a, char const *b, char const *what) ;
extern void v_warn (char const *what, char const *obj, int e) ;
/* 1 if a directory entry is "." or ".." or one of the n names of known */
extern int v_known (char const *name, char const *const *known, size_t n) ;
extern void v_progress (int force) ;
extern void v_flush (void) ;
/* path (under DATADIR) renamed to DATADIR/moved/ + the same relative path */
extern int v_move (char const *path) ;
extern char const *v_rel (char const *path) ;  /* path relative to DATADIR */

/* tern-verify-store.c, tern-verify-queue.c, tern-verify-misc.c */
extern void v_accounts (void) ;
extern void v_queue (void) ;
extern void v_version (void) ;
extern void v_config (char const *confdir) ;
extern void v_top (void) ;
extern void v_junk (char const *acct, char const *name, uint64_t const *trained) ;

#endif
