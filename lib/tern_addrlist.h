/* tern_addrlist.h: RFC 5322 address lists (From:, To:, Cc:, ...) as mail
   in the wild writes them: groups, obsolete routes, quoted local parts,
   comments, RFC 6532 UTF-8.  Used by IMAP ENVELOPE, SEARCH and SORT. */
#ifndef TERN_ADDRLIST_H
#define TERN_ADDRLIST_H

#include <stddef.h>
#include <skalibs/stralloc.h>
#include <skalibs/genalloc.h>

#define TERN_AL_MAILBOX 0   /* a mailbox: name, route, local, domain */
#define TERN_AL_GROUP 1     /* start of a group: name is the group's display name */
#define TERN_AL_END 2       /* end of a group (its ";", or the end of the field) */

#define TERN_ALF_DOMAIN 0x01  /* the mailbox had an "@" (domain may still be empty) */
#define TERN_ALF_ANGLE 0x02   /* the mailbox was written in angle brackets */
#define TERN_ALF_COMMENT 0x04 /* name is a comment: "u@d (Name)" with no display name */

/* Each part is text[off .. off+len) of the list's text buffer. */
typedef struct tern_alpart_s tern_alpart ;
struct tern_alpart_s
{
  size_t off ;
  size_t len ;
} ;

typedef struct tern_addrent_s tern_addrent ;
struct tern_addrent_s
{
  unsigned int kind ;   /* TERN_AL_* */
  unsigned int flags ;  /* TERN_ALF_* */
  tern_alpart name ;    /* display name as written (RFC 2047 words not decoded),
                           quotes and quoted-pairs removed, runs of white space one
                           space; else the last comment's text; else empty */
  tern_alpart route ;   /* obsolete route "@a.example,@b.example", or empty */
  tern_alpart local ;   /* local part: quotes and quoted-pairs removed, words of an
                           obs-local-part joined by "." with no white space */
  tern_alpart domain ;  /* domain as written, white space and comments removed;
                           a literal keeps its brackets */
} ;

typedef struct tern_addrlist_s tern_addrlist ;
struct tern_addrlist_s
{
  stralloc text ;       /* the parts, back to back */
  genalloc ents ;       /* tern_addrent, in the order of the field */
} ;
#define TERN_ADDRLIST_ZERO { .text = STRALLOC_ZERO, .ents = GENALLOC_ZERO }

/* Parses s[0..len) (an unfolded or folded field value; any bytes, NUL
   included) into l, replacing what l held.  Never fails on syntax: what
   cannot be read is skipped up to the next "," (or ";" in a group), and a
   group left open is closed at the end.  Every group start has its end,
   and nothing else comes between them but mailboxes.  Iterative: time
   and memory are linear in len, comments nest to any depth.  Returns 1,
   or 0 on ENOMEM (l then holds a prefix of the list). */
extern int tern_addrlist_parse (tern_addrlist *l, char const *s, size_t len) ;

/* Appends entry e in a search form: for a mailbox, its name with RFC 2047
   words decoded, then " <", route and ":" if any, local, "@" domain if any,
   ">" (name and its space left out when empty); for a group start, its
   name and ":"; for an end, ";".  1, or 0 on ENOMEM. */
extern int tern_addrlist_fmt (stralloc *sa, tern_addrlist const *l, tern_addrent const *e) ;

extern void tern_addrlist_free (tern_addrlist *l) ;

#endif
