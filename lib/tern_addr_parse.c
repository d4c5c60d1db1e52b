/* tern_addr_parse: a Mailbox (RFC 5321 4.1.2, RFC 6531): a Dot-string or
   Quoted-string localpart, "@", then a domain or an address literal. */
#include <string.h>
#include <skalibs/bytestr.h>
#include "tern.h"
#include "tern_addr.h"
#include "tern_utf8.h"

/* s[0] is '"': append the content, quoted-pairs resolved, to sa;
   *used gets the length with both quotes */
static int quoted (stralloc *sa, char const *s, size_t len, size_t *used)
{
  size_t i = 1 ;
  while (i < len)
  {
    unsigned char c = s[i] ;
    size_t n = 1 ;
    uint32_t cp ;
    if (c == '"') { *used = i + 1 ; return TERN_OK ; }
    if (c == '\\')
    {
      if (++i >= len || (unsigned char)s[i] < 32 || (unsigned char)s[i] > 126) return TERN_PERM ;
    }
    else if (c >= 0x80)
    {
      n = tern_utf8_dec(s + i, len - i, &cp) ;
      if (!n || cp < 0xa0) return TERN_PERM ;
    }
    else if (c < 32 || c > 126) return TERN_PERM ;
    if (!stralloc_catb(sa, s + i, n)) return TERN_TEMP ;
    i += n ;
  }
  return TERN_PERM ;
}

static int domain (tern_addr *a, char const *s, size_t len)
{
  int r ;
  if (len && s[0] == '[')
  {
    r = tern_addr_literal(&a->domain, s, len) ;
    if (r) return r ;
    a->flags |= TERN_ADDRF_LITERAL ;
    a->udomain.len = 0 ;
    return stralloc_catb(&a->udomain, a->domain.s, a->domain.len) ? TERN_OK : TERN_TEMP ;
  }
  r = tern_domain_parse(&a->domain, &a->udomain, s, len) ;
  if (!r && (a->domain.len != a->udomain.len
   || memcmp(a->domain.s, a->udomain.s, a->domain.len))) a->flags |= TERN_ADDRF_IDN ;
  return r ;
}

int tern_addr_parse (tern_addr *a, char const *s, size_t len, unsigned int opts)
{
  size_t i, at ;
  int r ;
  a->local.len = a->domain.len = a->udomain.len = 0 ;
  a->flags = 0 ;
  if (!(opts & TERN_ADDR_UTF8))
    for (i = 0 ; i < len ; i++) if ((unsigned char)s[i] >= 0x80) return TERN_PERM ;
  if (len && s[0] == '"')
  {
    r = quoted(&a->local, s, len, &at) ;
    if (r) return r ;
  }
  else
  {
    at = byte_chr(s, len, '@') ;
    if (!tern_addr_dotatom(s, at)) return TERN_PERM ;
    if (!stralloc_catb(&a->local, s, at)) return TERN_TEMP ;
  }
  if (!a->local.len || at > 64) return TERN_PERM ;
  if (!tern_addr_dotatom(a->local.s, a->local.len)) a->flags |= TERN_ADDRF_QUOTED ;
  for (i = 0 ; i < a->local.len ; i++)
    if ((unsigned char)a->local.s[i] >= 0x80) a->flags |= TERN_ADDRF_UTF8 ;
  if (at == len) return opts & TERN_ADDR_NODOM ? TERN_OK : TERN_PERM ;
  if (s[at] != '@') return TERN_PERM ;
  return domain(a, s + at + 1, len - at - 1) ;
}
