/* tern-fixperms.h: shared by tern-fixperms's main and its tree walk. */
#ifndef TERN_FIXPERMS_H
#define TERN_FIXPERMS_H

#include <sys/types.h>
#include <sys/stat.h>
#include <skalibs/stralloc.h>

typedef struct want_s want ;
struct want_s
{
  uid_t uid ;
  gid_t gid ;
  unsigned int mode ;
} ;

/* A file named by the configuration (TLS key or cert, DKIM key). */
typedef struct special_s special ;
struct special_s
{
  dev_t dev ;
  ino_t ino ;
  want w ;
  int done ;
  size_t off ;        /* of path in the names */
  char const *path ;
} ;

/* What the walk of a tree needs: the rule, given the path relative to the
   top ("" for the top), the depth and whether it is a directory. */
typedef void rulefn (char const *rel, unsigned int depth, int isdir, want *w) ;

extern int nofix ;            /* warn only */
extern unsigned int nfail ;   /* changes that failed */
extern unsigned int nchange ; /* changes made, or warnings when nofix */
extern special *specials ;
extern unsigned int nspecials ;
extern dev_t topdev[2] ;      /* confdir and datadir: one tree never */
extern ino_t topino[2] ;      /* walks into the other */
extern uid_t tern_uid ;
extern gid_t tern_gid ;

/* Fix (or check) one open file against w; path for the log. */
extern void fix_fd (int fd, struct stat const *st, char const *path, want const *w) ;
/* Walk the tree at top (a directory, not followed if a symlink). 1, or 0
   if top cannot be opened. */
extern int fix_tree (char const *top, rulefn *rule) ;
/* A file named by the configuration that the walks did not meet. */
extern void fix_path (char const *path, want const *w) ;

#endif
