/* tern-imap-env: header fields and the ENVELOPE of a message (RFC 3501
   7.4.2), as IMAP text appended to a stralloc.  No I/O; bounded by the
   header's size. */
#include <string.h>
#include <strings.h>
#include "tern-imap.h"

int mime_catstring (stralloc *sa, char const *s, size_t len)
{
  size_t i ;
  for (i = 0 ; i < len ; i++)
    if (s[i] == '\r' || s[i] == '\n' || !s[i] || (unsigned char)s[i] >= 0x80) break ;
  if (i < len || len > 1000)
  {
    char fmt[24] ;
    size_t n = 0 ;
    uint64_t x = len ;
    do fmt[sizeof fmt - ++n] = (char)('0' + x % 10) ; while (x /= 10) ;
    return stralloc_catb(sa, "{", 1) && stralloc_catb(sa, fmt + sizeof fmt - n, n)
      && stralloc_catb(sa, "}\r\n", 3) && stralloc_catb(sa, s, len) ;
  }
  if (!stralloc_catb(sa, "\"", 1)) return 0 ;
  for (i = 0 ; i < len ; i++)
    if (((s[i] == '"' || s[i] == '\\') && !stralloc_catb(sa, "\\", 1)) || !stralloc_catb(sa, s + i, 1)) return 0 ;
  return stralloc_catb(sa, "\"", 1) ;
}

/* the unfolded, trimmed value of the first field name in h into v: 1 found */
int mime_field (stralloc *v, char const *h, size_t len, char const *name)
{
  size_t n = strlen(name), i = 0 ;
  v->len = 0 ;
  while (i < len)
  {
    char const *nl = memchr(h + i, '\n', len - i) ;
    size_t e = nl ? (size_t)(nl - h) + 1 : len ;
    if (e - i > n && h[i+n] == ':' && !strncasecmp(h + i, name, n))
    {
      size_t k = i + n + 1, st ;
      for (;;)
      {
        for (; k < e ; k++)
          if (h[k] != '\r' && h[k] != '\n' && !stralloc_catb(v, h[k] == '\t' ? " " : h + k, 1)) return 0 ;
        if (e >= len || (h[e] != ' ' && h[e] != '\t')) break ;
        nl = memchr(h + e, '\n', len - e) ;
        e = nl ? (size_t)(nl - h) + 1 : len ;
      }
      for (st = 0 ; st < v->len && v->s[st] == ' ' ; st++) ;
      if (st) memmove(v->s, v->s + st, v->len - st) ;
      v->len -= st ;
      while (v->len && v->s[v->len-1] == ' ') v->len-- ;
      return 1 ;
    }
    i = e ;
  }
  return 0 ;
}

static int nstring (stralloc *sa, char const *s, size_t len)
{
  return s ? mime_catstring(sa, s, len) : stralloc_cats(sa, "NIL") ;
}

/* skips a comment "(...)" (nested) at s[*i] */
static void comment (char const *s, size_t len, size_t *i)
{
  unsigned int depth = 0 ;
  for (; *i < len ; (*i)++)
  {
    if (s[*i] == '\\') { (*i)++ ; continue ; }
    if (s[*i] == '(') depth++ ;
    else if (s[*i] == ')' && !--depth) { (*i)++ ; return ; }
  }
}

/* one mailbox s[0..len): "Name <l@d>", "l@d", "<l@d>", comments dropped */
static int mailbox (stralloc *sa, char const *s, size_t len)
{
  stralloc name = STRALLOC_ZERO, addr = STRALLOC_ZERO ;
  stralloc *cur = &name ;
  char const *at ;
  int ok = 1, angle = 0 ;
  for (size_t i = 0 ; i < len && ok ;)
  {
    char c = s[i] ;
    if (c == '(') { comment(s, len, &i) ; continue ; }
    if (c == '"')
    {
      for (i++ ; i < len && s[i] != '"' && ok ; i++)
      {
        if (s[i] == '\\' && i + 1 < len) i++ ;
        ok = stralloc_catb(cur, s + i, 1) ;
      }
      i++ ;
      continue ;
    }
    if (c == '<') { angle = 1 ; cur = &addr ; i++ ; continue ; }
    if (c == '>') { cur = &name ; i++ ; continue ; }
    if ((c == ' ' || c == '\t') && (cur == &addr || !cur->len || cur->s[cur->len-1] == ' ')) { i++ ; continue ; }
    ok = stralloc_catb(cur, c == '\t' ? " " : &c, 1) ;
    i++ ;
  }
  if (!angle) { stralloc t = name ; name = addr ; addr = t ; }
  while (name.len && name.s[name.len-1] == ' ') name.len-- ;
  while (addr.len && addr.s[addr.len-1] == ' ') addr.len-- ;
  at = addr.len ? memchr(addr.s, '@', addr.len) : 0 ;
  ok = ok && stralloc_cats(sa, "(") && nstring(sa, name.len ? name.s : 0, name.len) && stralloc_cats(sa, " NIL ")
    && mime_catstring(sa, addr.s ? addr.s : "", at ? (size_t)(at - addr.s) : addr.len) && stralloc_cats(sa, " ")
    && nstring(sa, at ? at + 1 : 0, at ? addr.len - (size_t)(at + 1 - addr.s) : 0) && stralloc_cats(sa, ")") ;
  stralloc_free(&name) ;
  stralloc_free(&addr) ;
  return ok ;
}

