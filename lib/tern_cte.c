/* tern_cte_kind, tern_cte_decode: a part's Content-Transfer-Encoding and
   its decoding (tern_mime.h). */
#include <string.h>
#include <strings.h>
#include <skalibs/stralloc.h>
#include "tern_crypto.h"
#include "tern_mime.h"

int tern_cte_kind (char const *hdr, size_t len)
{
  static char const name[] = "content-transfer-encoding:" ;
  size_t n = sizeof name - 1 ;
  for (size_t i = 0 ; i < len ; )
  {
    char const *nl = memchr(hdr + i, '\n', len - i) ;
    size_t e = nl ? (size_t)(nl - hdr) + 1 : len, a, b ;
    if (e - i <= n || strncasecmp(hdr + i, name, n)) { i = e ; continue ; }
    for (a = i + n ; a < e && (hdr[a] == ' ' || hdr[a] == '\t') ; a++) ;
    for (b = a ; b < e && hdr[b] != ' ' && hdr[b] != '\t' && hdr[b] != '\r' && hdr[b] != '\n' && hdr[b] != ';' && hdr[b] != '(' ; b++) ;
    b -= a ;
    if (b == 6 && !strncasecmp(hdr + a, "base64", 6)) return TERN_CTE_BASE64 ;
    if (b == 16 && !strncasecmp(hdr + a, "quoted-printable", 16)) return TERN_CTE_QP ;
    if ((b == 4 && (!strncasecmp(hdr + a, "7bit", 4) || !strncasecmp(hdr + a, "8bit", 4)))
     || (b == 6 && !strncasecmp(hdr + a, "binary", 6)) || !b) return TERN_CTE_NONE ;
    return -1 ;
  }
  return TERN_CTE_NONE ;
}

static int b64 (stralloc *out, char const *s, size_t len)
{
  unsigned int acc = 0, bits = 0 ;
  if (!stralloc_readyplus(out, len / 4 * 3 + 3)) return 0 ;
  for (size_t i = 0 ; i < len && s[i] != '=' ; i++)
  {
    unsigned char c = (unsigned char)s[i] ;
    int v = c >= 'A' && c <= 'Z' ? c - 'A' : c >= 'a' && c <= 'z' ? c - 'a' + 26
      : c >= '0' && c <= '9' ? c - '0' + 52 : c == '+' ? 62 : c == '/' ? 63 : -1 ;
    if (v < 0) continue ;
    acc = (acc << 6 | (unsigned int)v) & 0xffffff ;
    bits += 6 ;
    if (bits >= 8) { bits -= 8 ; out->s[out->len++] = (char)(acc >> bits) ; }
  }
  return 1 ;
}

static int qp (stralloc *out, char const *s, size_t len)
{
  if (!stralloc_readyplus(out, len)) return 0 ;
  for (size_t i = 0 ; i < len ; i++)
  {
    char c = s[i] ;
    if (c == ' ' || c == '\t')
    {
      /* blanks ending a line (or the text) were added in transport: gone
         (RFC 2045 6.7 rule 3); others are kept, all at once */
      size_t j = i + 1 ;
      while (j < len && (s[j] == ' ' || s[j] == '\t')) j++ ;
      if (j < len && s[j] != '\n' && (s[j] != '\r' || j + 1 >= len || s[j+1] != '\n'))
      {
        memcpy(out->s + out->len, s + i, j - i) ;
        out->len += j - i ;
      }
      i = j - 1 ;
      continue ;
    }
    if (c == '=')
    {
      size_t j = i + 1 ;
      while (j < len && (s[j] == ' ' || s[j] == '\t')) j++ ;  /* "=" then blanks then the line end */
      if (j < len && s[j] == '\n') { i = j ; continue ; }
      if (j + 1 < len && s[j] == '\r' && s[j+1] == '\n') { i = j + 1 ; continue ; }
      unsigned char b ;
      if (i + 2 < len && tern_hex_scan(&b, 1, s + i + 1))
      {
        c = (char)b ;
        i += 2 ;
      }
    }
    out->s[out->len++] = c ;
  }
  return 1 ;
}

int tern_cte_decode (stralloc *out, char const *s, size_t len, int cte)
{
  if (cte == TERN_CTE_BASE64) return b64(out, s, len) ;
  if (cte == TERN_CTE_QP) return qp(out, s, len) ;
  return stralloc_catb(out, s, len) ;
}
