/* tern-imap-name: mailbox names between IMAP's modified UTF-7 (RFC 3501
   5.1.3) and the store's UTF-8.  No I/O; strict in both directions. */
#include <string.h>
#include "tern_utf8.h"
#include "tern-imap.h"

static char const b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+," ;

static int catcp (stralloc *out, uint32_t cp)
{
  char b[4] ;
  size_t n ;
  if (cp < 0x80) { b[0] = (char)cp ; n = 1 ; }
  else if (cp < 0x800) { b[0] = (char)(0xc0 | (cp >> 6)) ; b[1] = (char)(0x80 | (cp & 0x3f)) ; n = 2 ; }
  else if (cp < 0x10000) { b[0] = (char)(0xe0 | (cp >> 12)) ; b[1] = (char)(0x80 | ((cp >> 6) & 0x3f)) ; b[2] = (char)(0x80 | (cp & 0x3f)) ; n = 3 ; }
  else { b[0] = (char)(0xf0 | (cp >> 18)) ; b[1] = (char)(0x80 | ((cp >> 12) & 0x3f)) ; b[2] = (char)(0x80 | ((cp >> 6) & 0x3f)) ; b[3] = (char)(0x80 | (cp & 0x3f)) ; n = 4 ; }
  return stralloc_catb(out, b, n) ;
}

/* the base64 run s[0..len) (between & and -) as UTF-16 */
static int run (stralloc *out, char const *s, size_t len)
{
  uint32_t acc = 0, hi = 0 ;
  unsigned int bits = 0 ;
  if (!len) return 0 ;
  for (size_t i = 0 ; i < len ; i++)
  {
    char const *p = memchr(b64, s[i], 64) ;
    if (!s[i] || !p) return 0 ;
    acc = (acc << 6) | (uint32_t)(p - b64) ;
    bits += 6 ;
    if (bits >= 16)
    {
      uint32_t u = (acc >> (bits - 16)) & 0xffff ;
      bits -= 16 ;
      if (hi)
      {
        if (u < 0xdc00 || u > 0xdfff) return 0 ;
        if (!catcp(out, 0x10000 + ((hi - 0xd800) << 10) + (u - 0xdc00))) return 0 ;
        hi = 0 ;
      }
      else if (u >= 0xd800 && u <= 0xdbff) hi = u ;
      else if ((u >= 0xdc00 && u <= 0xdfff) || (u >= 0x20 && u <= 0x7e)) return 0 ;
      else if (!catcp(out, u)) return 0 ;
    }
  }
  /* leftover bits must be zero and fewer than 6 */
  if (hi || bits >= 6 || (acc & ((1u << bits) - 1))) return 0 ;
  return 1 ;
}

int imap_mutf7_decode (stralloc *out, char const *s, size_t len)
{
  size_t i = 0 ;
  out->len = 0 ;
  while (i < len)
  {
    unsigned char c = s[i] ;
    if (c < 0x20 || c > 0x7e) return 0 ;
    if (c != '&')
    {
      if (!stralloc_catb(out, s + i++, 1)) return 0 ;
      continue ;
    }
    {
      char const *e = memchr(s + i + 1, '-', len - i - 1) ;
      size_t n ;
      if (!e) return 0 ;
      n = (size_t)(e - s) - i - 1 ;
      if (!n) { if (!stralloc_catb(out, "&", 1)) return 0 ; }
      else if (!run(out, s + i + 1, n)) return 0 ;
      i += n + 2 ;
    }
  }
  return 1 ;
}

static int flush (stralloc *out, uint16_t const *u, size_t n)
{
  uint32_t acc = 0 ;
  unsigned int bits = 0 ;
  if (!stralloc_catb(out, "&", 1)) return 0 ;
  for (size_t i = 0 ; i < n ; i++)
  {
    acc = (acc << 16) | u[i] ;
    bits += 16 ;
    while (bits >= 6)
    {
      bits -= 6 ;
      if (!stralloc_catb(out, b64 + ((acc >> bits) & 63), 1)) return 0 ;
    }
  }
  if (bits && !stralloc_catb(out, b64 + ((acc << (6 - bits)) & 63), 1)) return 0 ;
  return stralloc_catb(out, "-", 1) ;
}

int imap_mutf7_encode (stralloc *out, char const *s, size_t len)
{
  uint16_t u[260] ;
  size_t n = 0, i = 0 ;
  out->len = 0 ;
  while (i < len)
  {
    uint32_t cp ;
    size_t k = tern_utf8_dec(s + i, len - i, &cp) ;
    if (!k) return 0 ;
    if (cp >= 0x20 && cp <= 0x7e)
    {
      if (n && !flush(out, u, n)) return 0 ;
      n = 0 ;
      if (!stralloc_catb(out, cp == '&' ? "&-" : s + i, cp == '&' ? 2 : 1)) return 0 ;
    }
    else
    {
      if (n >= 256) { if (!flush(out, u, n)) return 0 ; n = 0 ; }
      if (cp >= 0x10000) { u[n++] = (uint16_t)(0xd800 + ((cp - 0x10000) >> 10)) ; u[n++] = (uint16_t)(0xdc00 + ((cp - 0x10000) & 0x3ff)) ; }
      else u[n++] = (uint16_t)cp ;
    }
    i += k ;
  }
  return n ? flush(out, u, n) : 1 ;
}
