/* tern_spf_term_parse: one term of an SPF record (RFC 7208 4.6.1):
   a directive ([qualifier] mechanism) or a modifier (name=value). */
#include <string.h>
#include <strings.h>
#include <skalibs/fmtscan.h>
#include "tern_spf.h"

/* a decimal 0..max of 1 to 3 digits, the whole of s */
static int num (char const *s, size_t len, unsigned int max, unsigned int *n)
{
  unsigned int v = 0 ;
  if (!len || len > 3) return 0 ;
  for (size_t i = 0 ; i < len ; i++)
  {
    if (s[i] < '0' || s[i] > '9') return 0 ;
    v = v * 10 + (unsigned int)(s[i] - '0') ;
  }
  if (v > max || (len > 1 && s[0] == '0')) return 0 ;
  *n = v ;
  return 1 ;
}

/* "/n" and "//n" at the end of s (a and mx): shortens *len */
static int cidrs (char const *s, size_t *len, tern_spf_term *t)
{
  size_t n = *len, i = n ;
  while (i && s[i - 1] >= '0' && s[i - 1] <= '9') i-- ;
  if (i < n && i && s[i - 1] == '/')
  {
    int v6 = i >= 2 && s[i - 2] == '/' ;
    if (!num(s + i, n - i, v6 ? 128 : 32, v6 ? &t->cidr6 : &t->cidr4)) return 0 ;
    n = i - 1 - v6 ;
    if (v6)
    {
      i = n ;
      while (i && s[i - 1] >= '0' && s[i - 1] <= '9') i-- ;
      if (i < n && i && s[i - 1] == '/')
      {
        if (!num(s + i, n - i, 32, &t->cidr4)) return 0 ;
        n = i - 1 ;
      }
    }
  }
  *len = n ;
  return 1 ;
}

static int ipnet (char const *s, size_t len, tern_spf_term *t, int v6)
{
  char tmp[64] ;
  size_t slash = 0 ;
  while (slash < len && s[slash] != '/') slash++ ;
  if (!slash || slash >= sizeof tmp) return 0 ;
  memcpy(tmp, s, slash) ;
  tmp[slash] = 0 ;
  if ((v6 ? ip6_scan(tmp, t->ip) : ip4_scan(tmp, t->ip)) != slash) return 0 ;
  if (slash == len) return 1 ;
  return num(s + slash + 1, len - slash - 1, v6 ? 128 : 32, v6 ? &t->cidr6 : &t->cidr4) ;
}

/* name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." ) */
static int namechar (char c, size_t i)
{
  if ((c | 32) >= 'a' && (c | 32) <= 'z') return 1 ;
  return i && ((c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.') ;
}

static int modifier (char const *s, size_t n, size_t len, tern_spf_term *t)
{
  t->spec = s + n + 1 ; t->speclen = len - n - 1 ;
  if (n == 8 && !strncasecmp(s, "redirect", 8)) t->kind = TERN_SPFT_REDIRECT ;
  else if (n == 3 && !strncasecmp(s, "exp", 3)) t->kind = TERN_SPFT_EXP ;
  else t->kind = TERN_SPFT_UNKNOWNMOD ;
  return t->kind == TERN_SPFT_UNKNOWNMOD || t->speclen ;
}

int tern_spf_term_parse (char const *s, size_t len, tern_spf_term *t)
{
  static char const *const names[] = { "all", "include", "a", "mx", "ptr", "ip4", "ip6", "exists" } ;
  size_t n = 0 ;
  unsigned int k = 0 ;
  memset(t, 0, sizeof *t) ;
  t->qual = '+' ; t->cidr4 = 32 ; t->cidr6 = 128 ;
  if (!len) return 0 ;
  while (n < len && namechar(s[n], n)) n++ ;
  if (n && n < len && s[n] == '=') return modifier(s, n, len, t) ;
  if (strchr("+-~?", s[0])) { t->qual = s[0] ; s++ ; len-- ; }
  n = 0 ;
  while (n < len && s[n] != ':' && s[n] != '/') n++ ;
  while (k < 8 && (strlen(names[k]) != n || strncasecmp(s, names[k], n))) k++ ;
  if (k == 8) return 0 ;
  t->kind = k ;
  if (k == TERN_SPFT_IP4 || k == TERN_SPFT_IP6)
    return n < len && s[n] == ':' && ipnet(s + n + 1, len - n - 1, t, k == TERN_SPFT_IP6) ;
  if (k == TERN_SPFT_A || k == TERN_SPFT_MX)
  {
    size_t l = len ;
    if (!cidrs(s, &l, t) || l < n) return 0 ;
    len = l ;
  }
  if (n == len) return k != TERN_SPFT_INCLUDE && k != TERN_SPFT_EXISTS ;
  if (s[n] != ':' || n + 1 == len || k == TERN_SPFT_ALL) return 0 ;
  t->spec = s + n + 1 ; t->speclen = len - n - 1 ;
  return 1 ;
}
