/* tern_store_keywords: ACCT/mail/ID/keywords, one lower-cased keyword per
   line, line N = bit N-1, append-only, at most 64 (tern-store.5). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include "tern.h"
#include "tern_store.h"

#define KWLEN 100

int tern_keyword_valid (char const *s, size_t len)
{
  if (!len || len > KWLEN || s[0] == '\\' || tern_store_flagscan(s, len)) return 0 ;
  for (size_t i = 0 ; i < len ; i++)
  {
    unsigned char c = (unsigned char)s[i] ;
    if (c <= 0x20 || c >= 0x7f || strchr("(){%*\"\\]", c)) return 0 ;
  }
  return 1 ;
}

static void lower (char *d, char const *s, size_t len)
{
  for (size_t i = 0 ; i < len ; i++) d[i] = (s[i] >= 'A' && s[i] <= 'Z') ? s[i] + 32 : s[i] ;
}

static int has (stralloc const *kw, unsigned int n, char const *s, size_t len, unsigned int *bit)
{
  size_t i = 0 ;
  for (unsigned int k = 0 ; k < n ; k++)
  {
    size_t l = strlen(kw->s + i) ;
    if (l == len && !memcmp(kw->s + i, s, len)) { if (bit) *bit = k ; return 1 ; }
    i += l + 1 ;
  }
  return 0 ;
}

/* complete lines only: a partial last line is a crashed append */
int tern_keywords_parse (stralloc *kw, unsigned int *n, char const *s, size_t len)
{
  size_t i = 0 ;
  kw->len = 0 ; *n = 0 ;
  while (i < len)
  {
    char const *nl = memchr(s + i, '\n', len - i) ;
    char low[KWLEN] ;
    size_t l ;
    if (!nl) break ;
    l = (size_t)(nl - s) - i ;
    if (*n >= TERN_STORE_KWMAX || !tern_keyword_valid(s + i, l)) return (errno = EPROTO, TERN_PERM) ;
    lower(low, s + i, l) ;
    if (memcmp(low, s + i, l) || has(kw, *n, low, l, 0)) return (errno = EPROTO, TERN_PERM) ;
    if (!stralloc_catb(kw, low, l) || !stralloc_0(kw)) return TERN_TEMP ;
    (*n)++ ;
    i += l + 1 ;
  }
  return TERN_OK ;
}

static int kwslurp (tern_mbox *m, stralloc *sa)
{
  stralloc p = STRALLOC_ZERO ;
  int ok ;
  if (!tern_mbox_path(&p, m, "keywords", 0)) return TERN_TEMP ;
  ok = openslurpclose(sa, p.s) ;
  stralloc_free(&p) ;
  if (!ok && errno != ENOENT) return tern_errcode(errno) ;
  return TERN_OK ;
}

int tern_mbox_keywords (tern_mbox *m)
{
  stralloc sa = STRALLOC_ZERO ;
  int r = kwslurp(m, &sa) ;
  if (!r) r = tern_keywords_parse(&m->kw, &m->nkw, sa.s, sa.len) ;
  stralloc_free(&sa) ;
  return r ;
}

static int append (tern_mbox *m, char const *low, size_t len)
{
  stralloc p = STRALLOC_ZERO ;
  char line[KWLEN + 1] ;
  size_t keep = 0 ;
  int fd ;
  for (unsigned int k = 0 ; k < m->nkw ; k++) keep += strlen(m->kw.s + keep) + 1 ;
  if (!tern_mbox_path(&p, m, "keywords", 0)) return TERN_TEMP ;
  fd = open(p.s, O_WRONLY | O_CREAT | O_CLOEXEC, 0600) ;
  stralloc_free(&p) ;
  if (fd < 0) return tern_errcode(errno) ;
  memcpy(line, low, len) ;
  line[len] = '\n' ;
  errno = EIO ;
  if (ftruncate(fd, (off_t)keep) < 0 || pwrite(fd, line, len + 1, (off_t)keep) != (ssize_t)(len + 1))
  {
    int e = errno ;
    close(fd) ;
    return tern_errcode(e) ;
  }
  close(fd) ;
  return TERN_OK ;
}

/* EX lock held.  TERN_PERM with EINVAL for a bad name, EOVERFLOW when all
   64 bits are taken ("no more keywords"). */
int tern_mbox_keyword (tern_mbox *m, char const *name, size_t len, unsigned int *bit)
{
  char low[KWLEN] ;
  int r ;
  if (!tern_keyword_valid(name, len)) return (errno = EINVAL, TERN_PERM) ;
  lower(low, name, len) ;
  r = tern_mbox_keywords(m) ;
  if (r) return r ;
  if (has(&m->kw, m->nkw, low, len, bit)) return TERN_OK ;
  if (m->nkw >= TERN_STORE_KWMAX) return (errno = EOVERFLOW, TERN_PERM) ;
  r = append(m, low, len) ;
  if (r) return r ;
  if (!stralloc_catb(&m->kw, low, len) || !stralloc_0(&m->kw)) return TERN_TEMP ;
  *bit = m->nkw++ ;
  return TERN_OK ;
}

char const *tern_mbox_keywordname (tern_mbox const *m, unsigned int bit)
{
  size_t i = 0 ;
  if (bit >= m->nkw) return 0 ;
  for (unsigned int k = 0 ; k < bit ; k++) i += strlen(m->kw.s + i) + 1 ;
  return m->kw.s + i ;
}
