/* tern_conftext_int.h: what the tern_conftext_*.c files share: the state
   of one file being parsed, key tables, and value checkers.  Checkers
   return 1 if the value is good, else 0 with a problem logged (or f->nomem
   set: then the caller stops and reports ENOMEM). */
#ifndef TERN_CONFTEXT_INT_H
#define TERN_CONFTEXT_INT_H

#include <stdint.h>
#include <skalibs/stralloc.h>
#include "tern.h"
#include "tern_conftext.h"

#define TERN_CONFTEXT_LINEMAX 4000

typedef struct tern_ctf_s tern_ctf ;
struct tern_ctf_s
{
  tern_conftext *t ;
  char const *file ;  /* relative to CONFDIR, for problems */
  char const *name ;  /* the domain, account or transport the file defines */
  unsigned int line ; /* 0: the whole file */
  int nomem ;
  unsigned int *seen ; /* per key of the table: first line it was on */
  void *data ;        /* per-kind extra state */
} ;

typedef void tern_ctf_fn (tern_ctf *f, char *v, size_t vlen) ;
typedef struct tern_ctkey_s tern_ctkey ;
struct tern_ctkey_s
{
  char const *key ;
  unsigned int flags ;
  tern_ctf_fn *fn ;
} ;
#define TERN_CTK_REPEAT 0x01
#define TERN_CTK_REQUIRED 0x02
#define TERN_CTK_FLAG 0x04    /* no value */
#define TERN_CTK_OPTVAL 0x08  /* value may be empty */

/* Run every line of s through the table; then report missing required keys. */
extern void tern_conftext_lines (tern_ctf *f, tern_ctkey const *tab, size_t n, char const *s, size_t len) ;
/* Log "FILE:LINE: a b c" (any of a b c may be 0). */
extern void tern_conftext_err (tern_ctf *f, char const *a, char const *b, char const *c) ;
/* Add record key = k1 k2 k3 (0 parts skipped), value v. */
extern void tern_conftext_rec (tern_ctf *f, char const *k1, char const *k2, char const *k3, char const *v, size_t vlen) ;
/* Index of key in tab, or n. */
extern size_t tern_conftext_keyidx (tern_ctkey const *tab, size_t n, char const *key) ;

/* Checkers. */
extern int tern_conftext_uint (tern_ctf *f, char const *what, char const *s, uint64_t min, uint64_t max, uint64_t *u) ;
/* A decimal "D[.D]" in [0,max1000/1000]; *milli gets it times 1000000 (micro units). */
extern int tern_conftext_decimal (tern_ctf *f, char const *what, char const *s, uint64_t maxmicro, uint64_t *micro) ;
extern int tern_conftext_yesno (tern_ctf *f, char const *what, char const *s, int *yes) ;
/* Appends the A-label form of domain s (no NUL). */
extern int tern_conftext_domain (tern_ctf *f, char const *s, size_t len, stralloc *out) ;
/* Appends the absolute form of path s (no NUL). */
extern int tern_conftext_path (tern_ctf *f, char const *s, stralloc *out) ;
/* An IP address (v4, or v6 without brackets); 1 good. */
extern int tern_conftext_ip (char const *s, size_t len) ;
/* "HOST[:PORT]" or "[IPV6]:PORT" with a domain or IP host; appends "HOST PORT" to out. */
extern int tern_conftext_hostport (tern_ctf *f, char const *s, unsigned int defport, int needport, int needip, stralloc *out) ;
/* A route value "TRANSPORT [from=..] [to=..] [min-attempts=N]": record under key. */
extern void tern_conftext_route (tern_ctf *f, char const *key, char const *v) ;

extern void tern_conftext_global (tern_ctf *f, char const *s, size_t len) ;
extern void tern_conftext_domainfile (tern_ctf *f, char const *s, size_t len) ;
extern void tern_conftext_account (tern_ctf *f, char const *s, size_t len) ;
extern void tern_conftext_transport (tern_ctf *f, char const *s, size_t len) ;
extern void tern_conftext_junk (tern_ctf *f, char *v, size_t vlen) ;
/* A mailbox regex (POSIX ERE), recorded as A:NAME:key (key starts with ":"). */
extern void tern_conftext_regex (tern_ctf *f, char const *key, char const *v) ;

#endif
