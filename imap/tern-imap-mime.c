/* tern-imap-mime: the MIME structure of a message: BODY and BODYSTRUCTURE
   (RFC 3501 7.4.2) as IMAP text, and the bytes of a section such as 2.1,
   2.MIME or 3.HEADER.  No I/O; recursion is capped at MIME_DEPTH, and each
   level only scans its own bytes for boundaries. */
#include <string.h>
#include <strings.h>
#include "tern-imap.h"

#define MIME_DEPTH 16

static size_t hdrlen (char const *s, size_t len)
{
  if (len >= 2 && s[0] == '\r' && s[1] == '\n') return 2 ;
  if (len >= 1 && s[0] == '\n') return 1 ;
  for (size_t i = 0 ; i + 1 < len ; i++)
  {
    char const *nl = memchr(s + i, '\n', len - 1 - i) ;
    if (!nl) break ;
    i = (size_t)(nl - s) ;
    if (s[i+1] == '\n') return i + 2 ;
    if (s[i+1] == '\r' && i + 2 < len && s[i+2] == '\n') return i + 3 ;
  }
  return len ;
}

/* Content-Type of an entity: type and subtype (lower case) and the
   parameters' text (after the first ';') */
typedef struct ctype_s ctype ;
struct ctype_s { char type[64], sub[64] ; stralloc v ; size_t params ; } ;

int mime_global = 0 ;

/* an attached message: message/rfc822, and message/global (RFC 6532)
   under IMAP4rev2 (RFC 9051's media-message) */
static int ismessage (ctype const *t)
{
  return !strcmp(t->type, "message") && (!strcmp(t->sub, "rfc822") || (mime_global && !strcmp(t->sub, "global"))) ;
}

static char const *ptail (ctype const *t)
{
  return t->v.s ? t->v.s + t->params : "" ;
}

static void gettype (ctype *t, char const *h, size_t hl, int digest)
{
  size_t i = 0, k = 0 ;
  strcpy(t->type, digest ? "message" : "text") ;
  strcpy(t->sub, digest ? "rfc822" : "plain") ;
  t->params = 0 ;
  if (!mime_field(&t->v, h, hl, "Content-Type")) { t->v.len = 0 ; return ; }
  while (i < t->v.len && t->v.s[i] != '/' && t->v.s[i] != ';' && t->v.s[i] != ' ' && k < 63) t->type[k++] = t->v.s[i++] | 0x20 ;
  if (i >= t->v.len || t->v.s[i] != '/' || !k) { strcpy(t->type, "text") ; strcpy(t->sub, "plain") ; }
  else
  {
    t->type[k] = 0 ; k = 0 ; i++ ;
    while (i < t->v.len && t->v.s[i] != ';' && t->v.s[i] != ' ' && k < 63) t->sub[k++] = t->v.s[i++] | 0x20 ;
    t->sub[k] = 0 ;
    if (!k) { strcpy(t->type, "text") ; strcpy(t->sub, "plain") ; }
  }
  while (i < t->v.len && t->v.s[i] != ';') i++ ;
  t->params = i ;
}

/* the next parameter of p (the text after the first ';') from *i: its
   name and its value (unquoted, into v); 1, or 0 at the end */
static int paramnext (char const *p, size_t len, size_t *i, char const **name, size_t *nl, stralloc *v)
{
  while (*i < len)
  {
    size_t ns, ne ;
    while (*i < len && (p[*i] == ';' || p[*i] == ' ')) (*i)++ ;
    ns = *i ;
    while (*i < len && p[*i] != '=' && p[*i] != ';') (*i)++ ;
    ne = *i ;
    while (ne > ns && p[ne-1] == ' ') ne-- ;
    if (*i >= len || p[*i] != '=') continue ;
    (*i)++ ;
    while (*i < len && p[*i] == ' ') (*i)++ ;
    v->len = 0 ;
    if (*i < len && p[*i] == '"')
    {
      for ((*i)++ ; *i < len && p[*i] != '"' ; (*i)++)
      {
        if (p[*i] == '\\' && *i + 1 < len) (*i)++ ;
        if (!stralloc_catb(v, p + *i, 1)) return 0 ;
      }
      (*i)++ ;
    }
    else
    {
      size_t vs = *i ;
      while (*i < len && p[*i] != ';' && p[*i] != ' ') (*i)++ ;
      if (!stralloc_catb(v, p + vs, *i - vs)) return 0 ;
    }
    if (ne == ns) continue ;
    *name = p + ns ;
    *nl = ne - ns ;
    return 1 ;
  }
  return 0 ;
}

