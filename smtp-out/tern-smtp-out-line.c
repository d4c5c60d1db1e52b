/* tern-smtp-out-line.c: the transport line of tern-route, as argv words:
   "direct [name]" or "method host port name [key=value ...]", values
   %XX-encoded (decoded in place). */
#include <string.h>
#include <skalibs/types.h>
#include <skalibs/bytestr.h>
#include "tern-smtp-out.h"

static int hexval (char c)
{
  if (c >= '0' && c <= '9') return c - '0' ;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10 ;
  return -1 ;
}

/* %XX decoding in place; 0 if malformed or a NUL would come out */
static int unescape (char *s)
{
  char *w = s ;
  for (; *s ; s++)
  {
    if (*s == '%')
    {
      int h = hexval(s[1]), l = h < 0 ? -1 : hexval(s[2]) ;
      if (h < 0 || l < 0 || !(h | l)) return 0 ;
      *w++ = (char)(h << 4 | l) ;
      s += 2 ;
    }
    else *w++ = *s ;
  }
  *w = 0 ;
  return 1 ;
}

static char const *option (sout *o, char *s)
{
  char *eq = strchr(s, '=') ;
  if (!eq || !unescape(eq + 1)) return "bad option" ;
  *eq++ = 0 ;
  if (!strcmp(s, "starttls"))
  {
    if (o->method != M_SMTP && o->method != M_SUBMISSION) return "starttls= for this method" ;
    if (!strcmp(eq, "verify")) o->tls = T_VERIFY ;
    else if (!strcmp(eq, "skip-verify")) o->tls = T_SKIPVERIFY ;
    else if (!strcmp(eq, "none")) o->tls = T_NONE ;
    else return "bad starttls=" ;
  }
  else if (!strcmp(s, "auth-user")) o->authuser = eq ;
  else if (!strcmp(s, "auth-password-file")) o->authfile = eq ;
  else if (!strcmp(s, "mechanisms")) o->mechs = eq ;
  else if (!strcmp(s, "remote-hostname")) o->remotehost = eq ;
  return 0 ;  /* options this version does not know are ignored */
}

char const *so_line (sout *o, char const *const *w, unsigned int n)
{
  static char const *const methods[] = { "direct", "smtp", "submission", "submissions", "socks" } ;
  unsigned int m = 0 ;
  if (!n) return "empty transport" ;
  while (m < 5 && strcmp(w[0], methods[m])) m++ ;
  if (m == 5) return "unknown method" ;
  o->method = m ;
  o->tls = m == M_DIRECT || m == M_SOCKS ? T_OPPORTUNISTIC : m == M_SUBMISSIONS ? T_IMPLICIT : T_VERIFY ;
  if (m == M_DIRECT)
  {
    if (n > 2) return "too many words for direct" ;
    o->name = n == 2 ? w[1] : "direct" ;
    return 0 ;
  }
  if (n < 4) return "missing host, port or name" ;
  o->host = w[1] ; o->name = w[3] ;
  if (!uint0_scan(w[2], &o->port) || !o->port || o->port > 65535) return "bad port" ;
  for (unsigned int i = 4 ; i < n ; i++)
  {
    char const *r = option(o, (char *)w[i]) ;
    if (r) return r ;
  }
  if ((o->authuser != 0) != (o->authfile != 0)) return "auth-user needs auth-password-file" ;
  if (m == M_SOCKS && !o->remotehost) return "socks needs remote-hostname" ;
  return 0 ;
}
