/* tern_dsn_line: one input line of tern-queue-dsn, "failed|delayed RCPT
   CODE TEXT", parsed in place.  RCPT may be a quoted localpart with
   spaces ("a b"@example.org); TEXT may be empty and is not checked here. */
#include <string.h>
#include "tern.h"
#include "tern_dsn.h"

/* the end of the address at s: its first space outside quotes */
static size_t addrend (char const *s, size_t len)
{
  size_t i = 0 ;
  int q = 0 ;
  for (; i < len ; i++)
  {
    if (q && s[i] == '\\' && i + 1 < len) { i++ ; continue ; }
    if (s[i] == '"') q = !q ;
    else if (s[i] == ' ' && !q) break ;
  }
  return i ;
}

int tern_dsn_line (tern_dsn_rcpt *r, char *s, size_t len)
{
  size_t i, a ;
  if (len >= 7 && !memcmp(s, "failed ", 7)) { r->action = TERN_DSN_FAILED ; i = 7 ; }
  else if (len >= 8 && !memcmp(s, "delayed ", 8)) { r->action = TERN_DSN_DELAYED ; i = 8 ; }
  else return TERN_PERM ;
  a = addrend(s + i, len - i) ;
  if (!a || i + a >= len || memchr(s + i, 0, a)) return TERN_PERM ;
  r->addr = s + i ;
  s[i + a] = 0 ;
  i += a + 1 ;
  if (len - i < 3) return TERN_PERM ;
  for (unsigned int k = 0 ; k < 3 ; k++)
  {
    if (s[i + k] < '0' || s[i + k] > '9') return TERN_PERM ;
    r->code[k] = s[i + k] ;
  }
  r->code[3] = 0 ;
  i += 3 ;
  if (i < len && s[i] != ' ') return TERN_PERM ;
  if (i < len) i++ ;
  r->text = s + i ;
  r->textlen = len - i ;
  return TERN_OK ;
}
