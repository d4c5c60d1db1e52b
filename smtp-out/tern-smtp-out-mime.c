/* tern-smtp-out-mime.c: the message's MIME structure, read from a map of
   its file: 8-bit header fields found (SO_MIME_SCAN), or a copy written
   to a temporary file in which no line exceeds 998 bytes (SO_MIME_LONG)
   and, for a server without 8BITMIME, no byte exceeds 127 (SO_MIME_8BIT). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/mman.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <skalibs/stralloc.h>
#include "tern_mime.h"
#include "tern-smtp-out.h"

#define DEPTH 16
#define MAXLINE 998

typedef struct ctx_s ctx ;
struct ctx_s
{
  int mode, fd, err, hdr8, out8 ;
  char const *bad ;     /* why it cannot be converted */
  stralloc out ;
} ;

static void flush (ctx *c)
{
  if (c->fd >= 0 && !c->err && c->out.len && allwrite(c->fd, c->out.s, c->out.len) < c->out.len) c->err = errno ? errno : EIO ;
  c->out.len = 0 ;
}

static void put (ctx *c, char const *s, size_t n)
{
  if (c->mode == SO_MIME_SCAN || c->err) return ;
  for (size_t i = 0 ; i < n && !c->out8 ; i++) c->out8 = (unsigned char)s[i] > 127 ;
  if (!stralloc_catb(&c->out, s, n)) { c->err = errno ; return ; }
  if (c->out.len >= 65536) flush(c) ;
}

static int has8 (char const *s, size_t n)
{
  for (size_t i = 0 ; i < n ; i++) if ((unsigned char)s[i] > 127) return 1 ;
  return 0 ;
}

/* the end of the line at i (after its LF, or n), and its length without CRLF in *len */
static size_t eol (char const *s, size_t n, size_t i, size_t *len)
{
  char const *nl = memchr(s + i, '\n', n - i) ;
  size_t e = nl ? (size_t)(nl - s) : n ;
  *len = e - i - (e > i && nl && s[e - 1] == '\r') ;
  return nl ? e + 1 : n ;
}

int so_longline (char const *s, size_t n)
{
  size_t len ;
  for (size_t i = 0 ; i < n ; i = eol(s, n, i, &len)) { eol(s, n, i, &len) ; if (len > MAXLINE) return 1 ; }
  return 0 ;
}

/* length of the header block with its empty line (all of s if none) */
static size_t hdrlen (char const *s, size_t n)
{
  size_t len ;
  for (size_t i = 0 ; i < n ; )
  {
    size_t e = eol(s, n, i, &len) ;
    if (!len && e > i && s[i] != ' ' && s[i] != '\t') return e ;
    i = e ;
  }
  return n ;
}

/* 1 if the field starting at h (a line not starting with blanks) is name */
static int isfield (char const *h, size_t n, char const *name)
{
  size_t k = strlen(name) ;
  return n > k && !strncasecmp(h, name, k) && h[k] == ':' ;
}

/* the value of field name in the header block, unfolded, into v: 1, 0
   absent, -1 ENOMEM */
static int field (char const *h, size_t hl, char const *name, stralloc *v)
{
  size_t len, k = strlen(name) + 1 ;
  v->len = 0 ;
  for (size_t i = 0 ; i < hl ; )
  {
    size_t e = eol(h, hl, i, &len) ;
    if (!isfield(h + i, len, name)) { i = e ; continue ; }
    if (!stralloc_catb(v, h + i + k, len - k)) return -1 ;
    for (i = e ; i < hl && (h[i] == ' ' || h[i] == '\t') ; i = e)
    {
      e = eol(h, hl, i, &len) ;
      if (!stralloc_catb(v, h + i, len)) return -1 ;
    }
    return 1 ;
  }
  return 0 ;
}

enum { LEAF, MULTI, MESSAGE } ;

