/* tern_log.h: event lines on stderr, each in one write(2) so that
   concurrent processes do not interleave:
     tern-smtp-in: info: accept id=4F2A from=<a@b.example> nrcpt=2
   Arguments after the event are key, value pairs (char const *) ended by
   a null key; a null value is written as "":
     tern_log_info("accept", "id", id, "from", from, TERN_LOG_END) ;
   PROG (skalibs) names the program. */
#ifndef TERN_LOG_H
#define TERN_LOG_H

#include <stdarg.h>
#include <stddef.h>
#include <skalibs/stralloc.h>

#define TERN_LOG_END ((char const *)0)

#if defined(__GNUC__)
#define TERN_LOG_SENTINEL __attribute__((sentinel))
#else
#define TERN_LOG_SENTINEL
#endif

/* Each returns 1, or 0 with errno (ENOMEM: a short line saying so went
   out instead; else the write failed).  event may be 0. */
extern int tern_log_info (char const *event, ...) TERN_LOG_SENTINEL ;
extern int tern_log_warn (char const *event, ...) TERN_LOG_SENTINEL ;
/* The same with the level named ("info", "warning") and the pairs in ap. */
extern int tern_log_v (char const *level, char const *event, va_list ap) ;

/* Appends s as a log value: as is if plain, else double-quoted when it has
   a space, '"', '\\', '=', a control char or a byte >= 0x7f, with escapes
   \" \\ \n \r \t \xNN.  Valid printable UTF-8 stays readable.  An empty
   value is "".  1, or 0 on ENOMEM. */
extern int tern_log_catvalue (stralloc *sa, char const *s, size_t len) ;

#endif
