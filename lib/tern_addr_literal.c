/* tern_addr_literal: an address literal (RFC 5321 4.1.3), "[192.0.2.1]" or
   "[IPv6:2001:db8::1]", checked and put in canonical form.  General
   address literals ("[tag:...]") are refused. */
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>
#include "tern.h"
#include "tern_addr.h"

int tern_addr_literal (stralloc *sa, char const *s, size_t len)
{
  char buf[64] ;
  char out[INET6_ADDRSTRLEN] ;
  unsigned char ip[16] ;
  int v6 ;
  if (len < 3 || s[0] != '[' || s[len-1] != ']') return TERN_PERM ;
  s++ ; len -= 2 ;
  v6 = len > 5 && !strncasecmp(s, "IPv6:", 5) ;
  if (v6) { s += 5 ; len -= 5 ; }
  /* inet_pton stops at a NUL, which would hide what follows it */
  if (len >= sizeof buf || memchr(s, 0, len)) return TERN_PERM ;
  memcpy(buf, s, len) ;
  buf[len] = 0 ;
  if (inet_pton(v6 ? AF_INET6 : AF_INET, buf, ip) != 1
   || !inet_ntop(v6 ? AF_INET6 : AF_INET, ip, out, sizeof out)) return TERN_PERM ;
  sa->len = 0 ;
  return stralloc_catb(sa, v6 ? "[IPv6:" : "[", v6 ? 6 : 1)
      && stralloc_cats(sa, out) && stralloc_catb(sa, "]", 1) ? TERN_OK : TERN_TEMP ;
}