static int param (stralloc *v, char const *p, size_t len, char const *name)
{
  size_t i = 0, n = strlen(name), nl ;
  char const *nm ;
  while (paramnext(p, len, &i, &nm, &nl, v))
    if (nl == n && !strncasecmp(nm, name, n)) return 1 ;
  return 0 ;
}

/* the next part of a multipart body: 1 and [*ps, *ps + *pl), or 0 at the end */
static int nextpart (char const *b, size_t len, char const *bd, size_t bl, size_t *pos, size_t *ps, size_t *pl)
{
  size_t i = *pos ;
  int first = 1 ;
  for (;;)
  {
    size_t e ;
    char const *nl ;
    if (i >= len)
    {
      if (first) return 0 ;
      *pl = len - *ps ;   /* no closing delimiter: the part runs to the end */
      *pos = len ;
      return 1 ;
    }
    nl = memchr(b + i, '\n', len - i) ;
    e = nl ? (size_t)(nl - b) + 1 : len ;
    if (e - i >= bl + 2 && b[i] == '-' && b[i+1] == '-' && !memcmp(b + i + 2, bd, bl))
    {
      int close = e - i >= bl + 4 && b[i+bl+2] == '-' && b[i+bl+3] == '-' ;
      if (!first)
      {
        size_t end = i ;
        if (end > *ps && b[end-1] == '\n') end-- ;
        if (end > *ps && b[end-1] == '\r') end-- ;
        *pl = end - *ps ;
        *pos = close ? len : i ;
        return 1 ;
      }
      if (close) return 0 ;
      *ps = e ;
      first = 0 ;
    }
    i = e ;
  }
}

static int upper (stralloc *sa, char const *s, size_t len)
{
  size_t st = sa->len ;
  if (!mime_catstring(sa, s, len)) return 0 ;
  for (size_t i = st ; i < sa->len ; i++) if (sa->s[i] >= 'a' && sa->s[i] <= 'z') sa->s[i] -= 32 ;
  return 1 ;
}

/* ("NAME" "value" ...) or NIL */
static int params (stralloc *sa, char const *p, size_t len)
{
  stralloc v = STRALLOC_ZERO ;
  size_t i = 0, nl, n = 0 ;
  char const *nm ;
  int ok = 1 ;
  while (ok && paramnext(p, len, &i, &nm, &nl, &v))
  {
    ok = stralloc_cats(sa, n ? " " : "(") && upper(sa, nm, nl) && stralloc_cats(sa, " ") && mime_catstring(sa, v.s ? v.s : "", v.len) ;
    n++ ;
  }
  stralloc_free(&v) ;
  return ok && stralloc_cats(sa, n ? ")" : "NIL") ;
}

static int optfield (stralloc *sa, stralloc *v, char const *h, size_t hl, char const *name)
{
  return mime_field(v, h, hl, name) && v->len ? mime_catstring(sa, v->s, v->len) : stralloc_cats(sa, "NIL") ;
}

