/* tern-sendmail-id.c: who sends and from where (login name, hostname), and
   the header fields tern-sendmail adds: From, Date, Message-ID, Received. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <pwd.h>
#include <sys/utsname.h>
#include <skalibs/types.h>
#include <skalibs/tai.h>
#include "tern.h"
#include "tern_conf.h"
#include "tern_date.h"
#include "tern_crypto.h"
#include "tern-sendmail.h"

char const *sm_login (void)
{
  static char buf[UINT_FMT + 4] = "uid" ;
  struct passwd *pw = getpwuid(getuid()) ;
  char const *x ;
  if (pw && pw->pw_name && *pw->pw_name) return pw->pw_name ;
  x = getenv("LOGNAME") ;
  if (!x || !*x) x = getenv("USER") ;
  if (x && *x) return x ;
  buf[3 + uint_fmt(buf + 3, getuid())] = 0 ;
  return buf ;
}

char const *sm_hostname (char const *confdir)
{
  static stralloc sa = STRALLOC_ZERO ;
  static struct utsname u ;
  if (confdir)
  {
    tern_conf c ;
    if (tern_conf_open(&c, confdir) > 0)
    {
      int r = tern_conf_global(&c, "hostname", &sa) > 0 && stralloc_0(&sa) ;
      tern_conf_close(&c) ;
      if (r) return sa.s ;
    }
  }
  if (uname(&u) < 0 || !u.nodename[0]) return "localhost" ;
  return u.nodename ;
}

/* a display name: atoms as they are, else a quoted string; 8-bit as
   RFC 2047 encoded words (whole UTF-8 characters each); controls as blanks */
static int phrase (stralloc *sa, char const *s)
{
  size_t n = strlen(s) ;
  int quote = 0, high = 0 ;
  for (size_t i = 0 ; i < n ; i++)
  {
    unsigned char c = s[i] ;
    high |= c > 127 ;
    if (c < 128 && !(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') && !(c >= '0' && c <= '9') && !strchr(" !#$%&'*+-/=?^_`{|}~", c)) quote = 1 ;
  }
  if (high)
    for (size_t i = 0 ; i < n ;)
    {
      size_t k = i + 45 < n ? i + 45 : n ;
      while (k < n && k > i + 1 && ((unsigned char)s[k] & 0xc0) == 0x80) k-- ;
      if ((i && !stralloc_catb(sa, " ", 1)) || !stralloc_cats(sa, "=?UTF-8?B?") || !tern_b64_cat(sa, s + i, k - i)
       || !stralloc_cats(sa, "?=")) return 0 ;
      i = k ;
    }
  else
  {
    if (quote && !stralloc_catb(sa, "\"", 1)) return 0 ;
    for (size_t i = 0 ; i < n ; i++)
    {
      char c = (unsigned char)s[i] < 32 || s[i] == 127 ? ' ' : s[i] ;
      if ((quote && (c == '"' || c == '\\') && !stralloc_catb(sa, "\\", 1)) || !stralloc_catb(sa, &c, 1)) return 0 ;
    }
    if (quote && !stralloc_catb(sa, "\"", 1)) return 0 ;
  }
  return 1 ;
}

static int date (stralloc *sa)
{
  char d[TERN_DATE_FMT] ;
  tern_date_fmt(d, (uint64_t)time(0)) ;
  return stralloc_cats(sa, d) ;
}

int sm_addfields (stralloc *sa, smmsg const *m, char const *from, char const *name, char const *host)
{
  if (!m->hasfrom)
  {
    if (!stralloc_cats(sa, "From: ")) return 0 ;
    if (name && *name && (!phrase(sa, name) || !stralloc_cats(sa, " <"))) return 0 ;
    if (!stralloc_cats(sa, from) || (name && *name && !stralloc_cats(sa, ">")) || !stralloc_cats(sa, "\r\n")) return 0 ;
  }
  if (!m->hasdate && (!stralloc_cats(sa, "Date: ") || !date(sa) || !stralloc_cats(sa, "\r\n"))) return 0 ;
  if (!m->hasmsgid)
  {
    char fmt[UINT64_XFMT + 1 + PID_FMT + 1] ;
    unsigned char rnd[8] ;
    size_t n = uint64_xfmt(fmt, (uint64_t)time(0)) ;
    fmt[n++] = '.' ;
    n += pid_fmt(fmt + n, getpid()) ;
    fmt[n++] = '.' ;
    tern_random(rnd, sizeof rnd) ;
    if (!stralloc_cats(sa, "Message-ID: <") || !stralloc_catb(sa, fmt, n)) return 0 ;
    for (size_t i = 0 ; i < sizeof rnd ; i++)
      if (!stralloc_catb(sa, &"0123456789abcdef"[rnd[i] >> 4], 1) || !stralloc_catb(sa, &"0123456789abcdef"[rnd[i] & 15], 1)) return 0 ;
    if (!stralloc_cats(sa, "@") || !stralloc_cats(sa, host) || !stralloc_cats(sa, ">\r\n")) return 0 ;
  }
  return 1 ;
}

int sm_received (stralloc *sa, char const *host)
{
  char fmt[UINT_FMT] ;
  return stralloc_cats(sa, "Received: by ") && stralloc_cats(sa, host)
    && stralloc_cats(sa, " (tern-sendmail uid ") && stralloc_catb(sa, fmt, uint_fmt(fmt, getuid()))
    && stralloc_cats(sa, ");\r\n\t") && date(sa) && stralloc_cats(sa, "\r\n") ;
}
