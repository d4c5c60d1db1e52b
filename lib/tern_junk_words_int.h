/* tern_junk_words_int.h: the parts of the junk filter's tokenizer
   (REFERENCE.md 8.2), private to lib/tern_junk_{words,set,text,html,
   charset}.c. */
#ifndef TERN_JUNK_WORDS_INT_H
#define TERN_JUNK_WORDS_INT_H

#include <stddef.h>
#include <skalibs/stralloc.h>
#include "tern_junk.h"

#define TERN_JUNKW_DEPTH 50   /* MIME nesting deeper than this is skipped */

typedef struct tern_junkw_s tern_junkw ;
struct tern_junkw_s
{
  tern_junkwords *w ;
  tern_junkopt const *o ;
  char const *prefix ;  /* "Subject:" while tokenizing a header field */
  size_t prefixlen ;
  size_t minlen ;       /* entries this long or shorter are not added */
  int full ;            /* TERN_JUNK_WORDSMAX reached: stop */
  stralloc dec, utf, txt ;  /* scratch: decoded, UTF-8, HTML as text */
} ;
#define TERN_JUNKW_ZERO { .w = 0, .o = 0, .prefix = "", .prefixlen = 0, .minlen = 0, .full = 0, .dec = STRALLOC_ZERO, .utf = STRALLOC_ZERO, .txt = STRALLOC_ZERO }

/* Empties the set of w.  Adds the word s[0..len) to j->w unless there;
   when it holds TERN_JUNK_WORDSMAX words sets j->full and w->cut instead.
   1, or 0 (ENOMEM). */
extern void tern_junkw_reset (tern_junkwords *w) ;
extern int tern_junkw_add (tern_junkw *j, char const *s, size_t len) ;

/* The text tokenizer: the words of UTF-8 text (invalid bytes end words)
   added with their n-grams; history starts empty.  1, or 0 (ENOMEM). */
extern int tern_junkw_text (tern_junkw *j, char const *s, size_t len) ;

/* HTML reduced to its text, appended to out.  1, or 0 (ENOMEM). */
extern int tern_junkw_html (stralloc *out, char const *s, size_t len) ;

/* s[0..len) in charset cs[0..cslen) appended to out as UTF-8: tern's own
   tables, else iconv(3); a charset iconv does not know, or none, copies
   the bytes as they are.  1, or 0 (ENOMEM). */
extern int tern_junkw_charset (stralloc *out, char const *s, size_t len, char const *cs, size_t cslen) ;

#endif
