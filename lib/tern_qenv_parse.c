/* tern_qenv_parse: read the envelope at the head of a queue file
   (tern-queue.5).  Hostile input safe: every line is checked, nothing is
   trusted, memory is bounded by len. */
#include <string.h>
#include <skalibs/types.h>
#include "tern.h"
#include "tern_queue.h"

/* 1 if v has no control character or DEL */
static int clean (char const *v, size_t len)
{
  for (size_t i = 0 ; i < len ; i++)
    if ((unsigned char)v[i] < 32 || (unsigned char)v[i] == 127) return 0 ;
  return 1 ;
}

/* v is "<...>": append the inside, NUL-terminated */
static int path (stralloc *sa, char const *v, size_t len)
{
  if (len < 2 || v[0] != '<' || v[len - 1] != '>') return TERN_PERM ;
  if (memchr(v + 1, '<', len - 2) || memchr(v + 1, '>', len - 2)) return TERN_PERM ;
  return stralloc_catb(sa, v + 1, len - 2) && stralloc_0(sa) ? TERN_OK : TERN_TEMP ;
}

static int once (stralloc *sa, char const *v, size_t len)
{
  if (sa->len) return TERN_PERM ;
  return stralloc_catb(sa, v, len) && stralloc_0(sa) ? TERN_OK : TERN_TEMP ;
}

static int field (tern_qenv *e, char const *k, size_t klen, char const *v, size_t vlen, int hasv, unsigned int *seen)
{
  uint64_t u ;
#define K(s) (klen == sizeof(s) - 1 && !memcmp(k, s, klen))
  if (K("8bitmime") || K("smtputf8") || K("dkim"))
  {
    unsigned int f = K("8bitmime") ? TERN_QENV_8BIT : K("smtputf8") ? TERN_QENV_UTF8 : TERN_QENV_DKIM ;
    if (hasv || (e->flags & f)) return TERN_PERM ;
    e->flags |= f ;
    return TERN_OK ;
  }
  if (!hasv) return TERN_PERM ;
  if (K("time"))
  {
    if (*seen & 1 || !vlen || vlen > 20 || uint64_scan(v, &u) != vlen) return TERN_PERM ;
    *seen |= 1 ; e->time = u ;
    return TERN_OK ;
  }
  if (K("from"))
  {
    if (*seen & 2) return TERN_PERM ;
    *seen |= 2 ;
    return path(&e->from, v, vlen) ;
  }
  if (K("rcpt"))
  {
    if (e->nrcpt >= 1000000) return TERN_PERM ;
    e->nrcpt++ ;
    return path(&e->rcpts, v, vlen) ;
  }
  if (K("account")) return once(&e->account, v, vlen) ;
  if (K("ip")) return once(&e->ip, v, vlen) ;
  if (K("helo")) return once(&e->helo, v, vlen) ;
#undef K
  return TERN_PERM ;
}

int tern_qenv_parse (tern_qenv *e, char const *s, size_t len)
{
  static char const magic[] = "tern-queue 1\n" ;
  unsigned int seen = 0 ;
  size_t i = sizeof magic - 1 ;
  e->time = 0 ; e->flags = 0 ; e->nrcpt = 0 ; e->hdrlen = 0 ;
  e->from.len = e->account.len = e->ip.len = e->helo.len = e->rcpts.len = 0 ;
  if (tern_qseal_is(s, len))
  {
    /* formats 2 and 3: the seal's line (tern_qseal.c checks it; here only its end) */
    char const *nl = memchr(s, '\n', len < TERN_QSEAL_MAX ? len : TERN_QSEAL_MAX) ;
    if (!nl) return TERN_PERM ;
    i = (size_t)(nl - s) + 1 ;
  }
  else if (len < i || memcmp(s, magic, i)) return TERN_PERM ;
  for (;;)
  {
    char const *nl = memchr(s + i, '\n', len - i) ;
    size_t n, sp ;
    int r ;
    if (!nl) return TERN_PERM ;
    n = nl - (s + i) ;
    if (!n) break ;
    if (!clean(s + i, n)) return TERN_PERM ;
    for (sp = 0 ; sp < n && s[i + sp] != ' ' ; sp++) ;
    r = field(e, s + i, sp, s + i + sp + 1, sp < n ? n - sp - 1 : 0, sp < n, &seen) ;
    if (r) return r ;
    i += n + 1 ;
  }
  if (seen != 3 || !e->nrcpt) return TERN_PERM ;
  if (!e->from.len && !stralloc_0(&e->from)) return TERN_TEMP ;
  if (!e->account.len && !stralloc_0(&e->account)) return TERN_TEMP ;
  if (!e->ip.len && !stralloc_0(&e->ip)) return TERN_TEMP ;
  if (!e->helo.len && !stralloc_0(&e->helo)) return TERN_TEMP ;
  e->hdrlen = i + 1 ;
  return TERN_OK ;
}
