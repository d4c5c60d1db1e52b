/* tern-smtp-in-parse: the command parsers of tern-smtp-in, with no I/O so
   that fuzz/fuzz-smtpin.c can run them: verbs, MAIL/RCPT paths and
   parameters, HELO names, BDAT arguments. */
#include <string.h>
#include <stdint.h>
#include "tern.h"
#include "tern_addr.h"
#include "tern-smtp-in.h"

static struct { char const *name ; int verb ; } const verbs[] =
{
  { "EHLO", V_EHLO }, { "HELO", V_HELO }, { "MAIL", V_MAIL }, { "RCPT", V_RCPT },
  { "DATA", V_DATA }, { "BDAT", V_BDAT }, { "RSET", V_RSET }, { "NOOP", V_NOOP },
  { "QUIT", V_QUIT }, { "VRFY", V_VRFY }, { "HELP", V_HELP }, { "STARTTLS", V_STARTTLS },
  { "AUTH", V_AUTH }, { "EXPN", V_EXPN }, { 0, 0 }
} ;

static char up (char c)
{
  return c >= 'a' && c <= 'z' ? c - 32 : c ;
}

/* 1 if s (len) starts with the upper-case word w, in any case */
static int prefix (char const *s, size_t len, char const *w)
{
  size_t n = strlen(w) ;
  if (len < n) return 0 ;
  for (size_t i = 0 ; i < n ; i++) if (up(s[i]) != w[i]) return 0 ;
  return 1 ;
}

int smtp_verb (char const *line, size_t len, size_t *arg)
{
  size_t n = 0 ;
  int v = V_UNKNOWN ;
  while (n < len && line[n] != ' ') n++ ;
  for (unsigned int i = 0 ; verbs[i].name ; i++)
    if (strlen(verbs[i].name) == n && prefix(line, len, verbs[i].name)) { v = verbs[i].verb ; break ; }
  *arg = n < len ? n + 1 : n ;
  if (v == V_MAIL || v == V_RCPT)
  {
    char const *w = v == V_MAIL ? "FROM:" : "TO:" ;
    if (n != 4 || n >= len || !prefix(line + 5, len - 5, w)) return V_UNKNOWN ;
    n = 5 + strlen(w) ;
    while (n < len && line[n] == ' ') n++ ;  /* "MAIL FROM: <a@b>" is common */
    *arg = n ;
  }
  return v ;
}

/* the value of xtext param "KEY=" */
static int param (char const *s, size_t len, char const *key, char const **v, size_t *vlen)
{
  size_t n = strlen(key) ;
  if (!prefix(s, len, key)) return 0 ;
  *v = s + n ; *vlen = len - n ;
  return 1 ;
}

static char const *oneparam (char const *s, size_t len, smtp_mailparams *p, unsigned int *seen)
{
  char const *v ;
  size_t vlen ;
  if (param(s, len, "SIZE=", &v, &vlen))
  {
    if (*seen & 1 || !vlen) return "501 5.5.4 bad SIZE parameter" ;
    *seen |= 1 ;
    for (size_t i = 0 ; i < vlen ; i++)
    {
      if (v[i] < '0' || v[i] > '9') return "501 5.5.4 bad SIZE parameter" ;
      if (p->size > (UINT64_MAX - 9) / 10) { p->size = UINT64_MAX ; continue ; }
      p->size = p->size * 10 + (v[i] - '0') ;
    }
    return 0 ;
  }
  if (param(s, len, "BODY=", &v, &vlen))
  {
    if (*seen & 2) return "501 5.5.4 BODY given twice" ;
    *seen |= 2 ;
    if (vlen == 4 && prefix(v, vlen, "7BIT")) return 0 ;
    if (vlen == 8 && prefix(v, vlen, "8BITMIME")) { p->body8 = 1 ; return 0 ; }
    return "501 5.5.4 unknown BODY value" ;
  }
  if (len == 8 && prefix(s, len, "SMTPUTF8"))
  {
    if (*seen & 4) return "501 5.5.4 SMTPUTF8 given twice" ;
    *seen |= 4 ; p->utf8 = 1 ; return 0 ;
  }
  if (param(s, len, "AUTH=", &v, &vlen)) return 0 ;  /* RFC 4954 5: may be ignored */
  return "555 5.5.4 unknown MAIL parameter" ;
}

