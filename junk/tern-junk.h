/* tern-junk.h: what the parts of tern-junk share: the parsed command
   line (tern-junk-args.c), the commands (tern-junk-cmds.c) and import
   (tern-junk-import.c).  Each command exits by itself on error. */
#ifndef TERN_JUNK_PROG_H
#define TERN_JUNK_PROG_H

#include <skalibs/stralloc.h>
#include <skalibs/genalloc.h>
#include "tern_junk.h"

#define USAGE "tern-junk classify|train|untrain|import|stats [ -c confdir ] -a account | -d accountdir [ -o options ] [ -v ] [ -b ] [ -junk [path] ] [ -ham [path] ]"
#define JUNK_BATCH 1000

typedef struct jargs_s jargs ;
struct jargs_s
{
  char const *cmd ;
  stralloc acct ;           /* the account directory, NUL-terminated */
  tern_junkopt o ;
  int verbose ;
  int batch ;
  int spam ;                /* -junk 1, -ham 0, neither -1 */
  genalloc junkpaths ;      /* char const *: import -junk paths */
  genalloc hampaths ;       /* char const *: import -ham paths */
} ;

/* tern-junk-args.c */
extern void jargs_parse (jargs *a, int argc, char const *const *argv) ;
/* exits 111 (or 100 for EINVAL) naming the damaged file when errno is EUCLEAN */
extern void jdie (int code, char const *what) ;

/* tern-junk-cmds.c */
extern int readmsg (int fd, stralloc *sa, size_t max, int drain) ;
extern void junkdb_open (tern_junkdb *d, char const *acct, int how) ;
extern void cmd_classify (jargs *a) ;
extern void cmd_train (jargs *a, int delta) ;
extern void cmd_stats (jargs *a) ;

/* tern-junk-import.c */
extern void cmd_import (jargs *a) ;

#endif
