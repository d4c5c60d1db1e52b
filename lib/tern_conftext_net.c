/* tern_conftext_net: domains, IP addresses and HOST:PORT in config values. */
#include <string.h>
#include <skalibs/fmtscan.h>
#include <skalibs/types.h>
#include "tern_addr.h"
#include "tern_conftext_int.h"

int tern_conftext_domain (tern_ctf *f, char const *s, size_t len, stralloc *out)
{
  stralloc a = STRALLOC_ZERO, u = STRALLOC_ZERO ;
  int r = tern_domain_parse(&a, &u, s, len) ;  /* replaces a: we append */
  if (r == TERN_OK && !stralloc_catb(out, a.s, a.len)) r = TERN_TEMP ;
  stralloc_free(&a) ;
  stralloc_free(&u) ;
  if (r == TERN_OK) return 1 ;
  if (r == TERN_TEMP) { f->nomem = 1 ; return 0 ; }
  {
    char tmp[len + 1] ;
    memcpy(tmp, s, len) ;
    tmp[len] = 0 ;
    tern_conftext_err(f, "bad domain: ", tmp, 0) ;
  }
  return 0 ;
}

int tern_conftext_ip (char const *s, size_t len)
{
  char tmp[len + 1] ;
  char ip[16] ;
  memcpy(tmp, s, len) ;
  tmp[len] = 0 ;
  if (len && memchr(s, ':', len)) return ip6_scan(tmp, ip) == len ;
  return len && ip4_scan(tmp, ip) == len ;
}

static int port (tern_ctf *f, char const *s, size_t len, unsigned int *p)
{
  char tmp[len + 1] ;
  uint64_t u ;
  memcpy(tmp, s, len) ;
  tmp[len] = 0 ;
  if (!tern_conftext_uint(f, "port", tmp, 1, 65535, &u)) return 0 ;
  *p = (unsigned int)u ;
  return 1 ;
}

int tern_conftext_hostport (tern_ctf *f, char const *s, unsigned int defport, int needport, int needip, stralloc *out)
{
  size_t len = strlen(s), hlen ;
  char const *h = s, *colon ;
  unsigned int p = defport ;
  if (s[0] == '[')
  {
    char const *end = strchr(s, ']') ;
    if (!end || !tern_conftext_ip(s + 1, end - s - 1) || !memchr(s, ':', end - s)) goto badhost ;
    h = s + 1 ; hlen = end - s - 1 ;
    colon = end[1] == ':' ? end + 1 : 0 ;
    if (end[1] && !colon) goto badhost ;
  }
  else
  {
    colon = strchr(s, ':') ;
    hlen = colon ? (size_t)(colon - s) : len ;
    if (colon && strchr(colon + 1, ':')) goto badhost ;
  }
  if (colon) { if (!port(f, colon + 1, len - (colon + 1 - s), &p)) return 0 ; }
  else if (needport) { tern_conftext_err(f, "missing port in ", s, 0) ; return 0 ; }
  if (tern_conftext_ip(h, hlen)) { if (!stralloc_catb(out, h, hlen)) goto nomem ; }
  else if (needip) goto badhost ;
  else if (!tern_conftext_domain(f, h, hlen, out)) return 0 ;
  {
    char fmt[UINT_FMT] ;
    if (!stralloc_catb(out, " ", 1) || !stralloc_catb(out, fmt, uint_fmt(fmt, p))) goto nomem ;
  }
  return 1 ;
 badhost:
  tern_conftext_err(f, "bad host in ", s, 0) ;
  return 0 ;
 nomem:
  f->nomem = 1 ;
  return 0 ;
}
