/* tern-imap-parse: the IMAP command tokenizer, sequence sets, literal
   markers.  No I/O and no allocation except the sequence-set ranges; a
   command is parsed in place into a fixed array of nodes. */
#include <string.h>
#include <strings.h>
#include "tern-imap.h"
#include "tern_utf8.h"

/* ATOM-CHAR is 7-bit (RFC 3501 and 9051 9: CHAR): 8-bit data in an atom
   is BAD, as in Dovecot; UTF-8 goes in a quoted string or a literal */
static int atomchar (unsigned char c)
{
  return c > 0x20 && c < 0x7f && c != '(' && c != ')' && c != '{' && c != '"' ;
}

/* an atom or an astring's ASTRING-CHARs (a "]" outside brackets too:
   SELECT foo]); "[...]" inside one may hold anything but CR, LF and NUL
   (BODY[HEADER.FIELDS (A B)]<0.10>) */
static size_t atomlen (char const *s, size_t len)
{
  size_t i = 0 ;
  while (i < len)
  {
    unsigned char c = s[i] ;
    if (c == '[')
    {
      size_t j = i + 1 ;
      while (j < len && s[j] != ']' && s[j] && s[j] != '\r' && s[j] != '\n') j++ ;
      if (j >= len || s[j] != ']') return 0 ;
      i = j + 1 ;
      continue ;
    }
    if (!atomchar(c)) break ;
    i++ ;
  }
  return i ;
}

static int addnode (icmd *c, unsigned int type, char *s, size_t len)
{
  if (c->n >= IMAP_NODEMAX) { c->err = "too many arguments" ; return 0 ; }
  c->nodes[c->n].type = type ;
  c->nodes[c->n].s = s ;
  c->nodes[c->n].len = len ;
  c->nodes[c->n].end = c->n + 1 ;
  c->n++ ;
  return 1 ;
}

/* quoted string at s[0] == '"': unescape in place; returns bytes consumed */
static size_t quoted (icmd *c, char *s, size_t len)
{
  size_t i = 1, o = 0 ;
  while (i < len && s[i] != '"')
  {
    if (s[i] == '\\')
    {
      if (i + 1 >= len || (s[i+1] != '\\' && s[i+1] != '"')) return 0 ;
      i++ ;
    }
    else if (!s[i] || s[i] == '\r' || s[i] == '\n') return 0 ;
    else if ((unsigned char)s[i] >= 0x80)
    {
      /* QUOTED-CHAR beyond ASCII is UTF8-2/3/4 (RFC 9051 9): invalid
         UTF-8 is BAD, as in Dovecot */
      uint32_t cp ;
      size_t k = tern_utf8_dec(s + i, len - i, &cp) ;
      if (!k) return 0 ;
      while (--k) s[1 + o++] = s[i++] ;
    }
    s[1 + o++] = s[i++] ;
  }
  if (i >= len) return 0 ;
  if (!addnode(c, N_STRING, s + 1, o)) return 0 ;
  s[1 + o] = 0 ;
  return i + 1 ;
}

int imap_litscan (char const *s, size_t len, uint64_t *n, int *plus)
{
  uint64_t x = 0 ;
  size_t i = 1 ;
  if (len < 3 || s[0] != '{' || s[len-1] != '}') return 0 ;
  len-- ;
  *plus = s[len-1] == '+' ;
  if (*plus) len-- ;
  if (i >= len) return 0 ;
  for (; i < len ; i++)
  {
    if (s[i] < '0' || s[i] > '9' || x > 0xffffffffffffULL) return 0 ;
    x = x * 10 + (uint64_t)(s[i] - '0') ;
  }
  *n = x ;
  return 1 ;
}

/* literal "{n}\r\n" + n bytes at s; returns bytes consumed */
static size_t literal (icmd *c, char *s, size_t len)
{
  size_t i = 1 ;
  uint64_t n ;
  int plus ;
  while (i < len && s[i] != '}') i++ ;
  if (i >= len || !imap_litscan(s, i + 1, &n, &plus)) return 0 ;
  if (len - i - 1 < 2 || s[i+1] != '\r' || s[i+2] != '\n') return 0 ;
  i += 3 ;
  if (n > len - i) return 0 ;
  if (!addnode(c, N_STRING, s + i, n)) return 0 ;
  return i + n ;
}

