/* tern_junkwords_message, tern_junkwords_free: the words of a message
   (REFERENCE.md 8.2, plus host names and each part's type and charset):
   header words, then the text of the MIME tree (decoded, HTML as text),
   at most TERN_JUNKW_DEPTH levels deep; only o->maxbytes read. */
#include <string.h>
#include <strings.h>
#include <skalibs/stralloc.h>
#include <skalibs/genalloc.h>
#include "tern_mime.h"
#include "tern_junk_words_int.h"

enum { K_TEXT, K_HTML, K_MESSAGE, K_MULTI, K_OTHER } ;

/* where the body of s starts; *hl: the header's length (to the blank line) */
static size_t hdr (char const *s, size_t len, size_t *hl)
{
  size_t i = 0 ;
  while (i < len)
  {
    char const *nl ;
    if (s[i] == '\n') { *hl = i ; return i + 1 ; }
    if (s[i] == '\r' && i + 1 < len && s[i+1] == '\n') { *hl = i ; return i + 2 ; }
    nl = memchr(s + i, '\n', len - i) ;
    if (!nl) break ;
    i = (size_t)(nl - s) + 1 ;
  }
  *hl = len ;
  return len ;
}

/* the end of the field starting at h[i], continuation lines included */
static size_t fieldend (char const *h, size_t hl, size_t i)
{
  for (;;)
  {
    char const *nl = memchr(h + i, '\n', hl - i) ;
    if (!nl) return hl ;
    i = (size_t)(nl - h) + 1 ;
    if (i >= hl || (h[i] != ' ' && h[i] != '\t')) return i ;
  }
}

/* the first field name[0..n) of h: its value unfolded and trimmed in v;
   1 found, 0 not, -1 ENOMEM */
static int field (stralloc *v, char const *h, size_t hl, char const *name, size_t n)
{
  for (size_t i = 0 ; i < hl ; )
  {
    size_t e = fieldend(h, hl, i), k = i + n + 1 ;
    if (e - i > n && h[i+n] == ':' && !strncasecmp(h + i, name, n))
    {
      v->len = 0 ;
      if (!stralloc_ready(v, e - k)) return -1 ;
      for (; k < e ; k++)
        if (h[k] != '\r' && h[k] != '\n' && (v->len || (h[k] != ' ' && h[k] != '\t')))
          v->s[v->len++] = h[k] == '\t' ? ' ' : h[k] ;
      while (v->len && v->s[v->len-1] == ' ') v->len-- ;
      return 1 ;
    }
    i = e ;
  }
  return 0 ;
}

static int tchar (char c)
{
  return c > 32 && c < 127 && !strchr("()<>@,;:\\\"/[]?=", c) ;
}

/* type/subtype of a Content-Type value, lower case (long ones cut);
   1, or 0 if it has none that parses */
static int mtype (char const *v, size_t len, char t[32], char st[32])
{
  size_t i = 0, k ;
  for (k = 0 ; i < len && tchar(v[i]) ; i++) if (k < 31) t[k++] = (char)(v[i] >= 'A' && v[i] <= 'Z' ? v[i] | 0x20 : v[i]) ;
  t[k] = 0 ;
  if (!k || i >= len || v[i++] != '/') return 0 ;
  for (k = 0 ; i < len && tchar(v[i]) ; i++) if (k < 31) st[k++] = (char)(v[i] >= 'A' && v[i] <= 'Z' ? v[i] | 0x20 : v[i]) ;
  st[k] = 0 ;
  while (i < len && v[i] == ' ') i++ ;
  return k && (i >= len || v[i] == ';') ;
}