/* an address list; groups "name: a, b;" become start and end markers */
static int addrlist (stralloc *sa, char const *h, size_t len, char const *name, char const *dflt)
{
  stralloc v = STRALLOC_ZERO ;
  size_t st = 0, n = 0 ;
  int q = 0, ok = 1 ;
  if ((!mime_field(&v, h, len, name) || !v.len) && !(dflt && mime_field(&v, h, len, dflt) && v.len))
  {
    stralloc_free(&v) ;
    return stralloc_cats(sa, "NIL") ;
  }
  ok = stralloc_cats(sa, "(") ;
  for (size_t i = 0 ; i <= v.len && ok ; i++)
  {
    char c = i < v.len ? v.s[i] : ',' ;
    if (c == '\\' && q) { i++ ; continue ; }
    if (c == '"') q = !q ;
    else if (q) continue ;
    else if (c == '(') { comment(v.s, v.len, &i) ; i-- ; }
    else if (c == '<') { while (i < v.len && v.s[i] != '>') i++ ; }
    else if (c == ':')
    {
      char const *g = v.s + st ;
      size_t gl = i - st ;
      while (gl && *g == ' ') { g++ ; gl-- ; }
      ok = stralloc_cats(sa, "(NIL NIL ") && mime_catstring(sa, g, gl) && stralloc_cats(sa, " NIL)") ;
      st = i + 1 ; n++ ;
    }
    else if (c == ',' || c == ';')
    {
      size_t k = st ;
      while (k < i && v.s[k] == ' ') k++ ;
      if (k < i) { ok = mailbox(sa, v.s + k, i - k) ; n++ ; }
      if (c == ';' && ok) ok = stralloc_cats(sa, "(NIL NIL NIL NIL)") ;
      st = i + 1 ;
    }
  }
  if (ok && !n) { sa->len-- ; ok = stralloc_cats(sa, "NIL") ; }
  else if (ok) ok = stralloc_cats(sa, ")") ;
  stralloc_free(&v) ;
  return ok ;
}

static int nfield (stralloc *sa, char const *h, size_t len, char const *name)
{
  stralloc v = STRALLOC_ZERO ;
  int ok = mime_field(&v, h, len, name) ? mime_catstring(sa, v.s ? v.s : "", v.len) : stralloc_cats(sa, "NIL") ;
  stralloc_free(&v) ;
  return ok ;
}

int mime_envelope (stralloc *sa, char const *h, size_t len)
{
  return stralloc_cats(sa, "(") && nfield(sa, h, len, "Date") && stralloc_cats(sa, " ")
    && nfield(sa, h, len, "Subject") && stralloc_cats(sa, " ")
    && addrlist(sa, h, len, "From", 0) && stralloc_cats(sa, " ")
    && addrlist(sa, h, len, "Sender", "From") && stralloc_cats(sa, " ")
    && addrlist(sa, h, len, "Reply-To", "From") && stralloc_cats(sa, " ")
    && addrlist(sa, h, len, "To", 0) && stralloc_cats(sa, " ")
    && addrlist(sa, h, len, "Cc", 0) && stralloc_cats(sa, " ")
    && addrlist(sa, h, len, "Bcc", 0) && stralloc_cats(sa, " ")
    && nfield(sa, h, len, "In-Reply-To") && stralloc_cats(sa, " ")
    && nfield(sa, h, len, "Message-ID") && stralloc_cats(sa, ")") ;
}
