/* tern_addrlist_parse, tern_addrlist_fmt, tern_addrlist_free: RFC 5322
   address lists, leniently (tern_addrlist.h).  A small lexer over the
   field (CFWS skipped, the last comment kept) and one pass per address. */
#include <string.h>
#include "tern_addrlist.h"
#include "tern_mime.h"

typedef struct lx_s lx ;
struct lx_s
{
  char const *s ;
  size_t len ;
  size_t i ;
  int sp ;              /* white space or a comment came before the token */
  int ok ;              /* 0 after ENOMEM */
  int hascmt ;
  stralloc cmt ;        /* the last comment's text */
  stralloc w ;          /* scratch: a word, a phrase, a local part, a route, a domain */
  stralloc ph ;
  stralloc loc ;
  stralloc rt ;
  stralloc dom ;
  tern_addrlist *l ;
} ;

static void cat (lx *x, stralloc *sa, char const *s, size_t n)
{
  if (n && x->ok && !stralloc_catb(sa, s, n)) x->ok = 0 ;
}

static int isatext (unsigned char c)
{
  return c > 0x20 && c != 0x7f && !strchr("()<>[]:;@\\,.\"", c) ;
}

/* a comment at x->i ("(" there): its text, nested ones included, into x->cmt */
static void comment (lx *x)
{
  size_t depth = 0 ;
  x->cmt.len = 0 ;
  x->hascmt = 1 ;
  for (; x->i < x->len ; x->i++)
  {
    char c = x->s[x->i] ;
    if (c == '\\' && x->i + 1 < x->len) { cat(x, &x->cmt, x->s + ++x->i, 1) ; continue ; }
    if (c == '(' && !depth++) continue ;
    if (c == ')' && !--depth) { x->i++ ; break ; }
    if (c == '\r' || c == '\n') continue ;
    if ((c == ' ' || c == '\t') && (!x->cmt.len || x->cmt.s[x->cmt.len-1] == ' ')) continue ;
    cat(x, &x->cmt, c == '\t' ? " " : &c, 1) ;
  }
  while (x->cmt.len && x->cmt.s[x->cmt.len-1] == ' ') x->cmt.len-- ;
}

/* skips CFWS; the next byte, or -1 at the end */
static int peek (lx *x)
{
  x->sp = 0 ;
  while (x->i < x->len)
  {
    unsigned char c = (unsigned char)x->s[x->i] ;
    if (c == '(') comment(x) ;
    else if (c <= 0x20 || c == 0x7f) x->i++ ;
    else return c ;
    x->sp = 1 ;
  }
  return -1 ;
}

/* an atom or a quoted string at x->i, its content appended to out */
static void word (lx *x, stralloc *out)
{
  if (x->s[x->i] != '"')
  {
    size_t st = x->i ;
    while (x->i < x->len && isatext((unsigned char)x->s[x->i])) x->i++ ;
    cat(x, out, x->s + st, x->i - st) ;
    return ;
  }
  for (x->i++ ; x->i < x->len && x->s[x->i] != '"' ; x->i++)
  {
    char c = x->s[x->i] ;
    if (c == '\\' && x->i + 1 < x->len) c = x->s[++x->i] ;
    else if (c == '\r' || c == '\n') continue ;
    cat(x, out, &c, 1) ;
  }
  if (x->i < x->len) x->i++ ;
}

/* a domain (dot-atoms, or a literal "[...]") appended to out */
static void domain (lx *x, stralloc *out)
{
  int c = peek(x), dot = 1 ;
  if (c == '[')
  {
    size_t st = x->i ;
    while (x->i < x->len && x->s[x->i] != ']') x->i += x->s[x->i] == '\\' && x->i + 1 < x->len ? 2 : 1 ;
    if (x->i < x->len) x->i++ ;
    for (size_t k = st ; k < x->i ; k++)
      if (x->s[k] > 0x20 || x->s[k] < 0) cat(x, out, x->s + k, 1) ;
    return ;
  }
  for (; x->ok ; c = peek(x))
  {
    if (c == '.') { cat(x, out, ".", 1) ; x->i++ ; dot = 1 ; }
    else if (dot && c >= 0 && isatext((unsigned char)c)) { word(x, out) ; dot = 0 ; }
    else break ;
  }
}

