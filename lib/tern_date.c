/* tern_date_fmt: an RFC 5322 date in UTC, computed by hand (civil-from-days,
   H. Hinnant) instead of gmtime_r + strftime: keeps tzset, sscanf and the
   locale code out of statically linked programs. */
#include "tern_date.h"

static char const wday[] = "SunMonTueWedThuFriSat" ;
static char const mon[] = "JanFebMarAprMayJunJulAugSepOctNovDec" ;

static char *two (char *s, unsigned int v)
{
  s[0] = '0' + v / 10 ;
  s[1] = '0' + v % 10 ;
  return s + 2 ;
}

size_t tern_date_fmt (char *s, uint64_t t)
{
  uint64_t days = t / 86400, sec = t % 86400 ;
  uint64_t z, era, doe, yoe, doy, mp, d, m, y ;
  char *p = s ;
  s[0] = 0 ;
  if (t > 253402300799ULL) return 0 ;  /* 9999-12-31T23:59:59Z */
  z = days + 719468 ;
  era = z / 146097 ;
  doe = z - era * 146097 ;
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365 ;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100) ;
  mp = (5 * doy + 2) / 153 ;
  d = doy - (153 * mp + 2) / 5 + 1 ;
  m = mp < 10 ? mp + 3 : mp - 9 ;
  y = yoe + era * 400 + (m <= 2) ;
  p[0] = wday[3 * ((days + 4) % 7)] ; p[1] = wday[3 * ((days + 4) % 7) + 1] ;
  p[2] = wday[3 * ((days + 4) % 7) + 2] ; p[3] = ',' ; p[4] = ' ' ; p += 5 ;
  p = two(p, (unsigned int)d) ; *p++ = ' ' ;
  p[0] = mon[3 * (m - 1)] ; p[1] = mon[3 * (m - 1) + 1] ; p[2] = mon[3 * (m - 1) + 2] ;
  p[3] = ' ' ; p += 4 ;
  p = two(p, (unsigned int)(y / 100)) ; p = two(p, (unsigned int)(y % 100)) ; *p++ = ' ' ;
  p = two(p, (unsigned int)(sec / 3600)) ; *p++ = ':' ;
  p = two(p, (unsigned int)(sec / 60 % 60)) ; *p++ = ':' ;
  p = two(p, (unsigned int)(sec % 60)) ;
  p[0] = ' ' ; p[1] = '+' ; p[2] = '0' ; p[3] = '0' ; p[4] = '0' ; p[5] = '0' ; p[6] = 0 ;
  return (size_t)(p + 6 - s) ;
}
