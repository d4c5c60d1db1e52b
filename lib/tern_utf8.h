/* tern_utf8.h: strict UTF-8 decoding (RFC 3629: no overlong forms, no
   surrogates, nothing above U+10FFFF), shared by addresses and logging. */
#ifndef TERN_UTF8_H
#define TERN_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Decodes one character at s (len bytes available) into *cp.  Returns its
   length 1..4, or 0 if the bytes there are not valid UTF-8. */
extern size_t tern_utf8_dec (char const *s, size_t len, uint32_t *cp) ;

#endif
