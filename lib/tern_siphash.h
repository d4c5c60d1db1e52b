/* tern_siphash.h: SipHash-2-4 (Aumasson and Bernstein), a keyed hash for
   hash tables that crafted input must not make quadratic: the junk
   filter's word set and its database. */
#ifndef TERN_SIPHASH_H
#define TERN_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

/* The 64-bit SipHash-2-4 of s[0..len) under the 128-bit key (key[0] is
   bytes 0-7 of the reference's key, little-endian, key[1] bytes 8-15). */
extern uint64_t tern_siphash (uint64_t const key[2], void const *s, size_t len) ;

#endif
