/* tern_conftext.h: the text configuration (conf/tern-conf.8): parse and
   validate CONFDIR's files into config.cdb records.  Shared by tern-conf
   check and compile; a fuzz target reaches tern_conftext_file directly.
   Problems in the text are not failures: they are appended to err as
   "FILE:LINE: problem\n" lines and counted in nerr. */
#ifndef TERN_CONFTEXT_H
#define TERN_CONFTEXT_H

#include <stddef.h>
#include <skalibs/stralloc.h>

#define TERN_CONFTEXT_GLOBAL 0     /* tern.conf */
#define TERN_CONFTEXT_DOMAIN 1     /* domains/NAME */
#define TERN_CONFTEXT_ACCOUNT 2    /* accounts/NAME */
#define TERN_CONFTEXT_TRANSPORT 3  /* transports/NAME */
#define TERN_CONFTEXT_ROUTES 4     /* routes */

#define TERN_CONFTEXT_NOLOOKUP 0x01  /* flags: no passwd lookups (fuzzing) */

typedef struct tern_conftext_s tern_conftext, *tern_conftext_ref ;
struct tern_conftext_s
{
  stralloc confdir ;  /* absolute, NUL-terminated */
  stralloc err ;      /* problems, one a line */
  unsigned int nerr ;
  stralloc recs ;     /* records "key\0value\0", in file order */
  stralloc names ;    /* declared names: kind letter (d a t), name, \0 */
  stralloc claims ;   /* addresses seen: "key\0FILE:LINE\0" */
  unsigned int flags ;
} ;
#define TERN_CONFTEXT_ZERO { .confdir = STRALLOC_ZERO, .err = STRALLOC_ZERO, .nerr = 0, \
  .recs = STRALLOC_ZERO, .names = STRALLOC_ZERO, .claims = STRALLOC_ZERO, .flags = 0 }

/* Each returns 1, or 0 with errno (ENOMEM, or a read error for _dir). */
/* Start: confdir made absolute; flags as above. */
extern int tern_conftext_init (tern_conftext *t, char const *confdir, unsigned int flags) ;
/* Declare a domain ('d'), account ('a') or transport ('t') name, so that
   references to it are accepted before its file is parsed. */
extern int tern_conftext_declare (tern_conftext *t, char kind, char const *name) ;
/* 1 if declared, else 0. */
extern int tern_conftext_declared (tern_conftext const *t, char kind, char const *name, size_t len) ;
/* Parse one file's text; file is its name relative to CONFDIR ("accounts/bob"),
   name the domain, account or transport it defines (0 for the others). */
extern int tern_conftext_file (tern_conftext *t, unsigned int kind, char const *file, char const *name, char const *s, size_t len) ;
/* Read and parse every file of the directory given to init. */
extern int tern_conftext_dir (tern_conftext *t) ;
/* Write the records to path as a cdb, atomically and durably. */
extern int tern_conftext_write (tern_conftext const *t, char const *path) ;
extern void tern_conftext_free (tern_conftext *t) ;

/* 1 if s is a good account or transport name: [a-z0-9][a-z0-9._-]*, <= 64. */
extern int tern_conftext_goodname (char const *s, size_t len) ;

#endif
