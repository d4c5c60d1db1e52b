/* tern_date.h: dates for header fields (RFC 5322), without the C library's
   locale and time-zone machinery (which a static link would pull in). */
#ifndef TERN_DATE_H
#define TERN_DATE_H
#include <stddef.h>
#include <stdint.h>

/* "Tue, 14 Nov 2023 22:13:20 +0000": 31 bytes and a NUL */
#define TERN_DATE_FMT 32

/* Writes the UTC date of t (seconds since 1970, up to year 9999) and a NUL
   into s, which has TERN_DATE_FMT bytes; returns the length, 0 if t is out
   of range (s is then ""). */
extern size_t tern_date_fmt (char *s, uint64_t t) ;
#endif
