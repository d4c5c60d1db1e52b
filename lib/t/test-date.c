/* test-date: tern_date_fmt against fixed dates and against gmtime_r + strftime */
#include <string.h>
#include <time.h>
#include "t.h"
#include "tern_date.h"

static struct { uint64_t t ; char const *want ; } const cases[] =
{
  { 0, "Thu, 01 Jan 1970 00:00:00 +0000" },
  { 951782400, "Tue, 29 Feb 2000 00:00:00 +0000" },
  { 951868799, "Tue, 29 Feb 2000 23:59:59 +0000" },
  { 1700000000, "Tue, 14 Nov 2023 22:13:20 +0000" },
  { 4107542400ULL, "Mon, 01 Mar 2100 00:00:00 +0000" },
  { 253402300799ULL, "Fri, 31 Dec 9999 23:59:59 +0000" },
} ;

int main (void)
{
  char s[TERN_DATE_FMT], want[64] ;
  unsigned int i ;
  uint64_t t ;
  for (i = 0 ; i < sizeof cases / sizeof cases[0] ; i++)
  {
    size_t n = tern_date_fmt(s, cases[i].t) ;
    T(n == 31 && !strcmp(s, cases[i].want), cases[i].want) ;
  }
  T(tern_date_fmt(s, 253402300800ULL) == 0 && !s[0], "year 10000 refused") ;
  for (t = 0 ; t < 4200000000ULL ; t += 7919 * 3607)  /* every weekday, month, leap rule */
  {
    time_t tt = (time_t)t ;
    struct tm tm ;
    int good = gmtime_r(&tt, &tm) && strftime(want, sizeof want, "%a, %d %b %Y %H:%M:%S +0000", &tm) ;
    tern_date_fmt(s, t) ;
    if (!good || strcmp(s, want)) { T(0, want) ; break ; }
  }
  T(t >= 4200000000ULL, "agrees with gmtime_r + strftime from 1970 to 2103") ;
  return tdone() ;
}
