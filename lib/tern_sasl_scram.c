/* tern_sasl_scram: SCRAM attribute syntax (RFC 5802 section 7) shared by
   the client and the server: saslname coding, values, nonces. */
#include <errno.h>
#include <string.h>
#include "tern_sasl_priv.h"

int tern_sasl_scram_enc (stralloc *sa, char const *s, size_t len)
{
  for (size_t i = 0 ; i < len ; i++)
  {
    int ok = s[i] == ',' ? stralloc_catb(sa, "=2C", 3)
      : s[i] == '=' ? stralloc_catb(sa, "=3D", 3) : stralloc_catb(sa, s + i, 1) ;
    if (!ok) return 0 ;
  }
  return 1 ;
}

int tern_sasl_scram_dec (stralloc *sa, char const *s, size_t len)
{
  for (size_t i = 0 ; i < len ; i++)
  {
    char c = s[i] ;
    if (!c || c == ',') return (errno = EINVAL, 0) ;
    if (c == '=')
    {
      if (len - i < 3) return (errno = EINVAL, 0) ;
      if (!memcmp(s + i + 1, "2C", 2)) c = ',' ;
      else if (!memcmp(s + i + 1, "3D", 2)) c = '=' ;
      else return (errno = EINVAL, 0) ;
      i += 2 ;
    }
    if (!stralloc_catb(sa, &c, 1)) return 0 ;
  }
  return 1 ;
}

size_t tern_sasl_scram_vlen (char const *s, size_t len)
{
  char const *p = memchr(s, ',', len) ;
  return p ? (size_t)(p - s) : len ;
}

int tern_sasl_scram_nonceok (char const *s, size_t len)
{
  for (size_t i = 0 ; i < len ; i++)
    if (s[i] < 0x21 || s[i] > 0x7e || s[i] == ',') return 0 ;
  return 1 ;
}
