/* tern_dirsync.h: group commit of directory fsyncs across processes. */
#ifndef TERN_DIRSYNC_H
#define TERN_DIRSYNC_H

/* The state file: 4096 bytes, a 64-byte header ("tern-dirsync 1\n", then
   zeros) and 63 slots of 64 bytes, each four 64-bit counters in the
   host's order: started, done, and the device and inode of the directory
   whose fsync number done was.  A directory uses the slot its device and
   inode hash to; the slot is locked by an OFD lock (fcntl) on its bytes. */
#define TERN_DIRSYNC_SIZE 4096
#define TERN_DIRSYNC_MAGIC "tern-dirsync 1\n"

/* how a call made the renames durable (for tests and counts) */
#define TERN_DIRSYNC_SHARED 1  /* another caller's fsync, started after ours was asked */
#define TERN_DIRSYNC_OWN 2     /* our fsync, under the slot's lock */
#define TERN_DIRSYNC_PLAIN 3   /* a plain fsync: state file missing, damaged, unwritable */

/* Make every rename, link or unlink done in DIR before this call durable,
   sharing one fsync with the concurrent callers that use the same STATE
   file: returns 1 (how in *how if how) or 0 with errno (DIR could not be
   opened or synced).  It never skips an fsync it cannot prove was done;
   with no usable STATE (0, missing, wrong size or magic, unwritable,
   no OFD locks) it is a plain fsync of DIR.  A caller that dies holding
   the lock releases it (the kernel), one that dies between its count and
   its fsync leaves done behind started: later callers fsync themselves. */
extern int tern_dirsync (char const *state, char const *dir, unsigned int *how) ;

/* Create STATE (mode 0660) if it is missing or damaged; 1 or 0 with errno */
extern int tern_dirsync_init (char const *state) ;
#endif
