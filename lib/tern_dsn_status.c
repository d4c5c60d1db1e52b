/* tern_dsn_status: the Status field of a recipient (RFC 3464 2.3.4): the
   server's enhanced code (RFC 3463: class.subject.detail, 1 to 3 digits
   each) with its class made to agree with the action. */
#include <string.h>
#include "tern_dsn.h"

/* 1 to 3 digits at s: how many, 0 if none or more than 3 */
static size_t digits (char const *s, size_t len)
{
  size_t n = 0 ;
  while (n < len && n < 4 && s[n] >= '0' && s[n] <= '9') n++ ;
  return n > 3 ? 0 : n ;
}

int tern_dsn_status (char *st, unsigned int action, char const *text, size_t len)
{
  char cls = action == TERN_DSN_FAILED ? '5' : '4' ;
  size_t a, b ;
  if (len < 5 || (text[0] != '2' && text[0] != '4' && text[0] != '5') || text[1] != '.') goto none ;
  a = digits(text + 2, len - 2) ;
  if (!a || 2 + a >= len || text[2 + a] != '.') goto none ;
  b = digits(text + 3 + a, len - 3 - a) ;
  if (!b || (3 + a + b < len && text[3 + a + b] != ' ')) goto none ;
  st[0] = cls ;
  memcpy(st + 1, text + 1, 2 + a + b) ;
  st[3 + a + b] = 0 ;
  return 1 ;
 none:
  st[0] = cls ;
  memcpy(st + 1, ".0.0", 5) ;
  return 0 ;
}
