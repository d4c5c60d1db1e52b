/* tern-conf.h: the parts of tern-conf. */
#ifndef TERN_CONF_PROG_H
#define TERN_CONF_PROG_H

#include <skalibs/stralloc.h>
#include "tern_conftext.h"

/* A text file saved before an edit, to put back if the result is bad. */
typedef struct saved_s saved ;
struct saved_s
{
  stralloc path ;
  stralloc text ;
  int existed ;
} ;
#define SAVED_ZERO { .path = STRALLOC_ZERO, .text = STRALLOC_ZERO, .existed = 0 }

/* tern-conf-check.c */
/* Check (and write config.cdb if compile); print problems on stdout.
   Returns 0, 100 (problems) or 111 (errno set). */
extern int conf_compile (char const *confdir, int compile) ;
/* Parse confdir into t for the edits' lookups; dies 111 on error. */
extern void conf_parse (tern_conftext *t, char const *confdir) ;
extern void conf_die_problems (int code, char const *confdir) ;

/* tern-conf-edit.c */
/* Take the edit lock on confdir; dies 111 on error. */
extern void edit_lock (char const *confdir) ;
/* path = confdir/rel; save its content; dies 111 on error. */
extern void edit_save (saved *s, char const *confdir, char const *rel) ;
/* Write (or remove, if !text) the file, compile, and on failure put the
   old content back and die.  Returns on success. */
extern void edit_commit (saved *s, char const *confdir, char const *text, size_t len) ;
extern void saved_free (saved *s) ;
/* The key of each line: offsets of the start of line n (1-based) and of
   the line after it, in text; 0 if there is no such line. */
extern int edit_line (stralloc const *text, unsigned int n, size_t *start, size_t *end) ;
/* 1 and *pos = the end offset of the last line whose key is key; else
   0 and *pos = text->len. */
extern int edit_after (stralloc const *text, char const *key, size_t *pos) ;

/* tern-conf-cmds.c */
extern void cmd_init (char const *confdir, char const *host, char const *datadir) ;
extern void cmd_add_domain (char const *confdir, char const *dom) ;
extern void cmd_remove_domain (char const *confdir, char const *dom) ;
extern void cmd_add_account (char const *confdir, char const *name, char const *addr) ;
extern void cmd_remove_account (char const *confdir, char const *name) ;
extern void cmd_add_address (char const *confdir, char const *name, char const *addr) ;
extern void cmd_remove_address (char const *confdir, char const *addr) ;

/* tern-conf-service.c, tern-conf-service-gen.c: the service tree */
enum { SVC_SMTP, SVC_SUBMISSION, SVC_SUBMISSIONS, SVC_IMAP, SVC_IMAPS } ;
enum { SVC_TERN, SVC_SMTPD, SVC_TLS, SVC_LOG, SVC_NUSERS } ;
typedef struct svcuser_s svcuser ;
struct svcuser_s
{
  char const *name ;  /* a user name, or a number when numeric */
  int numeric ;
} ;
typedef struct svclisten_s svclisten ;
struct svclisten_s
{
  unsigned int kind ;
  char const *name, *ip, *port ;
} ;
typedef struct svcgen_s svcgen ;
struct svcgen_s
{
  char const *bin, *conf, *logdir, *svcdir, *svscan ;
  char const *junksock ;  /* junk-socket, or 0: no junk door service */
  svcuser user[SVC_NUSERS] ;
  char const *tlskey[2], *tlscert[2] ;
  unsigned int ntls ;
  stralloc files ;  /* records PATH \0 MODE \0 CONTENT \0 */
} ;
extern void svc_listen (svcgen *g, svclisten const *l) ;
extern void svc_queue (svcgen *g) ;
extern void svc_junk (svcgen *g) ;
extern void svc_unit (svcgen *g) ;
extern void cmd_printservice (char const *confdir, int argc, char const *const *argv) ;
extern void cmd_installservice (char const *confdir, int argc, char const *const *argv) ;

#endif
