/* tern_b64_decode, tern_b64_decat: strict standard base64 decoding.
   Rejects anything a canonical encoder would not have produced. */
#include <errno.h>
#include <skalibs/stralloc.h>
#include "tern_crypto.h"

static int val (unsigned char c)
{
  if (c >= 'A' && c <= 'Z') return c - 'A' ;
  if (c >= 'a' && c <= 'z') return c - 'a' + 26 ;
  if (c >= '0' && c <= '9') return c - '0' + 52 ;
  if (c == '+') return 62 ;
  if (c == '/') return 63 ;
  return -1 ;
}

int tern_b64_decode (unsigned char *out, size_t max, size_t *outlen, char const *s, size_t len)
{
  size_t pad = 0, w = 0 ;
  if (len & 3) return (errno = EINVAL, 0) ;
  if (len && s[len - 1] == '=') pad++ ;
  if (len && s[len - 2] == '=') pad++ ;
  if (len / 4 * 3 - pad > max) return (errno = EOVERFLOW, 0) ;
  for (size_t i = 0 ; i < len ; i += 4)
  {
    int v[4] ;
    unsigned int n = i + 4 == len ? 4 - pad : 4 ;
    for (unsigned int j = 0 ; j < 4 ; j++)
    {
      v[j] = j < n ? val(s[i + j]) : 0 ;
      if (v[j] < 0) return (errno = EINVAL, 0) ;
    }
    if ((n == 2 && (v[1] & 15)) || (n == 3 && (v[2] & 3))) return (errno = EINVAL, 0) ;
    out[w++] = (unsigned char)((v[0] << 2) | (v[1] >> 4)) ;
    if (n >= 3) out[w++] = (unsigned char)(((v[1] & 15) << 4) | (v[2] >> 2)) ;
    if (n == 4) out[w++] = (unsigned char)(((v[2] & 3) << 6) | v[3]) ;
  }
  *outlen = w ;
  return 1 ;
}

int tern_b64_decat (stralloc *sa, char const *s, size_t len)
{
  size_t n ;
  if (!stralloc_readyplus(sa, len / 4 * 3)) return 0 ;
  if (!tern_b64_decode((unsigned char *)sa->s + sa->len, len / 4 * 3, &n, s, len)) return 0 ;
  sa->len += n ;
  return 1 ;
}
