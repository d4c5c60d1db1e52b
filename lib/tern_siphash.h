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

/* SipHash-1-3: the same with one compression and three finishing rounds
   (as Rust's HashMap): about 40% faster on short words, for in-memory
   tables only.  (The junk filter's word set now uses the database's
   SipHash-2-4, so that each word is hashed once.) */
extern uint64_t tern_siphash13 (uint64_t const key[2], void const *s, size_t len) ;

#endif
