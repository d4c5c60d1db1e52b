/* tern_route_line: a transport's line, "METHOD HOST PORT NAME options",
   from its t:NAME and t:NAME:KEY entries in config.cdb (tern-route.8). */
#include <string.h>
#include "tern.h"
#include "tern_conf.h"
#include "tern_route.h"

/* Append value v, each space, control byte and % as %XX. */
static int escape (stralloc *out, char const *v, size_t len)
{
  static char const hex[] = "0123456789ABCDEF" ;
  for (size_t i = 0 ; i < len ; i++)
  {
    unsigned char c = (unsigned char)v[i] ;
    char x[3] = { '%', hex[c >> 4], hex[c & 15] } ;
    if (c <= ' ' || c == 0x7f || c == '%') { if (!stralloc_catb(out, x, 3)) return 0 ; }
    else if (!stralloc_catb(out, v + i, 1)) return 0 ;
  }
  return 1 ;
}

/* t:NAME:KEY into *d: 1 found, 0 absent, -1 error. */
static int setting (tern_conf const *c, char const *name, size_t len, char const *key, cdb_data *d)
{
  size_t klen = strlen(key) ;
  char k[len + klen + 3] ;
  k[0] = 't' ; k[1] = ':' ;
  memcpy(k + 2, name, len) ;
  k[2 + len] = ':' ;
  memcpy(k + 3 + len, key, klen) ;
  return tern_conf_find(c, k, len + klen + 3, d) ;
}

/* Append " OPT=value" for setting key, if set (or dflt): 1, -1 error. */
static int option (tern_conf const *c, char const *name, size_t len, char const *key, char const *opt, char const *dflt, stralloc *out)
{
  cdb_data d ;
  int r = setting(c, name, len, key, &d) ;
  if (r < 0) return -1 ;
  if (!r && !dflt) return 1 ;
  if (!r) { d.s = dflt ; d.len = strlen(dflt) ; }
  if (!stralloc_catb(out, " ", 1) || !stralloc_cats(out, opt) || !stralloc_catb(out, "=", 1)
   || !escape(out, d.s, d.len)) return -1 ;
  return 1 ;
}

static int starttls (tern_conf const *c, char const *name, size_t len, stralloc *out)
{
  cdb_data d ;
  int skip = setting(c, name, len, "starttls-skip-verify", &d) ;
  int none = skip ? 0 : setting(c, name, len, "no-starttls", &d) ;
  if (skip < 0 || none < 0) return -1 ;
  return stralloc_cats(out, skip ? " starttls=skip-verify" : none ? " starttls=none" : " starttls=verify") ? 1 : -1 ;
}

int tern_route_line (tern_conf const *c, char const *name, size_t len, stralloc *out)
{
  cdb_data d ;
  char k[len + 2] ;
  int r ;
  k[0] = 't' ; k[1] = ':' ;
  memcpy(k + 2, name, len) ;
  r = tern_conf_find(c, k, len + 2, &d) ;
  if (r <= 0) return r ;
  if (d.len == 6 && !memcmp(d.s, "direct", 6))
    return stralloc_cats(out, "direct ") && stralloc_catb(out, name, len) ? 1 : -1 ;
  if (!stralloc_catb(out, d.s, d.len) || !stralloc_catb(out, " ", 1) || !stralloc_catb(out, name, len)) return -1 ;
  if ((d.len > 5 && !memcmp(d.s, "smtp ", 5)) || (d.len > 11 && !memcmp(d.s, "submission ", 11)))
    if (starttls(c, name, len, out) < 0) return -1 ;
  if (d.len > 6 && !memcmp(d.s, "socks ", 6))
    return option(c, name, len, "socks-remote-hostname", "remote-hostname", 0, out) ;
  r = setting(c, name, len, "auth-user", &d) ;
  if (r <= 0) return r < 0 ? -1 : 1 ;
  if (option(c, name, len, "auth-user", "auth-user", 0, out) < 0
   || option(c, name, len, "auth-password-file", "auth-password-file", 0, out) < 0
   || option(c, name, len, "auth-mechanisms", "mechanisms", "SCRAM-SHA-256,SCRAM-SHA-1,CRAM-MD5", out) < 0) return -1 ;
  return 1 ;
}
