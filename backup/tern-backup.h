/* tern-backup.h: what the parts of tern-backup share: the run's state
   (the two roots as directory fds, whether hard links work, counters),
   its one-line warnings and errors, and file-level copying. */
#ifndef TERN_BACKUP_H
#define TERN_BACKUP_H

#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>
#include <skalibs/stralloc.h>
#include "tern_store.h"

typedef struct bk_s bk ;
struct bk_s
{
  char const *datadir ;   /* the source, as given */
  char const *destdir ;   /* the backup, as given */
  char const *prefix ;    /* printed before a rel path: "" or the confdir's */
  int src ;               /* fd of datadir */
  int dst ;               /* fd of destdir */
  int linkok ;            /* 0 once a link failed with EXDEV: copy from then on */
  int progress ;          /* a progress line on stderr */
  unsigned int errors ;
  unsigned int warnings ;
  uint64_t accounts, mailboxes, messages, bytes ;
  uint64_t vanished ;     /* messages expunged between an index copy and their link */
  uint64_t added ;        /* messages added by the second pass of an account */
  unsigned int rounds ;   /* the most rounds an account's second pass took */
} ;

extern bk B ;

/* tern-backup.c: one line on stderr; rel is relative to datadir */
extern void bk_warn (char const *rel, char const *what) ;
extern void bk_err (char const *rel, char const *what, int e) ;   /* e: errno or 0 */
extern void bk_storeerr (char const *rel, int e, char const *after) ;   /* damage path/what when EUCLEAN */
extern void bk_tick (void) ;
extern void bk_pause (char const *point, char const *rel) ;   /* test only: TERN_BACKUP_TESTFIFO */

/* tern-backup-file.c: file-level copies between the roots (rel paths) */
#define BK_LINK 1   /* the file is never rewritten: link it when possible */
#define BK_WARN 2   /* tree: warn for every file (tern does not know them) */
extern int bk_mkdir (char const *rel, unsigned int mode) ;          /* 1, or 0 errno */
extern int bk_file (int sfd, int dfd, char const *name, int how) ;  /* 1; 0 errno (ENOENT: gone) */
extern int bk_fileas (int sfd, char const *name, int dfd, char const *to, int how) ;  /* bk_file, named to */
extern int bk_put (char const *rel, char const *s, size_t len, unsigned int mode) ;
extern int bk_slurp (stralloc *sa, int dirfd, char const *name) ;  /* 1, 0 errno */
extern int bk_msg (int sfd, int dfd, char const *name, char const *dreldir) ;  /* bk_file, BK_LINK; copies keep COPY's links */
extern void bk_tree (char const *rel, int how) ;   /* errors reported, never fatal */
extern int bk_isname (char const *name, char const *const *names) ;

/* tern-backup-links.c: (dev, inode) -> backup path of the copied files
   with more than one link, for one account (freed after it) */
#define BK_LINKS_MAX (1 << 20)
extern char const *bk_links_find (dev_t dev, ino_t ino) ;
extern void bk_links_add (dev_t dev, ino_t ino, char const *rel) ;
extern void bk_links_free (void) ;

/* tern-backup-mbox.c: one mailbox (pass 1: its state; pass 2: messages since) */
#define BK_MBOX_OK 0
#define BK_MBOX_GONE 1    /* deleted before its turn: left out of the list */
#define BK_MBOX_RAW 2     /* damaged: copied as it is, error reported (or not written) */
extern int bk_mbox (char const *acctrel, tern_mboxent const *e) ;         /* its state */
extern void bk_mbox_files (char const *acctrel, tern_mboxent const *e) ; /* then its files */
extern uint32_t bk_mbox_topup (char const *acctrel, tern_mboxent const *e) ;   /* UIDs missed */
#define BK_ROUNDS 8   /* at most, while a round missed messages (moved on) */

/* tern-backup-acct.c, tern-backup-queue.c */
extern void bk_account (char const *name) ;
extern void bk_queue (stralloc *version) ;

#endif