/* parameter name of a Content-Type value into pv: 1 found, 0 not, -1 ENOMEM */
static int param (stralloc *pv, char const *v, size_t len, char const *name)
{
  size_t n = strlen(name), i = 0 ;
  if (!len) return 0 ;   /* "Content-Type:" empty: v may be null */
  for (;;)
  {
    char const *sc = memchr(v + i, ';', len - i) ;
    size_t ns ;
    int want ;
    if (!sc) return 0 ;
    for (i = (size_t)(sc - v) + 1 ; i < len && v[i] == ' ' ; i++) ;
    for (ns = i ; i < len && v[i] != '=' && v[i] != ';' && v[i] != ' ' ; i++) ;
    want = i - ns == n && !strncasecmp(v + ns, name, n) ;
    while (i < len && v[i] == ' ') i++ ;
    if (i >= len || v[i] != '=') continue ;
    for (i++ ; i < len && v[i] == ' ' ; i++) ;
    pv->len = 0 ;
    if (i < len && v[i] == '"')
      for (i++ ; i < len && v[i] != '"' ; i++)
      {
        if (v[i] == '\\' && i + 1 < len) i++ ;
        if (want && !stralloc_catb(pv, v + i, 1)) return -1 ;
      }
    else
      for (; i < len && v[i] != ';' && v[i] != ' ' ; i++)
        if (want && !stralloc_catb(pv, v + i, 1)) return -1 ;
    if (want) return 1 ;
  }
}

static int part (tern_junkw *j, char const *s, size_t len, unsigned int depth, int digest) ;

/* the parts of a multipart body: between "--boundary" lines; a part
   without its closing delimiter runs to the end */
static int multi (tern_junkw *j, char const *s, size_t len, char const *bd, size_t bl, unsigned int depth, int digest)
{
  size_t i = 0, ps = 0 ;
  int in = 0 ;
  while (i < len && !j->full)
  {
    char const *nl = memchr(s + i, '\n', len - i) ;
    size_t e = nl ? (size_t)(nl - s) + 1 : len, k = i + bl + 2 ;
    if (e - i >= bl + 2 && s[i] == '-' && s[i+1] == '-' && !memcmp(s + i + 2, bd, bl))
    {
      int close = k + 1 < e && s[k] == '-' && s[k+1] == '-' ;
      for (k += close ? 2 : 0 ; k < e && (s[k] == ' ' || s[k] == '\t' || s[k] == '\r' || s[k] == '\n') ; k++) ;
      if (k == e)
      {
        size_t pe = i ;
        if (pe > ps && s[pe-1] == '\n') pe-- ;
        if (pe > ps && s[pe-1] == '\r') pe-- ;
        if (in && !part(j, s + ps, pe - ps, depth + 1, digest)) return 0 ;
        if (close) return 1 ;
        in = 1 ;
        ps = e ;
      }
    }
    i = e ;
  }
  return !in || j->full || part(j, s + ps, len - ps, depth + 1, digest) ;
}

/* a text part: transfer encoding, charset, HTML, then its words */
static int leaf (tern_junkw *j, char const *h, size_t hl, char const *b, size_t bl, int html, stralloc const *cs)
{
  int cte = tern_cte_kind(h, hl) ;
  if (cte > 0 && bl)
  {
    j->dec.len = 0 ;
    if (!tern_cte_decode(&j->dec, b, bl, cte)) return 0 ;
    b = j->dec.s ; bl = j->dec.len ;
  }
  if (!bl) return 1 ;   /* nothing, and b may be null */
  if (!tern_junkw_urls(j, b, bl)) return 0 ;
  if (cs->len && tern_charset_kind(cs->s, cs->len) != TERN_CS_UTF8)
  {
    j->utf.len = 0 ;
    if (!tern_junkw_charset(&j->utf, b, bl, cs->s, cs->len)) return 0 ;
    b = j->utf.s ; bl = j->utf.len ;
  }
  if (html)
  {
    j->txt.len = 0 ;
    if (!tern_junkw_html(&j->txt, b, bl)) return 0 ;
    b = j->txt.s ; bl = j->txt.len ;
  }
  return tern_junkw_text(j, b, bl) ;
}