static void part (lx *x, tern_alpart *p, stralloc const *v)
{
  p->off = x->l->text.len ;
  p->len = v ? v->len : 0 ;
  if (v) cat(x, &x->l->text, v->s, v->len) ;
}

/* appends an entry; a mailbox's name is x->ph, or the last comment */
static void emit (lx *x, unsigned int kind, unsigned int flags, int withname)
{
  tern_addrent e = { .kind = kind, .flags = flags } ;
  stralloc const *nm = withname ? &x->ph : 0 ;
  if (kind == TERN_AL_MAILBOX && !(flags & TERN_ALF_ANGLE) && x->hascmt) { nm = &x->cmt ; e.flags |= TERN_ALF_COMMENT ; }
  if (kind == TERN_AL_END) nm = 0 ;
  part(x, &e.name, nm) ;
  part(x, &e.route, kind == TERN_AL_MAILBOX ? &x->rt : 0) ;
  part(x, &e.local, kind == TERN_AL_MAILBOX ? &x->loc : 0) ;
  part(x, &e.domain, kind == TERN_AL_MAILBOX ? &x->dom : 0) ;
  if (x->ok && !genalloc_catb(tern_addrent, &x->l->ents, &e, 1)) x->ok = 0 ;
}

/* words and dots: the phrase in x->ph (words spaced as written) and the
   same words run together in x->loc; the number of words */
static unsigned int phrase (lx *x)
{
  unsigned int n = 0 ;
  int c ;
  x->ph.len = x->loc.len = 0 ;
  while (x->ok && (c = peek(x)) >= 0 && (c == '"' || c == '.' || isatext((unsigned char)c)))
  {
    if (n && x->sp && c != '.') cat(x, &x->ph, " ", 1) ;
    if (c == '.') { cat(x, &x->ph, ".", 1) ; cat(x, &x->loc, ".", 1) ; x->i++ ; }
    else
    {
      size_t st = x->ph.len ;
      word(x, &x->ph) ;
      if (x->ph.len > st) cat(x, &x->loc, x->ph.s + st, x->ph.len - st) ;
    }
    n++ ;
  }
  return n ;
}

/* "<" consumed: [route ":"] local ["@" domain] [">"] */
static void angle (lx *x)
{
  int c = peek(x) ;
  x->rt.len = x->dom.len = 0 ;
  while (x->ok && (c == '@' || c == ','))
  {
    x->i++ ;
    if (c == '@') { cat(x, &x->rt, "@", 1) ; domain(x, &x->rt) ; }
    else if (x->rt.len && x->rt.s[x->rt.len-1] != ',') cat(x, &x->rt, ",", 1) ;
    c = peek(x) ;
  }
  if (x->rt.len && x->rt.s[x->rt.len-1] == ',') x->rt.len-- ;
  if (c == ':') { x->i++ ; c = peek(x) ; }
  else if (x->rt.len && !memchr(x->rt.s, ',', x->rt.len))
  {
    /* "<@domain>": a domain with no local part, not a route */
    cat(x, &x->dom, x->rt.s + 1, x->rt.len - 1) ;
    x->rt.len = 0 ;
  }
  {
    /* the local part into x->loc; the display name stays in x->ph */
    stralloc keep = x->ph ;
    x->ph = x->w ;
    phrase(x) ;
    x->w = x->ph ;
    x->ph = keep ;
  }
  c = peek(x) ;
  if (c == '@') { x->i++ ; x->dom.len = 0 ; domain(x, &x->dom) ; c = peek(x) ; }
  if (c == '>') { x->i++ ; peek(x) ; }
}

/* past anything up to the next "," (or ";" in a group) */
static void skip (lx *x, int ingroup)
{
  int c ;
  while ((c = peek(x)) >= 0 && c != ',' && !(ingroup && c == ';'))
  {
    if (c == '"') word(x, &x->w) ;
    else x->i++ ;
    x->w.len = 0 ;
  }
}