static int hasbyte8 (char const *s, size_t len)
{
  for (size_t i = 0 ; i < len ; i++) if ((unsigned char)s[i] >= 0x80) return 1 ;
  return 0 ;
}

/* The path at s, then " PARAM PARAM..." */
char const *smtp_parse_mail (tern_addr *a, char const *s, size_t len, smtp_mailparams *p)
{
  size_t used, i ;
  unsigned int seen = 0 ;
  int r ;
  p->size = 0 ; p->body8 = p->utf8 = 0 ;
  if (memchr(s, 0, len)) return "501 5.5.2 NUL in command" ;
  r = tern_path_parse(a, s, len, TERN_ADDR_UTF8 | TERN_ADDR_NULLOK, &used) ;
  if (r == TERN_TEMP) return "451 4.3.0 out of memory" ;
  if (r) return "501 5.1.7 bad sender address syntax" ;
  for (i = used ; i < len ;)
  {
    size_t start ;
    char const *e ;
    if (s[i++] != ' ') return "501 5.5.2 syntax error after the address" ;
    while (i < len && s[i] == ' ') i++ ;
    for (start = i ; i < len && s[i] != ' ' ; i++) ;
    if (i == start) continue ;
    e = oneparam(s + start, i - start, p, &seen) ;
    if (e) return e ;
  }
  if (!p->utf8 && hasbyte8(s, used)) return "553 5.6.7 non-ASCII address without SMTPUTF8" ;
  return 0 ;
}

char const *smtp_parse_rcpt (tern_addr *a, char const *s, size_t len, int utf8)
{
  size_t used ;
  int r ;
  if (memchr(s, 0, len)) return "501 5.5.2 NUL in command" ;
  r = tern_path_parse(a, s, len, TERN_ADDR_UTF8 | TERN_ADDR_NODOM, &used) ;
  if (r == TERN_TEMP) return "451 4.3.0 out of memory" ;
  if (r) return "501 5.1.3 bad recipient address syntax" ;
  while (used < len && s[used] == ' ') used++ ;
  if (used < len) return "555 5.5.4 RCPT parameters are not supported" ;
  if (!utf8 && hasbyte8(s, len)) return "553 5.6.7 non-ASCII address without SMTPUTF8" ;
  return 0 ;
}

/* letters, digits, ".-_:[]": a name or an address literal, nothing that
   could break the Received: field */
char const *smtp_parse_helo (char const *s, size_t len)
{
  while (len && s[len - 1] == ' ') len-- ;
  if (!len) return "501 5.5.4 a name is required" ;
  if (len > 255) return "501 5.5.4 name too long" ;
  for (size_t i = 0 ; i < len ; i++)
  {
    char c = s[i] ;
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
      || c == '.' || c == '-' || c == '_' || c == ':' || c == '[' || c == ']'))
      return "501 5.5.4 invalid name" ;
  }
  return 0 ;
}

char const *smtp_parse_bdat (char const *s, size_t len, uint64_t *size, int *last)
{
  size_t i = 0 ;
  *size = 0 ; *last = 0 ;
  if (!len || s[0] < '0' || s[0] > '9') return "501 5.5.4 BDAT needs a size" ;
  for (; i < len && s[i] >= '0' && s[i] <= '9' ; i++)
  {
    if (i >= 18) return "501 5.5.4 BDAT size too large" ;
    *size = *size * 10 + (s[i] - '0') ;
  }
  while (i < len && s[i] == ' ') i++ ;
  if (i == len) return 0 ;
  if (len - i == 4 && prefix(s + i, 4, "LAST")) { *last = 1 ; return 0 ; }
  return "501 5.5.4 bad BDAT argument" ;
}
