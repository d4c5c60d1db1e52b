/* tern_conftext_num: numbers and yes/no in config values. */
#include <string.h>
#include "tern_conftext_int.h"

int tern_conftext_uint (tern_ctf *f, char const *what, char const *s, uint64_t min, uint64_t max, uint64_t *u)
{
  uint64_t x = 0 ;
  size_t i = 0 ;
  for (; s[i] >= '0' && s[i] <= '9' ; i++)
  {
    if (x > (UINT64_MAX - 9) / 10) break ;
    x = x * 10 + (uint64_t)(s[i] - '0') ;
  }
  if (!i || s[i] || x < min || x > max)
  {
    tern_conftext_err(f, "bad ", what, ": not a number in range") ;
    return 0 ;
  }
  *u = x ;
  return 1 ;
}

int tern_conftext_decimal (tern_ctf *f, char const *what, char const *s, uint64_t maxmicro, uint64_t *micro)
{
  uint64_t x = 0 ;
  size_t i = 0, d = 0 ;
  for (; s[i] >= '0' && s[i] <= '9' && i < 6 ; i++) x = x * 10 + (uint64_t)(s[i] - '0') ;
  if (!i) goto bad ;
  x *= 1000000 ;
  if (s[i] == '.')
  {
    uint64_t scale = 100000 ;
    for (i++ ; s[i] >= '0' && s[i] <= '9' ; i++, d++)
    {
      if (d >= 6) goto bad ;
      x += (uint64_t)(s[i] - '0') * scale ;
      scale /= 10 ;
    }
    if (!d) goto bad ;
  }
  if (s[i] || x > maxmicro) goto bad ;
  *micro = x ;
  return 1 ;
 bad:
  tern_conftext_err(f, "bad ", what, ": not a decimal number in range") ;
  return 0 ;
}

int tern_conftext_yesno (tern_ctf *f, char const *what, char const *s, int *yes)
{
  if (!strcmp(s, "yes")) *yes = 1 ;
  else if (!strcmp(s, "no")) *yes = 0 ;
  else
  {
    tern_conftext_err(f, "bad ", what, ": not yes or no") ;
    return 0 ;
  }
  return 1 ;
}