int imap_parse (icmd *c, char *s, size_t len)
{
  unsigned int stack[IMAP_NESTMAX] ;
  unsigned int depth = 0 ;
  size_t i = 0 ;
  c->n = 0 ;
  c->err = "syntax error" ;
  while (i < len)
  {
    size_t k ;
    if (s[i] == ' ' && (i + 1 < len && s[i+1] != ' ' && s[i+1] != ')')) { i++ ; continue ; }
    if (i && s[i] == ' ') return 0 ;
    if (s[i] == '(')
    {
      if (depth >= IMAP_NESTMAX) { c->err = "too deeply nested" ; return 0 ; }
      if (!addnode(c, N_LIST, s + i, 0)) return 0 ;
      stack[depth++] = c->n - 1 ;
      i++ ;
      continue ;
    }
    if (s[i] == ')')
    {
      if (!depth) return 0 ;
      depth-- ;
      c->nodes[stack[depth]].end = c->n ;
      c->nodes[stack[depth]].len = c->n - stack[depth] - 1 ;
      i++ ;
      if (i < len && s[i] != ' ' && s[i] != ')') return 0 ;
      continue ;
    }
    if (s[i] == '"') k = quoted(c, s + i, len - i) ;
    else if (s[i] == '{') k = literal(c, s + i, len - i) ;
    else if (!s[i])
    {
      if (i + 1 >= len || s[i+1] < '0' || s[i+1] > '9') return 0 ;
      k = addnode(c, N_FILE, s + i, (size_t)(s[i+1] - '0')) ? 2 : 0 ;
    }
    else
    {
      k = atomlen(s + i, len - i) ;
      if (k && !addnode(c, N_ATOM, s + i, k)) return 0 ;
    }
    if (!k) return 0 ;
    i += k ;
    if (i < len && s[i] != ' ' && s[i] != ')') return 0 ;
  }
  if (depth) return 0 ;
  /* every separator has been read: terminate atoms and strings in place */
  for (unsigned int j = 0 ; j < c->n ; j++)
    if (c->nodes[j].type == N_ATOM || c->nodes[j].type == N_STRING) c->nodes[j].s[c->nodes[j].len] = 0 ;
  return 1 ;
}

int imap_isatom (inode const *n, char const *word)
{
  size_t l = strlen(word) ;
  return n->type == N_ATOM && n->len == l && !strncasecmp(n->s, word, l) ;
}

/* a literal's bytes follow its {n}CRLF, so the byte before them is LF; a
   quoted string's is its opening quote */
int imap_isliteral (inode const *n)
{
  return n->type == N_FILE || (n->type == N_STRING && n->s[-1] == '\n') ;
}

int imap_isastring (inode const *n)
{
  return n->type == N_ATOM || n->type == N_STRING ;
}

int imap_num (inode const *n, uint64_t *x)
{
  uint64_t v = 0 ;
  if (n->type != N_ATOM || !n->len || n->len > 19) return 0 ;
  for (size_t i = 0 ; i < n->len ; i++)
  {
    if (n->s[i] < '0' || n->s[i] > '9') return 0 ;
    v = v * 10 + (uint64_t)(n->s[i] - '0') ;
  }
  *x = v ;
  return 1 ;
}

static size_t seqnum (char const *s, size_t len, uint32_t *x)
{
  uint64_t v = 0 ;
  size_t i = 0 ;
  if (len && s[0] == '*') { *x = 0 ; return 1 ; }
  while (i < len && s[i] >= '0' && s[i] <= '9')
  {
    v = v * 10 + (uint64_t)(s[i++] - '0') ;
    if (v > 0xffffffffULL) return 0 ;
  }
  if (!i || !v) return 0 ;
  *x = (uint32_t)v ;
  return i ;
}

int imap_seqparse (char const *s, size_t len, genalloc *ranges)
{
  size_t i = 0 ;
  genalloc_setlen(iseq, ranges, 0) ;
  if (!len) return 0 ;
  while (i < len)
  {
    iseq r ;
    size_t k = seqnum(s + i, len - i, &r.lo) ;
    if (!k) return 0 ;
    i += k ;
    r.hi = r.lo ;
    if (i < len && s[i] == ':')
    {
      i++ ;
      k = seqnum(s + i, len - i, &r.hi) ;
      if (!k) return 0 ;
      i += k ;
    }
    if (!genalloc_catb(iseq, ranges, &r, 1)) return 0 ;
    if (i < len && (s[i] != ',' || i + 1 == len)) return 0 ;
    if (i < len) i++ ;
  }
  return 1 ;
}

int imap_seqhas (genalloc const *ranges, uint32_t x, uint32_t star)
{
  iseq const *r = genalloc_s(iseq const, ranges) ;
  size_t n = genalloc_len(iseq, ranges) ;
  for (size_t i = 0 ; i < n ; i++)
  {
    uint32_t lo = r[i].lo ? r[i].lo : star, hi = r[i].hi ? r[i].hi : star ;
    if (lo > hi) { uint32_t t = lo ; lo = hi ; hi = t ; }
    if (x >= lo && x <= hi) return 1 ;
  }
  return 0 ;
}
