/* tern-sendmail-msg.c: the message as read, normalised: CRLF line ends,
   a final newline, lines of at most 998 bytes, Bcc removed, the header
   ended by an empty line; and the To/Cc/Bcc values for -t. */
#include <string.h>
#include "tern-sendmail.h"

typedef struct st_s st ;
struct st_s
{
  smmsg *m ;
  int inhdr ;   /* still in the header */
  int skip ;    /* in a Bcc field: drop its continuation lines */
  int keep ;    /* in a To/Cc/Bcc field: collect its continuation lines */
  int nfield ;
} ;

/* length of the field name if s is "name:" or "name WSP :", else 0 */
static size_t fieldname (char const *s, size_t len)
{
  size_t n = 0, k ;
  while (n < len && (unsigned char)s[n] > 32 && (unsigned char)s[n] < 127 && s[n] != ':') n++ ;
  for (k = n ; k < len && (s[k] == ' ' || s[k] == '\t') ; k++) ;
  return n && k < len && s[k] == ':' ? n : 0 ;
}

static int is (char const *s, size_t n, char const *name)
{
  size_t i = 0 ;
  if (strlen(name) != n) return 0 ;
  for (; i < n ; i++) if ((s[i] | 0x20) != name[i]) return 0 ;
  return 1 ;
}

/* a header line, folded at the last blank before the limit, else broken
   with CRLF SP; a body line broken with CRLF */
static int put (st *x, char const *s, size_t len)
{
  stralloc *o = &x->m->out ;
  size_t pre = 0 ;  /* bytes already on the output line: the fold's blank */
  while (pre + len > SM_LINEMAX)
  {
    size_t cut = SM_LINEMAX - pre, k = cut ;
    int fold = 0 ;
    if (x->inhdr)
    {
      while (k > 1 && s[k] != ' ' && s[k] != '\t') k-- ;
      if (k > 1) cut = k ; else fold = 1 ;
    }
    if (!stralloc_catb(o, s, cut) || !stralloc_catb(o, fold ? "\r\n " : "\r\n", 2 + fold)) return 0 ;
    pre = fold ;
    s += cut ; len -= cut ;
  }
  return stralloc_catb(o, s, len) && stralloc_catb(o, "\r\n", 2) ;
}

static int endhdr (st *x)
{
  x->inhdr = 0 ;
  x->m->hdrend = x->m->out.len ;
  return stralloc_catb(&x->m->out, "\r\n", 2) ;
}

static int hdrline (st *x, char const *s, size_t len)
{
  smmsg *m = x->m ;
  size_t n ;
  if (len && (s[0] == ' ' || s[0] == '\t') && x->nfield)
  {
    if (x->keep)
    {
      m->rcpt.len-- ;  /* the value goes on: unfold */
      if (!stralloc_catb(&m->rcpt, s, len) || !stralloc_catb(&m->rcpt, "\n", 1)) return 0 ;
    }
    return x->skip ? 1 : put(x, s, len) ;
  }
  n = fieldname(s, len) ;
  if (!n) return endhdr(x) && (len ? put(x, s, len) : 1) ;
  x->nfield++ ;
  x->skip = is(s, n, "bcc") ;
  x->keep = x->skip || is(s, n, "to") || is(s, n, "cc") ;
  m->hasfrom |= is(s, n, "from") ;
  m->hasdate |= is(s, n, "date") ;
  m->hasmsgid |= is(s, n, "message-id") ;
  if (x->keep)
  {
    char const *colon = memchr(s, ':', len) ;
    if (!stralloc_catb(&m->rcpt, colon + 1, len - (colon + 1 - s)) || !stralloc_catb(&m->rcpt, "\n", 1)) return 0 ;
  }
  return x->skip ? 1 : put(x, s, len) ;
}

/* the next line of s from *pos: its length; *pos moves past its end */
static size_t nextline (char const *s, size_t len, size_t *pos)
{
  size_t i = *pos, n ;
  while (i < len && s[i] != '\n' && s[i] != '\r') i++ ;
  n = i - *pos ;
  if (i < len && s[i] == '\r') i++ ;
  if (i < len && s[i] == '\n' && (i == *pos + n || s[i - 1] == '\r')) i++ ;
  *pos = i ;
  return n ;
}

int sm_msg (smmsg *m, char const *s, size_t len, int dotstop)
{
  st x = { .m = m, .inhdr = 1 } ;
  size_t pos = 0 ;
  m->out.len = m->rcpt.len = m->hdrend = 0 ;
  m->hasfrom = m->hasdate = m->hasmsgid = m->eightbit = 0 ;
  if (len >= 5 && !memcmp(s, "From ", 5)) nextline(s, len, &pos) ;
  while (pos < len)
  {
    size_t start = pos, n = nextline(s, len, &pos) ;
    if (dotstop && n == 1 && s[start] == '.') break ;
    if (x.inhdr ? !hdrline(&x, s + start, n) : !put(&x, s + start, n)) return 0 ;
  }
  if (x.inhdr && !endhdr(&x)) return 0 ;
  for (size_t i = 0 ; i < m->out.len && !m->eightbit ; i++) m->eightbit = (unsigned char)m->out.s[i] > 127 ;
  return 1 ;
}

void sm_msg_free (smmsg *m)
{
  stralloc_free(&m->out) ;
  stralloc_free(&m->rcpt) ;
}