/* body-ext: disposition, language, location */
static int extdata (stralloc *sa, char const *h, size_t hl)
{
  stralloc v = STRALLOC_ZERO ;
  int ok = 1 ;
  if (mime_field(&v, h, hl, "Content-Disposition") && v.len)
  {
    size_t e = 0 ;
    while (e < v.len && v.s[e] != ';' && v.s[e] != ' ') e++ ;
    ok = stralloc_cats(sa, " (") && upper(sa, v.s, e) && stralloc_cats(sa, " ") ;
    while (ok && e < v.len && v.s[e] != ';') e++ ;
    if (ok) { stralloc p = STRALLOC_ZERO ; ok = stralloc_catb(&p, v.s + e, v.len - e) && params(sa, p.s, p.len) && stralloc_cats(sa, ")") ; stralloc_free(&p) ; }
  }
  else ok = stralloc_cats(sa, " NIL") ;
  ok = ok && stralloc_cats(sa, " ") && optfield(sa, &v, h, hl, "Content-Language")
    && stralloc_cats(sa, " ") && optfield(sa, &v, h, hl, "Content-Location") ;
  stralloc_free(&v) ;
  return ok ;
}

static size_t lines (char const *s, size_t len)
{
  size_t n = 0 ;
  for (char const *p = s ; (p = memchr(p, '\n', len - (size_t)(p - s))) ; p++) n++ ;
  return n + (len && s[len-1] != '\n') ;  /* a last line without its end counts */
}

static int catnum (stralloc *sa, uint64_t x)
{
  char fmt[24] ;
  size_t n = 0 ;
  do fmt[sizeof fmt - ++n] = (char)('0' + x % 10) ; while (x /= 10) ;
  return stralloc_catb(sa, " ", 1) && stralloc_catb(sa, fmt + sizeof fmt - n, n) ;
}

static int structure (stralloc *sa, char const *s, size_t len, int ext, unsigned int depth, int digest) ;

static int multipart (stralloc *sa, ctype *t, char const *s, size_t len, size_t hl, int ext, unsigned int depth)
{
  stralloc bd = STRALLOC_ZERO ;
  size_t pos = 0, ps = 0, pl = 0, n = 0 ;
  int ok = param(&bd, ptail(t), t->v.len - t->params, "boundary") && bd.len && bd.len <= 70 ;
  if (!ok) { stralloc_free(&bd) ; return -1 ; }
  ok = stralloc_cats(sa, "(") ;
  while (ok && nextpart(s + hl, len - hl, bd.s, bd.len, &pos, &ps, &pl))
  {
    ok = structure(sa, s + hl + ps, pl, ext, depth + 1, !strcmp(t->sub, "digest")) ;
    n++ ;
  }
  if (ok && !n) ok = stralloc_cats(sa, "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 0 0)") ;
  ok = ok && stralloc_cats(sa, " ") && upper(sa, t->sub, strlen(t->sub)) ;
  if (ok && ext)
    ok = stralloc_cats(sa, " ") && params(sa, ptail(t), t->v.len - t->params) && extdata(sa, s, hl) ;
  stralloc_free(&bd) ;
  return ok && stralloc_cats(sa, ")") ;
}

