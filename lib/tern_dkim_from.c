/* tern_dkim_from: the RFC5322.From domain, the d= of tern's signatures:
   the one From: field, its first mailbox, comments and quoted strings
   skipped, the domain in A-label form (tern_domain_parse). */
#include <string.h>
#include <strings.h>
#include "tern.h"
#include "tern_addr.h"
#include "tern_dkim.h"

typedef struct from_s from ;
struct from_s { unsigned int n ; char const *s ; size_t len ; } ;

static void field (char const *s, size_t len, char const *name, size_t nlen, void *aux)
{
  from *f = aux ;
  if (nlen != 4 || strncasecmp(name, "from", 4)) return ;
  f->n++ ;
  f->s = s ; f->len = len ;
}

/* the first mailbox's domain, outside comments, quotes and whitespace,
   into dom: 1, 0 none (or ENOMEM) */
static int locate (char const *s, size_t len, stralloc *dom)
{
  unsigned int depth = 0 ;
  int q = 0, at = 0 ;
  for (size_t i = 0 ; i < len ; i++)
  {
    char c = s[i] ;
    if ((q || depth) && c == '\\') { i++ ; continue ; }
    if (q) { if (c == '"') q = 0 ; continue ; }
    if (c == '(') { if (depth < 100) depth++ ; continue ; }
    if (depth) { if (c == ')') depth-- ; continue ; }
    if (c == '"') q = 1 ;
    else if (c == '<' || c == '@') { at = c == '@' ; dom->len = 0 ; }
    else if (c == '>' || c == ',' || c == ';') { if (at) break ; }
    else if (c != ' ' && c != '\t' && c != '\r' && c != '\n' && at && !stralloc_catb(dom, &c, 1)) return 0 ;
  }
  return at && dom->len ;
}

int tern_dkim_fromdomain (stralloc *sa, char const *hdr, size_t len)
{
  from f = { .n = 0 } ;
  stralloc u = STRALLOC_ZERO, d = STRALLOC_ZERO, raw = STRALLOC_ZERO ;
  char const *colon ;
  int r = 0 ;
  tern_dkim_fields(hdr, len, &field, &f) ;
  if (f.n != 1) return 0 ;
  colon = memchr(f.s, ':', f.len) ;
  if (colon && locate(colon + 1, f.len - (colon + 1 - f.s), &raw))
  {
    r = tern_domain_parse(&d, &u, raw.s, raw.len) ;
    if (r == TERN_OK) r = stralloc_catb(sa, d.s, d.len) && stralloc_0(sa) ? 1 : -1 ;
    else r = r == TERN_PERM ? 0 : -1 ;
  }
  stralloc_free(&u) ; stralloc_free(&d) ; stralloc_free(&raw) ;
  return r ;
}