/* the kind of entity, and a multipart's boundary into bd (1 to 70 bytes) */
static int ctype (ctx *c, char const *h, size_t hl, char *bd, size_t *bdl)
{
  stralloc v = STRALLOC_ZERO ;
  size_t i = 0, k ;
  int kind = LEAF, r = field(h, hl, "Content-Type", &v) ;
  if (r <= 0) { if (r < 0) c->err = ENOMEM ; goto end ; }
  while (i < v.len && (v.s[i] == ' ' || v.s[i] == '\t')) i++ ;
  if (v.len - i >= 14 && !strncasecmp(v.s + i, "message/rfc822", 14)) { kind = MESSAGE ; goto end ; }
  if (v.len - i < 10 || strncasecmp(v.s + i, "multipart/", 10)) goto end ;
  for (; i + 9 <= v.len ; i++)
    if (!strncasecmp(v.s + i, "boundary=", 9) && (v.s[i - 1] == ';' || v.s[i - 1] == ' ' || v.s[i - 1] == '\t')) break ;
  if (i + 9 > v.len) goto end ;
  i += 9 ;
  if (i < v.len && v.s[i] == '"')
    for (i++, k = 0 ; i < v.len && v.s[i] != '"' && k < 70 ; i++) bd[k++] = v.s[i] ;
  else
    for (k = 0 ; i < v.len && !strchr("; \t\r\n", v.s[i]) && k < 70 ; i++) bd[k++] = v.s[i] ;
  if (k) { *bdl = k ; kind = MULTI ; }
 end:
  stralloc_free(&v) ;
  return kind ;
}

/* A header line over 998 bytes, folded before blanks: 0 if it has none
   where one is needed. */
static int fold (ctx *c, char const *s, size_t n)
{
  size_t p = 0 ;
  while (n - p > MAXLINE)
  {
    size_t w = p + MAXLINE ;
    while (w > p && s[w] != ' ' && s[w] != '\t') w-- ;
    if (w == p) return 0 ;
    put(c, s + p, w - p) ;
    put(c, "\r\n", 2) ;
    p = w ;
  }
  put(c, s + p, n - p) ;
  return 1 ;
}

/* The header block, lines over 998 folded; with cte, its
   Content-Transfer-Encoding becomes cte (and a message's top gets
   MIME-Version). */
static void headers (ctx *c, char const *h, size_t hl, char const *cte, int top)
{
  size_t len, i = 0 ;
  int skip = 0, mimever = 0 ;
  if (has8(h, hl)) c->hdr8 = 1 ;
  while (i < hl)
  {
    size_t e = eol(h, hl, i, &len) ;
    if (!len && h[i] != ' ' && h[i] != '\t') break ;
    if (h[i] != ' ' && h[i] != '\t') skip = cte && isfield(h + i, len, "Content-Transfer-Encoding") ;
    mimever |= isfield(h + i, len, "MIME-Version") ;
    if (!skip)
    {
      if (len > MAXLINE && !fold(c, h + i, len)) c->bad = "a header line over 998 bytes that cannot be folded" ;
      else if (len <= MAXLINE) put(c, h + i, len) ;
      put(c, h + i + len, e - i - len) ;
    }
    i = e ;
  }
  if (cte) { put(c, "Content-Transfer-Encoding: ", 27) ; put(c, cte, strlen(cte)) ; put(c, "\r\n", 2) ; }
  if (cte && top && !mimever) put(c, "MIME-Version: 1.0\r\n", 19) ;
  put(c, h + i, hl - i) ;
}

/* quoted-printable (RFC 2045 6.7): CRLF stays a line break */
static void qp (ctx *c, char const *s, size_t n)
{
  static char const hex[] = "0123456789ABCDEF" ;
  size_t col = 0 ;
  for (size_t i = 0 ; i < n ; i++)
  {
    unsigned char b = s[i] ;
    int end = i + 1 == n || (s[i + 1] == '\r' && i + 2 < n && s[i + 2] == '\n') ;
    char t[3] = { '=', hex[b >> 4], hex[b & 15] } ;
    size_t k = b == '=' || b > 126 || (b < 32 && b != '\t') || ((b == ' ' || b == '\t') && end) ? 3 : 1 ;
    if (b == '\r' && i + 1 < n && s[i + 1] == '\n') { put(c, "\r\n", 2) ; i++ ; col = 0 ; continue ; }
    if (col + k > 75) { put(c, "=\r\n", 3) ; col = 0 ; }
    if (k == 1) t[0] = b ;
    put(c, t, k) ;
    col += k ;
  }
}

