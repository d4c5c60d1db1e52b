/* tern-imap-env: header fields and the ENVELOPE of a message (RFC 3501
   7.4.2), as IMAP text appended to a stralloc.  No I/O; bounded by the
   header's size. */
#include <string.h>
#include <strings.h>
#include "tern_addrlist.h"
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

static int astring (stralloc *sa, tern_addrlist const *l, tern_alpart const *p, int nil)
{
  if (!p->len) return stralloc_cats(sa, nil ? "NIL" : "\"\"") ;
  return mime_catstring(sa, l->text.s + p->off, p->len) ;
}

/* an address list (tern_addrlist.h): mailboxes, group start and end markers */
static int addrlist (stralloc *sa, char const *h, size_t len, char const *name, char const *dflt)
{
  tern_addrlist l = TERN_ADDRLIST_ZERO ;
  stralloc v = STRALLOC_ZERO ;
  tern_addrent const *e ;
  size_t n ;
  int ok = 1 ;
  if ((!mime_field(&v, h, len, name) || !v.len) && !(dflt && mime_field(&v, h, len, dflt) && v.len)) v.len = 0 ;
  if (v.len) ok = tern_addrlist_parse(&l, v.s, v.len) ;
  e = genalloc_s(tern_addrent const, &l.ents) ;
  n = genalloc_len(tern_addrent, &l.ents) ;
  ok = ok && stralloc_cats(sa, n ? "(" : "NIL") ;
  for (size_t i = 0 ; i < n && ok ; i++)
  {
    if (e[i].kind == TERN_AL_END) ok = stralloc_cats(sa, "(NIL NIL NIL NIL)") ;
    else if (e[i].kind == TERN_AL_GROUP)
      ok = stralloc_cats(sa, "(NIL NIL ") && astring(sa, &l, &e[i].name, 0) && stralloc_cats(sa, " NIL)") ;
    else
      ok = stralloc_cats(sa, "(") && astring(sa, &l, &e[i].name, 1) && stralloc_cats(sa, " ")
        && astring(sa, &l, &e[i].route, 1) && stralloc_cats(sa, " ") && astring(sa, &l, &e[i].local, 0)
        && stralloc_cats(sa, " ") && (e[i].flags & TERN_ALF_DOMAIN ? astring(sa, &l, &e[i].domain, 0) : stralloc_cats(sa, "NIL"))
        && stralloc_cats(sa, ")") ;
  }
  ok = ok && (!n || stralloc_cats(sa, ")")) ;
  stralloc_free(&v) ;
  tern_addrlist_free(&l) ;
  return ok ;
}

/* the address fields name of header h in the search form of
   tern_addrlist_fmt, entries separated by ", ", appended to out: 1, or
   0 on ENOMEM */
int mime_addrtext (stralloc *out, char const *h, size_t len, char const *name)
{
  tern_addrlist l = TERN_ADDRLIST_ZERO ;
  stralloc v = STRALLOC_ZERO ;
  int ok = 1 ;
  if (mime_field(&v, h, len, name) && v.len) ok = tern_addrlist_parse(&l, v.s, v.len) ;
  for (size_t i = 0 ; ok && i < genalloc_len(tern_addrent, &l.ents) ; i++)
    ok = (!i || stralloc_catb(out, ", ", 2)) && tern_addrlist_fmt(out, &l, genalloc_s(tern_addrent, &l.ents) + i) ;
  stralloc_free(&v) ;
  tern_addrlist_free(&l) ;
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
