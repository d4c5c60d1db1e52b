/* tern-sendmail-addr.c: the addresses of an RFC 5322 address list (To, Cc,
   Bcc, a recipient argument): display names, comments, groups and source
   routes removed; each address then qualified, parsed and deduplicated. */
#include <string.h>
#include "tern.h"
#include "tern_addr.h"
#include "tern-sendmail.h"

typedef struct al_s al ;
struct al_s
{
  stralloc *out ;
  size_t start ;   /* where the current mailbox's bare text starts in out */
  size_t astart ;  /* where its <...> text starts, if any */
  int angle ;      /* 0 none, 1 inside <...>, 2 after it */
  int blank ;      /* a blank after bare text */
  int words ;      /* the bare text is words (a phrase), not an address */
} ;

/* end of the current mailbox: keep the <...> part, else the bare text */
static int emit (al *x)
{
  stralloc *o = x->out ;
  if (x->angle == 1 || (!x->angle && x->words)) return TERN_PERM ;
  if (x->angle == 2)
  {
    char const *a = o->s + x->astart ;
    size_t n = o->len - x->astart ;
    if (n && a[0] == '@')
    {
      char const *colon = memchr(a, ':', n) ;
      if (!colon) return TERN_PERM ;
      n -= colon + 1 - a ; a = colon + 1 ;
    }
    memmove(o->s + x->start, a, n) ;
    o->len = x->start + n ;
  }
  if (o->len > x->start && !stralloc_0(o)) return TERN_TEMP ;
  x->start = o->len ;
  x->angle = x->blank = x->words = 0 ;
  return TERN_OK ;
}

/* a quoted string from s[*i] (the quote) to its end, copied */
static int quoted (al *x, char const *s, size_t len, size_t *i)
{
  size_t k = *i + 1 ;
  for (; k < len && s[k] != '"' ; k++)
    if (!s[k] || (s[k] == '\\' && (++k == len || !s[k]))) return TERN_PERM ;
  if (k == len) return TERN_PERM ;
  if (!stralloc_catb(x->out, s + *i, k + 1 - *i)) return TERN_TEMP ;
  *i = k ;
  return TERN_OK ;
}

/* a comment from s[*i] (the parenthesis) to its end, skipped */
static int comment (char const *s, size_t len, size_t *i)
{
  size_t depth = 0, k = *i ;
  for (; k < len ; k++)
  {
    if (s[k] == '\\') { if (++k == len) break ; }
    else if (s[k] == '(') depth++ ;
    else if (s[k] == ')' && !--depth) { *i = k ; return TERN_OK ; }
  }
  return TERN_PERM ;
}

/* bare text: two words with a blank between, not joined by @ or a dot */
static void word (al *x, char c)
{
  if (x->angle) return ;
  if (x->blank && c != '@' && c != '.' && x->out->s[x->out->len - 1] != '@' && x->out->s[x->out->len - 1] != '.') x->words = 1 ;
  x->blank = 0 ;
}

static int one (al *x, char const *s, size_t len, size_t *i)
{
  char c = s[*i] ;
  switch (c)
  {
    case '"' : if (x->angle == 2) return TERN_PERM ; word(x, c) ; return quoted(x, s, len, i) ;
    case '(' : return comment(s, len, i) ;
    case ' ' : case '\t' : case '\r' : case '\n' : x->blank = !x->angle && x->out->len > x->start ; return TERN_OK ;
    case '<' :
      if (x->angle) return TERN_PERM ;
      x->angle = 1 ; x->astart = x->out->len ;
      return TERN_OK ;
    case '>' :
      if (x->angle != 1) return TERN_PERM ;
      x->angle = 2 ;
      return TERN_OK ;
    case ',' : case ';' : return x->angle == 1 && c == ',' ? (stralloc_catb(x->out, ",", 1) ? TERN_OK : TERN_TEMP) : emit(x) ;
    case ':' :
      if (x->angle == 1) break ;
      if (x->angle) return TERN_PERM ;
      x->out->len = x->start ;  /* a group's name */
      x->blank = x->words = 0 ;
      return TERN_OK ;
    case '\\' : case ')' : case 0 : return TERN_PERM ;
    default : break ;
  }
  if (x->angle == 2) return TERN_PERM ;
  word(x, c) ;
  return stralloc_catb(x->out, &c, 1) ? TERN_OK : TERN_TEMP ;
}

int sm_addrlist (char const *s, size_t len, stralloc *out)
{
  al x = { .out = out, .start = out->len, .angle = 0, .blank = 0, .words = 0 } ;
  size_t base = out->len ;
  for (size_t i = 0 ; i < len ; i++)
  {
    int r = one(&x, s, len, &i) ;
    if (r != TERN_OK) { out->len = base ; return r ; }
  }
  {
    int r = emit(&x) ;
    if (r != TERN_OK) out->len = base ;
    return r ;
  }
}

int sm_addradd (char const *s, char const *domain, stralloc *out, stralloc *keys, unsigned int *n)
{
  tern_addr a = TERN_ADDR_ZERO ;
  stralloc q = STRALLOC_ZERO ;
  size_t len = strlen(s), klen = keys->len ;
  int r = TERN_TEMP ;
  if (!stralloc_catb(&q, s, len)) goto end ;
  if (!memchr(s, '@', len) && (!stralloc_cats(&q, "@") || !stralloc_cats(&q, domain))) goto end ;
  r = tern_addr_parse(&a, q.s, q.len, TERN_ADDR_UTF8) ;
  if (r != TERN_OK) goto end ;
  r = TERN_TEMP ;
  if (!tern_addr_key(keys, &a) || !stralloc_0(keys)) goto end ;
  r = TERN_OK ;
  for (size_t p = 0 ; p < klen ; p += strlen(keys->s + p) + 1)
    if (!strcmp(keys->s + p, keys->s + klen)) { keys->len = klen ; goto end ; }
  if (*n >= SM_MAXRCPT) { r = TERN_PERM ; goto end ; }
  if (!tern_addr_fmt(out, &a, 1) || !stralloc_0(out)) { r = TERN_TEMP ; goto end ; }
  (*n)++ ;
 end:
  tern_addr_free(&a) ;
  stralloc_free(&q) ;
  return r ;
}

char const *sm_logaddr (stralloc *sa, char const *s)
{
  tern_addr a = TERN_ADDR_ZERO ;
  size_t len = strlen(s) ;
  int ok ;
  sa->len = 0 ;
  ok = len && tern_addr_parse(&a, s, len, TERN_ADDR_UTF8) == TERN_OK && tern_addr_logfmt(sa, &a) && stralloc_0(sa) ;
  tern_addr_free(&a) ;
  return ok ? sa->s : s ;
}