static int structure (stralloc *sa, char const *s, size_t len, int ext, unsigned int depth, int digest)
{
  ctype t = { .v = STRALLOC_ZERO } ;
  stralloc v = STRALLOC_ZERO ;
  size_t hl = hdrlen(s, len) ;
  int ok ;
  gettype(&t, s, hl, digest) ;
  if (!strcmp(t.type, "multipart") && depth < MIME_DEPTH)
  {
    ok = multipart(sa, &t, s, len, hl, ext, depth) ;
    if (ok >= 0) { stralloc_free(&t.v) ; return ok ; }
    strcpy(t.type, "text") ; strcpy(t.sub, "plain") ; t.params = t.v.len ;
  }
  ok = stralloc_cats(sa, "(") && upper(sa, t.type, strlen(t.type)) && stralloc_cats(sa, " ") && upper(sa, t.sub, strlen(t.sub))
    && stralloc_cats(sa, " ") ;
  {
    size_t st = sa->len ;
    ok = ok && params(sa, ptail(&t), t.v.len - t.params) ;
    if (ok && !strcmp(t.type, "text") && sa->len - st == 3 && !memcmp(sa->s + st, "NIL", 3))
    {
      sa->len = st ;
      ok = stralloc_cats(sa, "(\"CHARSET\" \"US-ASCII\")") ;
    }
  }
  ok = ok && stralloc_cats(sa, " ") && optfield(sa, &v, s, hl, "Content-ID")
    && stralloc_cats(sa, " ") && optfield(sa, &v, s, hl, "Content-Description") && stralloc_cats(sa, " ") ;
  if (ok) ok = mime_field(&v, s, hl, "Content-Transfer-Encoding") && v.len ? upper(sa, v.s, v.len) : stralloc_cats(sa, "\"7BIT\"") ;
  ok = ok && catnum(sa, len - hl) ;
  if (ok && ismessage(&t) && depth < MIME_DEPTH)
  {
    size_t mhl = hdrlen(s + hl, len - hl) ;
    ok = stralloc_cats(sa, " ") && mime_envelope(sa, s + hl, mhl) && stralloc_cats(sa, " ")
      && structure(sa, s + hl, len - hl, ext, depth + 1, 0) && catnum(sa, lines(s + hl, len - hl)) ;
  }
  else if (ok && !strcmp(t.type, "text")) ok = catnum(sa, lines(s + hl, len - hl)) ;
  if (ok && ext) ok = stralloc_cats(sa, " ") && optfield(sa, &v, s, hl, "Content-MD5") && extdata(sa, s, hl) ;
  stralloc_free(&t.v) ;
  stralloc_free(&v) ;
  return ok && stralloc_cats(sa, ")") ;
}

int mime_structure (stralloc *sa, char const *s, size_t len, int ext)
{
  return structure(sa, s, len, ext, 0, 0) ;
}

/* the entity (header and body) that a part number selects inside [*es, *es+*el) */
static int step (char const *s, size_t *es, size_t *el, unsigned long n, int top, int *digest)
{
  ctype t = { .v = STRALLOC_ZERO } ;
  stralloc bd = STRALLOC_ZERO ;
  size_t hl = hdrlen(s + *es, *el), pos = 0, ps = 0, pl = 0 ;
  int ok = 0 ;
  gettype(&t, s + *es, hl, *digest) ;
  if (!top && ismessage(&t))
  {
    /* the parts of an attached message are those of its body */
    *es += hl ; *el -= hl ;
    hl = hdrlen(s + *es, *el) ;
    gettype(&t, s + *es, hl, 0) ;
  }
  *digest = 0 ;
  if (!strcmp(t.type, "multipart") && param(&bd, ptail(&t), t.v.len - t.params, "boundary") && bd.len)
  {
    unsigned long k = 0 ;
    while (nextpart(s + *es + hl, *el - hl, bd.s, bd.len, &pos, &ps, &pl))
      if (++k == n) { *es += hl + ps ; *el = pl ; *digest = !strcmp(t.sub, "digest") ; ok = 1 ; break ; }
  }
  else ok = n == 1 ;
  stralloc_free(&t.v) ;
  stralloc_free(&bd) ;
  return ok ;
}

int mime_section (char const *s, size_t len, char const *path, size_t plen, size_t *es, size_t *el, int *ismsg)
{
  size_t i = 0 ;
  int digest = 0, top = 1 ;
  *es = 0 ; *el = len ;
  while (i < plen)
  {
    unsigned long n = 0 ;
    size_t st = i ;
    while (i < plen && path[i] >= '0' && path[i] <= '9' && n < 100000) n = n * 10 + (unsigned long)(path[i++] - '0') ;
    if (i == st || !n || (i < plen && path[i] != '.')) return 0 ;
    if (!step(s, es, el, n, top, &digest)) return 0 ;
    top = 0 ;
    i++ ;
  }
  {
    ctype t = { .v = STRALLOC_ZERO } ;
    gettype(&t, s + *es, hdrlen(s + *es, *el), digest) ;
    *ismsg = ismessage(&t) ;
    stralloc_free(&t.v) ;
  }
  return 1 ;
}

size_t mime_hdrlen (char const *s, size_t len)
{
  return hdrlen(s, len) ;
}