static void group (lx *x) ;

/* one address at x->i (CFWS skipped) */
static void address (lx *x, int ingroup)
{
  unsigned int n ;
  int c ;
  x->hascmt = 0 ;
  x->rt.len = x->dom.len = 0 ;
  n = phrase(x) ;
  c = peek(x) ;
  if (c == '<')
  {
    x->i++ ;
    angle(x) ;
    emit(x, TERN_AL_MAILBOX, TERN_ALF_ANGLE | (x->dom.len ? TERN_ALF_DOMAIN : 0), 1) ;
  }
  else if (c == ':' && !ingroup) { x->i++ ; group(x) ; return ; }
  else if (c == '@')
  {
    x->i++ ;
    domain(x, &x->dom) ;
    peek(x) ;
    x->ph.len = 0 ;
    emit(x, TERN_AL_MAILBOX, TERN_ALF_DOMAIN, 0) ;
  }
  else if (n && x->loc.len && c != ':')
  {
    x->ph.len = 0 ;
    emit(x, TERN_AL_MAILBOX, 0, 0) ;
  }
  skip(x, ingroup) ;
}

/* "name:" consumed (the name in x->ph): mailboxes up to ";" or the end */
static void group (lx *x)
{
  int c = -1 ;
  emit(x, TERN_AL_GROUP, 0, 1) ;
  while (x->ok && (c = peek(x)) >= 0 && c != ';')
  {
    if (c == ',') x->i++ ;
    else address(x, 1) ;
  }
  if (c == ';') x->i++ ;
  x->ph.len = 0 ;
  emit(x, TERN_AL_END, 0, 0) ;
}

int tern_addrlist_parse (tern_addrlist *l, char const *s, size_t len)
{
  lx x = { .s = s, .len = len, .ok = 1, .cmt = STRALLOC_ZERO, .w = STRALLOC_ZERO, .ph = STRALLOC_ZERO,
    .loc = STRALLOC_ZERO, .rt = STRALLOC_ZERO, .dom = STRALLOC_ZERO, .l = l } ;
  int c ;
  l->text.len = 0 ;
  genalloc_setlen(tern_addrent, &l->ents, 0) ;
  while (x.ok && (c = peek(&x)) >= 0)
  {
    if (c == ',' || c == ';' || c == '>' || c == ')' || c == ']' || c == '\\' || c == ':') x.i++ ;
    else address(&x, 0) ;
  }
  stralloc_free(&x.cmt) ; stralloc_free(&x.w) ; stralloc_free(&x.ph) ;
  stralloc_free(&x.loc) ; stralloc_free(&x.rt) ; stralloc_free(&x.dom) ;
  return x.ok ;
}

int tern_addrlist_fmt (stralloc *sa, tern_addrlist const *l, tern_addrent const *e)
{
  char const *t = l->text.s ;
  if (e->kind == TERN_AL_END) return stralloc_catb(sa, ";", 1) ;
  if (e->name.len && !tern_rfc2047_cat(sa, t + e->name.off, e->name.len)) return 0 ;
  if (e->kind == TERN_AL_GROUP) return stralloc_catb(sa, ":", 1) ;
  if (e->name.len && !stralloc_catb(sa, " ", 1)) return 0 ;
  if (!stralloc_catb(sa, "<", 1)) return 0 ;
  if (e->route.len && !(stralloc_catb(sa, t + e->route.off, e->route.len) && stralloc_catb(sa, ":", 1))) return 0 ;
  if (e->local.len && !stralloc_catb(sa, t + e->local.off, e->local.len)) return 0 ;
  if ((e->flags & TERN_ALF_DOMAIN) && !(stralloc_catb(sa, "@", 1) && (!e->domain.len || stralloc_catb(sa, t + e->domain.off, e->domain.len)))) return 0 ;
  return stralloc_catb(sa, ">", 1) ;
}

void tern_addrlist_free (tern_addrlist *l)
{
  stralloc_free(&l->text) ;
  genalloc_free(tern_addrent, &l->ents) ;
}
