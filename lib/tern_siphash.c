/* tern_siphash: SipHash-2-4 (tern_siphash.h), after the reference
   implementation; byte order independent. */
#include "tern_siphash.h"

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define ROUND(v0, v1, v2, v3) do { \
  v0 += v1 ; v1 = ROTL(v1, 13) ; v1 ^= v0 ; v0 = ROTL(v0, 32) ; \
  v2 += v3 ; v3 = ROTL(v3, 16) ; v3 ^= v2 ; \
  v0 += v3 ; v3 = ROTL(v3, 21) ; v3 ^= v0 ; \
  v2 += v1 ; v1 = ROTL(v1, 17) ; v1 ^= v2 ; v2 = ROTL(v2, 32) ; } while (0)

static uint64_t le64 (unsigned char const *p)
{
  return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24
    | (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56 ;
}

uint64_t tern_siphash (uint64_t const key[2], void const *s, size_t len)
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
    ROUND(v0, v1, v2, v3) ; ROUND(v0, v1, v2, v3) ;
    v0 ^= m ;
  }
  for (unsigned int k = 0 ; i + k < len ; k++) b |= (uint64_t)p[i + k] << (8 * k) ;
  v3 ^= b ;
  ROUND(v0, v1, v2, v3) ; ROUND(v0, v1, v2, v3) ;
  v0 ^= b ;
  v2 ^= 0xff ;
  ROUND(v0, v1, v2, v3) ; ROUND(v0, v1, v2, v3) ; ROUND(v0, v1, v2, v3) ; ROUND(v0, v1, v2, v3) ;
  return v0 ^ v1 ^ v2 ^ v3 ;
}