/* base64 again in lines of 76 (what is not of its alphabet dropped) */
static void rewrap64 (ctx *c, char const *s, size_t n)
{
  size_t col = 0 ;
  for (size_t i = 0 ; i < n ; i++)
  {
    char b = s[i] ;
    if (!((b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '+' || b == '/' || b == '=')) continue ;
    if (col == 76) { put(c, "\r\n", 2) ; col = 0 ; }
    put(c, &b, 1) ;
    col++ ;
  }
  if (col) put(c, "\r\n", 2) ;
}

/* a leaf: as it is, or re-encoded when it has a long line, or 8-bit
   bytes in SO_MIME_8BIT mode */
static void leaf (ctx *c, char const *h, size_t hl, char const *b, size_t bl, int top)
{
  int cte = tern_cte_kind(h, hl) ;
  if (c->mode == SO_MIME_SCAN || !(so_longline(b, bl) || (c->mode == SO_MIME_8BIT && has8(b, bl))))
  {
    headers(c, h, hl, 0, top) ;
    put(c, b, bl) ;
    return ;
  }
  if (cte < 0) c->bad = "a part in an encoding tern cannot convert" ;
  headers(c, h, hl, cte == TERN_CTE_NONE ? "quoted-printable" : 0, top) ;
  if (cte < 0) put(c, b, bl) ;
  else if (cte == TERN_CTE_BASE64) rewrap64(c, b, bl) ;
  else if (cte == TERN_CTE_NONE) qp(c, b, bl) ;
  else
  {
    stralloc d = STRALLOC_ZERO ;
    if (!tern_cte_decode(&d, b, bl, cte)) c->err = errno ;
    else qp(c, d.s, d.len) ;
    stralloc_free(&d) ;
  }
}

/* text outside parts (preamble, epilogue): long lines broken, 8-bit bytes
   cannot be labelled */
static void plain (ctx *c, char const *s, size_t n)
{
  size_t len ;
  if (c->mode == SO_MIME_8BIT && has8(s, n)) c->bad = "8-bit text outside the MIME parts" ;
  for (size_t i = 0, e ; i < n ; i = e)
  {
    e = eol(s, n, i, &len) ;
    for (; len > MAXLINE ; len -= MAXLINE, i += MAXLINE) { put(c, s + i, MAXLINE) ; put(c, "\r\n", 2) ; }
    put(c, s + i, e - i) ;
  }
}

/* the line start of the next delimiter "--bd" or "--bd--" at or after i
   (n if none), *close set for the last one */
static size_t delim (char const *s, size_t n, size_t i, char const *bd, size_t bdl, int *close)
{
  size_t len ;
  for (; i < n ; i = eol(s, n, i, &len))
  {
    size_t k = 2 + bdl ;
    eol(s, n, i, &len) ;
    if (len < k || s[i] != '-' || s[i + 1] != '-' || memcmp(s + i + 2, bd, bdl)) continue ;
    *close = len >= k + 2 && s[i + k] == '-' && s[i + k + 1] == '-' ;
    if (*close) k += 2 ;
    while (k < len && (s[i + k] == ' ' || s[i + k] == '\t')) k++ ;
    if (k == len) return i ;
  }
  return n ;
}

static void entity (ctx *c, char const *s, size_t n, int depth, int top) ;

/* 1 if the header block labels its entity 8bit or binary */
static int says8 (ctx *c, char const *h, size_t hl)
{
  stralloc v = STRALLOC_ZERO ;
  size_t i = 0 ;
  int r = field(h, hl, "Content-Transfer-Encoding", &v), yes = 0 ;
  if (r < 0) c->err = ENOMEM ;
  while (r > 0 && i < v.len && (v.s[i] == ' ' || v.s[i] == '\t')) i++ ;
  if (r > 0) yes = (v.len - i >= 4 && !strncasecmp(v.s + i, "8bit", 4)) || (v.len - i >= 6 && !strncasecmp(v.s + i, "binary", 6)) ;
  stralloc_free(&v) ;
  return yes ;
}

static void multipart (ctx *c, char const *b, size_t n, char const *bd, size_t bdl, int depth)
{
  int close = 0 ;
  size_t len, d = delim(b, n, 0, bd, bdl, &close) ;
  plain(c, b, d) ;
  while (d < n)
  {
    size_t e = eol(b, n, d, &len), d2, pe ;
    if (len <= MAXLINE) put(c, b + d, e - d) ;
    else { put(c, b + d, 2 + bdl + 2 * close) ; put(c, b + d + len, e - d - len) ; }  /* blanks after it mean nothing */
    if (close) { plain(c, b + e, n - e) ; return ; }
    d2 = delim(b, n, e, bd, bdl, &close) ;
    pe = d2 ;
    if (d2 < n && pe > e && b[pe - 1] == '\n') pe-- ;
    if (d2 < n && pe > e && b[pe - 1] == '\r') pe-- ;
    entity(c, b + e, pe - e, depth + 1, 0) ;
    put(c, b + pe, d2 - pe) ;
    d = d2 ;
  }
}

static void entity (ctx *c, char const *s, size_t n, int depth, int top)
{
  char bd[70] ;
  size_t bdl = 0, hl = hdrlen(s, n) ;
  int kind = depth < DEPTH ? ctype(c, s, hl, bd, &bdl) : LEAF ;
  if (kind != LEAF && tern_cte_kind(s, hl) != TERN_CTE_NONE) kind = LEAF ;  /* RFC 2045 6.4: not encoded */
  if (kind == LEAF) { leaf(c, s, hl, s + hl, n - hl, top) ; return ; }
  headers(c, s, hl, c->mode == SO_MIME_8BIT && says8(c, s, hl) ? "7bit" : 0, top) ;  /* its parts are 7-bit now */
  if (kind == MULTI) multipart(c, s + hl, n - hl, bd, bdl, depth) ;
  else entity(c, s + hl, n - hl, depth + 1, 0) ;
}

/* a temporary file in $TMPDIR (default /tmp), unlinked: fd, or -1 */
int so_tmpfile (void)
{
  char const *dir = getenv("TMPDIR") ;
  size_t dlen ;
  int fd ;
  if (!dir || !*dir) dir = "/tmp" ;
  dlen = strlen(dir) ;
  {
    char path[dlen + 24] ;
    memcpy(path, dir, dlen) ;
    memcpy(path + dlen, "/tern-smtp-out.XXXXXX", 22) ;
    fd = mkstemp(path) ;
    if (fd < 0) return -1 ;
    unlink(path) ;
  }
  if (coe(fd) < 0) { fd_close(fd) ; return -1 ; }
  return fd ;
}

int so_mime (sout *o, int mode, char const **why)
{
  ctx c = { .mode = mode, .fd = -1, .out = STRALLOC_ZERO } ;
  size_t n = o->msgoff + o->msglen ;
  char *map ;
  *why = 0 ;
  if (!o->msglen) return 1 ;
  map = mmap(0, n, PROT_READ, MAP_PRIVATE, o->msgfd, 0) ;
  if (map == MAP_FAILED) return -1 ;
  if (mode != SO_MIME_SCAN && (c.fd = so_tmpfile()) < 0) { munmap(map, n) ; return -1 ; }
  entity(&c, map + o->msgoff, o->msglen, 0, 1) ;
  flush(&c) ;
  munmap(map, n) ;
  if (mode == SO_MIME_8BIT && c.out8 && !c.bad) c.bad = "8-bit header fields" ;
  stralloc_free(&c.out) ;
  o->hdr8 = c.hdr8 ;
  if (c.err || c.bad || mode == SO_MIME_SCAN)
  {
    if (c.fd >= 0) fd_close(c.fd) ;
    errno = c.err ;
    *why = c.bad ;
    return c.err ? -1 : !c.bad ;
  }
  if (o->msgfd > 0) fd_close(o->msgfd) ;
  o->msgfd = c.fd ; o->msgoff = 0 ;
  o->msglen = (unsigned long long)lseek(c.fd, 0, SEEK_END) ;
  o->need8 = c.out8 ;
  o->longline = 0 ;
  return 1 ;
}
