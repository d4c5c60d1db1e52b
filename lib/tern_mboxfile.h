/* tern_mboxfile.h: the messages of an mbox file (mboxo/mboxrd): each
   starts at a "From " line at the start of the file or after an empty
   line; ">From " lines (any number of '>') lose one '>'. */
#ifndef TERN_MBOXFILE_H
#define TERN_MBOXFILE_H

#include <stddef.h>
#include <skalibs/stralloc.h>

/* The next message at or after *pos of s[0..len): its text without the
   "From " envelope line is s[*start..*end) (still quoted).  Advances *pos.
   1, or 0 at the end.  Linear in len over a whole walk. */
extern int tern_mboxfile_next (char const *s, size_t len, size_t *pos, size_t *start, size_t *end) ;
/* Appends s[0..len) to sa with one '>' taken off each ">+From " line.
   1, or 0 (ENOMEM). */
extern int tern_mboxfile_unquote (stralloc *sa, char const *s, size_t len) ;

#endif
