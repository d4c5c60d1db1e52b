/* tern-imap-mime: ENVELOPE and BODY/BODYSTRUCTURE from a message.
   This session: envelope fields as strings, addresses parsed simply;
   a single-part structure from Content-Type. */
#include <string.h>
#include <strings.h>
#include "tern-imap.h"

/* the unfolded value of header field name in h: into sa, 1 found */
static int field (stralloc *sa, char const *h, size_t len, char const *name)
{
  size_t n = strlen(name), i = 0 ;
  sa->len = 0 ;
  while (i < len)
  {
    char const *nl = memchr(h + i, '\n', len - i) ;
    size_t e = nl ? (size_t)(nl - h) + 1 : len ;
    if (e - i > n && h[i+n] == ':' && !strncasecmp(h + i, name, n))
    {
      size_t v = i + n + 1 ;
      for (;;)
      {
        for (size_t k = v ; k < e ; k++)
          if (h[k] != '\r' && h[k] != '\n') { if (!stralloc_catb(sa, h[k] == '\t' ? " " : h + k, 1)) return 0 ; }
        if (e >= len || (h[e] != ' ' && h[e] != '\t')) break ;
        v = e ;
        nl = memchr(h + e, '\n', len - e) ;
        e = nl ? (size_t)(nl - h) + 1 : len ;
      }
      while (sa->len && sa->s[0] == ' ') { memmove(sa->s, sa->s + 1, --sa->len) ; }
      while (sa->len && sa->s[sa->len-1] == ' ') sa->len-- ;
      return 1 ;
    }
    i = e ;
  }
  return 0 ;
}

static void nstr (char const *h, size_t len, char const *name)
{
  stralloc sa = STRALLOC_ZERO ;
  if (field(&sa, h, len, name)) out_astring(sa.s, sa.len) ; else out_puts("NIL") ;
  stralloc_free(&sa) ;
}

/* one address "Name <l@d>" or "l@d" */
static void addr1 (char const *s, size_t len)
{
  char const *lt = memchr(s, '<', len), *at ;
  char const *name = 0, *a = s ;
  size_t nlen = 0, alen = len ;
  if (lt)
  {
    char const *gt = memchr(lt, '>', len - (size_t)(lt - s)) ;
    name = s ; nlen = (size_t)(lt - s) ;
    while (nlen && name[nlen-1] == ' ') nlen-- ;
    if (nlen >= 2 && name[0] == '"' && name[nlen-1] == '"') { name++ ; nlen -= 2 ; }
    a = lt + 1 ; alen = gt ? (size_t)(gt - a) : len - (size_t)(a - s) ;
  }
  while (alen && *a == ' ') { a++ ; alen-- ; }
  while (alen && a[alen-1] == ' ') alen-- ;
  at = memchr(a, '@', alen) ;
  out_puts("(") ;
  if (nlen) out_astring(name, nlen) ; else out_puts("NIL") ;
  out_puts(" NIL ") ;
  out_astring(a, at ? (size_t)(at - a) : alen) ;
  out_puts(" ") ;
  if (at) out_astring(at + 1, alen - (size_t)(at + 1 - a)) ; else out_puts("NIL") ;
  out_puts(")") ;
}

static void addrs (char const *h, size_t len, char const *name, char const *dflt)
{
  stralloc sa = STRALLOC_ZERO ;
  size_t i = 0, st = 0 ;
  int q = 0, ang = 0, n = 0 ;
  if (!field(&sa, h, len, name) && !(dflt && field(&sa, h, len, dflt))) { out_puts("NIL") ; stralloc_free(&sa) ; return ; }
  out_puts("(") ;
  for (i = 0 ; i <= sa.len ; i++)
  {
    char c = i < sa.len ? sa.s[i] : ',' ;
    if (c == '"') q = !q ;
    else if (!q && c == '<') ang = 1 ;
    else if (!q && c == '>') ang = 0 ;
    else if (!q && !ang && c == ',')
    {
      if (i > st) { addr1(sa.s + st, i - st) ; n++ ; }
      st = i + 1 ;
    }
  }
  out_puts(")") ;
  stralloc_free(&sa) ;
  (void)n ;
}

void mime_envelope (char const *h, size_t len)
{
  out_puts("(") ;
  nstr(h, len, "Date") ; out_puts(" ") ;
  nstr(h, len, "Subject") ; out_puts(" ") ;
  addrs(h, len, "From", 0) ; out_puts(" ") ;
  addrs(h, len, "Sender", "From") ; out_puts(" ") ;
  addrs(h, len, "Reply-To", "From") ; out_puts(" ") ;
  addrs(h, len, "To", 0) ; out_puts(" ") ;
  addrs(h, len, "Cc", 0) ; out_puts(" ") ;
  addrs(h, len, "Bcc", 0) ; out_puts(" ") ;
  nstr(h, len, "In-Reply-To") ; out_puts(" ") ;
  nstr(h, len, "Message-ID") ;
  out_puts(")") ;
}

void mime_structure (char const *s, size_t len, int ext)
{
  size_t lines = 0, hl = 0 ;
  for (size_t i = 0 ; i + 1 < len ; i++)
    if (s[i] == '\n' && (s[i+1] == '\n' || (s[i+1] == '\r' && i + 2 < len && s[i+2] == '\n'))) { hl = i + (s[i+1] == '\n' ? 2 : 3) ; break ; }
  for (size_t i = hl ; i < len ; i++) if (s[i] == '\n') lines++ ;
  out_puts("(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" ") ;
  out_u64(len - hl) ; out_puts(" ") ; out_u64(lines) ;
  if (ext) out_puts(" NIL NIL NIL NIL") ;
  out_puts(")") ;
}