/* an embedded message (message/rfc822): its body only */
static int embedded (tern_junkw *j, char const *h, size_t hl, char const *b, size_t bl, unsigned int depth)
{
  stralloc dec = STRALLOC_ZERO ;
  int cte = tern_cte_kind(h, hl), ok ;
  if (cte <= 0) return part(j, b, bl, depth + 1, 0) ;
  ok = tern_cte_decode(&dec, b, bl, cte) && part(j, dec.s, dec.len, depth + 1, 0) ;
  stralloc_free(&dec) ;
  return ok ;
}

static int kindof (char const *t, char const *st)
{
  if (!strcmp(t, "text")) return strcmp(st, "html") ? K_TEXT : K_HTML ;
  if (!strcmp(t, "multipart")) return K_MULTI ;
  if (!strcmp(t, "message") && (!strcmp(st, "rfc822") || !strcmp(st, "global"))) return K_MESSAGE ;
  return K_OTHER ;
}

/* "ct:type/subtype" and "cs:charset" (lower case) of a part's
   Content-Type that parses; pv is scratch */
static int ctwords (tern_junkw *j, stralloc const *ct, char const *t, char const *st, stralloc *pv)
{
  char e[TERN_JUNK_WORDMAX + 3] ;
  size_t n = strlen(t), m = strlen(st) ;
  int have ;
  memcpy(e, "ct:", 3) ; memcpy(e + 3, t, n) ; e[3 + n] = '/' ; memcpy(e + 4 + n, st, m) ;
  if (!tern_junkw_add(j, e, n + m + 4)) return 0 ;
  have = param(pv, ct->s, ct->len, "charset") ;
  if (have <= 0 || !pv->len || pv->len > TERN_JUNK_WORDMAX - 3) return have >= 0 ;
  memcpy(e, "cs:", 3) ;
  for (size_t i = 0 ; i < pv->len ; i++)
  {
    if (pv->s[i] <= 32 || pv->s[i] >= 127) return 1 ;   /* printable ASCII only */
    e[3 + i] = pv->s[i] >= 'A' && pv->s[i] <= 'Z' ? (char)(pv->s[i] | 0x20) : pv->s[i] ;
  }
  return tern_junkw_add(j, e, pv->len + 3) ;
}

/* a MIME entity (no Content-Type, or none that parses: text/plain) */
static int part (tern_junkw *j, char const *s, size_t len, unsigned int depth, int digest)
{
  stralloc ct = STRALLOC_ZERO, pv = STRALLOC_ZERO ;
  char t[32], st[32] ;
  size_t hl, b ;
  int have, kind, ok = 1 ;
  if (depth > TERN_JUNKW_DEPTH || j->full) return 1 ;
  b = hdr(s, len, &hl) ;
  have = field(&ct, s, hl, "Content-Type", 12) ;
  if (have < 0) { stralloc_free(&ct) ; return 0 ; }
  kind = have > 0 && ct.len && mtype(ct.s, ct.len, t, st) ? kindof(t, st) : -1 ;
  if (kind >= 0 && !ctwords(j, &ct, t, st, &pv)) ok = 0 ;
  if (kind < 0) kind = digest ? K_MESSAGE : K_TEXT ;
  if (ok) switch (kind)
  {
    case K_TEXT : case K_HTML :
      ok = have <= 0 || param(&pv, ct.s, ct.len, "charset") >= 0 ;
      if (have <= 0) pv.len = 0 ;
      ok = ok && leaf(j, s, hl, s + b, len - b, kind == K_HTML, &pv) ;
      break ;
    case K_MULTI :
      have = param(&pv, ct.s, ct.len, "boundary") ;
      ok = have >= 0 && (!have || !pv.len || multi(j, s + b, len - b, pv.s, pv.len, depth, !strcmp(st, "digest"))) ;
      break ;
    case K_MESSAGE :
      ok = embedded(j, s, hl, s + b, len - b, depth) ;
      break ;
  }
  stralloc_free(&ct) ;
  stralloc_free(&pv) ;
  return ok ;
}

