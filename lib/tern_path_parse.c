/* tern_path_parse: an SMTP Path (RFC 5321 4.1.2) "<mailbox>", with an
   optional source route "<@a,@b:mailbox>" that is checked and dropped,
   or the null path "<>" when the caller allows it. */
#include "tern.h"
#include "tern_addr.h"

#define PATHMAX 256

static int ldhdot (char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
    || c == '-' || c == '.' ;
}

/* s[1] is '@': skip "@dom,@dom:", return the index after ':' or 0 */
static size_t route (char const *s, size_t len)
{
  size_t i = 1 ;
  for (;;)
  {
    size_t start ;
    if (i >= len || s[i] != '@') return 0 ;
    for (start = ++i ; i < len && ldhdot(s[i]) ; i++) ;
    if (i == start || i >= len) return 0 ;
    if (s[i] == ':') return i + 1 ;
    if (s[i++] != ',') return 0 ;
  }
}

int tern_path_parse (tern_addr *a, char const *s, size_t len, unsigned int opts, size_t *used)
{
  size_t i = 1, start ;
  int r ;
  if (len > PATHMAX) len = PATHMAX ;  /* a longer path finds no '>' */
  if (len < 2 || s[0] != '<') return TERN_PERM ;
  if (s[1] == '>')
  {
    if (!(opts & TERN_ADDR_NULLOK)) return TERN_PERM ;
    a->local.len = a->domain.len = a->udomain.len = 0 ;
    a->flags = TERN_ADDRF_NULL ;
    *used = 2 ;
    return TERN_OK ;
  }
  if (s[1] == '@' && !(i = route(s, len))) return TERN_PERM ;
  start = i ;
  /* a '>' inside a quoted localpart does not end the path */
  if (i < len && s[i] == '"')
    for (i++ ; i < len && s[i] != '"' ; i++) if (s[i] == '\\') i++ ;
  while (i < len && s[i] != '>') i++ ;
  if (i >= len) return TERN_PERM ;
  r = tern_addr_parse(a, s + start, i - start, opts) ;
  if (r) return r ;
  *used = i + 1 ;
  return TERN_OK ;
}
