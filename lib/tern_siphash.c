/* tern_siphash, tern_siphash13: SipHash-2-4 and SipHash-1-3
   (tern_siphash.h), after the reference implementation; byte order
   independent. */
#include <string.h>
#include "tern_siphash.h"

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define ROUND(v0, v1, v2, v3) do { \
  v0 += v1 ; v1 = ROTL(v1, 13) ; v1 ^= v0 ; v0 = ROTL(v0, 32) ; \
  v2 += v3 ; v3 = ROTL(v3, 16) ; v3 ^= v2 ; \
  v0 += v3 ; v3 = ROTL(v3, 21) ; v3 ^= v0 ; \
  v2 += v1 ; v1 = ROTL(v1, 17) ; v1 ^= v2 ; v2 = ROTL(v2, 32) ; } while (0)

static uint64_t le64 (unsigned char const *p)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  uint64_t x ;
  memcpy(&x, p, 8) ;   /* one load */
  return x ;
#else
  return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24
    | (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56 ;
#endif
}

#ifdef __GNUC__
#define INLINE __attribute__((always_inline)) inline
#else
#define INLINE inline
#endif

/* SipHash-c-d: c compression rounds per 8-byte block, d to finish
   (inlined: the loops over rounds unroll with c and d known) */
static INLINE uint64_t sip (uint64_t const key[2], void const *s, size_t len, unsigned int c, unsigned int d)
{
  unsigned char const *p = s ;
  uint64_t v0 = 0x736f6d6570736575ULL ^ key[0], v1 = 0x646f72616e646f6dULL ^ key[1] ;
  uint64_t v2 = 0x6c7967656e657261ULL ^ key[0], v3 = 0x7465646279746573ULL ^ key[1] ;
  uint64_t b = (uint64_t)len << 56 ;
  size_t i = 0 ;
  for (; i + 8 <= len ; i += 8)
  {
    uint64_t m = le64(p + i) ;
    v3 ^= m ;
    for (unsigned int r = 0 ; r < c ; r++) ROUND(v0, v1, v2, v3) ;
    v0 ^= m ;
  }
  if (i < len)
  {
    unsigned char t[8] = { 0, 0, 0, 0, 0, 0, 0, 0 } ;
    memcpy(t, p + i, len - i) ;
    b |= le64(t) ;
  }
  v3 ^= b ;
  for (unsigned int r = 0 ; r < c ; r++) ROUND(v0, v1, v2, v3) ;
  v0 ^= b ;
  v2 ^= 0xff ;
  for (unsigned int r = 0 ; r < d ; r++) ROUND(v0, v1, v2, v3) ;
  return v0 ^ v1 ^ v2 ^ v3 ;
}

uint64_t tern_siphash (uint64_t const key[2], void const *s, size_t len)
{
  return sip(key, s, len, 2, 4) ;
}

uint64_t tern_siphash13 (uint64_t const key[2], void const *s, size_t len)
{
  return sip(key, s, len, 1, 3) ;
}