/* host names of Received (with their parents), the Message-ID's domain */
static int hostwords (tern_junkw *j, char const *f, size_t len)
{
  char const *at ;
  if (len > 9 && !strncasecmp(f, "Received:", 9)) return tern_junkw_hosts(j, "rcvd:", f + 9, len - 9, 1) ;
  if (len <= 11 || strncasecmp(f, "Message-ID:", 11) || !(at = memchr(f + 11, '@', len - 11))) return 1 ;
  for (len -= (size_t)(at + 1 - f), f = at + 1 ; len && f[len - 1] != '>' ; len--) ;
  return !len || tern_junkw_hosts(j, "mid:", f, len - 1, 0) ;
}

/* the header words: "Field:word" of the fields below, entries of more
   than 3 bytes, each field's value tokenized on its own; host names */
static int headerwords (tern_junkw *j, char const *h, size_t hl)
{
  static struct { char const *s ; size_t n ; } const names[] = { { "From", 4 }, { "To", 2 }, { "Cc", 2 }, { "Bcc", 3 },
    { "Reply-To", 8 }, { "Subject", 7 }, { "Sender", 6 }, { "Return-Path", 11 } } ;
  for (size_t i = 0 ; i < hl && !j->full ; )
  {
    size_t e = fieldend(h, hl, i) ;
    if (!hostwords(j, h + i, e - i)) return 0 ;
    for (size_t k = 0 ; k < sizeof names / sizeof *names ; k++)
    {
      size_t n = names[k].n ;
      char pre[16] ;
      if (e - i <= n || h[i+n] != ':' || (h[i] | 0x20) != (names[k].s[0] | 0x20) || strncasecmp(h + i, names[k].s, n)) continue ;
      memcpy(pre, names[k].s, n) ;
      pre[n] = ':' ;
      j->prefix = pre ; j->prefixlen = n + 1 ; j->minlen = 3 ;
      if (!tern_junkw_text(j, h + i + n + 1, e - i - n - 1)) return 0 ;
      break ;
    }
    i = e ;
  }
  j->prefix = "" ; j->prefixlen = 0 ; j->minlen = 0 ;
  return 1 ;
}

int tern_junkwords_message (tern_junkwords *w, char const *msg, size_t len, tern_junkopt const *o)
{
  tern_junkw j = TERN_JUNKW_ZERO ;
  stralloc ct = STRALLOC_ZERO ;
  char t[32], st[32] ;
  size_t hl ;
  int ok, have ;
  tern_junkw_reset(w) ;
  j.w = w ; j.o = o ;
  j.dec = w->scratch[0] ; j.utf = w->scratch[1] ; j.txt = w->scratch[2] ;
  if (o->maxbytes && len > o->maxbytes) { len = o->maxbytes ; w->cut = 1 ; }
  if (len >= 5 && !memcmp(msg, "From ", 5))   /* an mbox separator line */
  {
    char const *nl = memchr(msg, '\n', len) ;
    size_t n = nl ? (size_t)(nl - msg) + 1 : len ;
    msg += n ; len -= n ;
  }
  hdr(msg, len, &hl) ;
  have = field(&ct, msg, hl, "Content-Type", 12) ;
  if (have > 0 && ct.len && !mtype(ct.s, ct.len, t, st)) w->badctype = 1 ;
  ok = have >= 0 && headerwords(&j, msg, hl) && part(&j, msg, len, 0, 0) ;
  stralloc_free(&ct) ;
  w->scratch[0] = j.dec ; w->scratch[1] = j.utf ; w->scratch[2] = j.txt ;
  return ok ;
}

void tern_junkwords_free (tern_junkwords *w)
{
  stralloc_free(&w->s) ;
  genalloc_free(size_t, &w->off) ;
  genalloc_free(uint32_t, &w->set) ;
  genalloc_free(uint64_t, &w->hash) ;
  for (unsigned int i = 0 ; i < 3 ; i++) stralloc_free(&w->scratch[i]) ;
  w->n = 0 ;
  w->cut = 0 ;
  w->badctype = 0 ;
}
