/* fuzz-sortkeys: arbitrary bytes as tern-imap's sort-key file
   (tern-store.5 sortkeys), checked by sortfile_head and sortfile_check
   and, when they pass, read record by record: every string must lie
   inside the bytes.  The first byte picks whether each section gets a
   valid SipHash (so the fuzzer reaches the structure checks) and the
   UIDVALIDITY and UIDNEXT the file is checked against. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "../imap/tern-imap.h"
#include "../imap/tern-imap-sortfile.c"

isession S ;
char const *sort_str (uint32_t off) { (void)off ; return "" ; }
uint32_t const *sort_rank (skey const *k, size_t n, unsigned int s) { (void)k ; (void)n ; (void)s ; return 0 ; }

/* the SipHash of each whole section of s[0..len) put right */
static void seal_all (unsigned char *s, size_t len)
{
  sfile g = { .n = get32(s + 20), .slen = get32(s + 24) } ;
  if (g.n > len || g.slen > len) return ;
  for (unsigned int k = 0 ; k < SF_NSEC ; k++)
  {
    size_t a = secstart(&g, k), l = seclen(&g, k) ;
    uint64_t h ;
    if (a + l + 8 > len) return ;
    h = sechash(s + a, l, k) ;
    for (unsigned int i = 0 ; i < 8 ; i++) s[a + l + i] = (unsigned char)(h >> 8 * i) ;
  }
}

static void walk (sfile *f, unsigned char const *s, size_t len, uint32_t uidnext)
{
  uint32_t uid, last = 0, rk[SK_NSORT] ;
  int64_t date ;
  int reply ;
  char const *str[SF_NSTR] ;
  while (sortfile_next(f, &uid, &date, &reply, rk, str))
  {
    if (uid <= last || uid >= uidnext || reply > 1) abort() ;
    last = uid ;
    for (unsigned int k = 0 ; k < SF_NSTR ; k++)
      if ((unsigned char const *)str[k] < s || (unsigned char const *)str[k] + strlen(str[k]) >= s + len - 8) abort() ;
  }
  if (f->i != f->n) abort() ;
}

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  unsigned char *s ;
  size_t len ;
  sfile f ;
  uint32_t uv = 1, uidnext ;
  if (!size) return 0 ;
  len = size - 1 ;
  s = malloc(len + 1) ;
  if (!s) return 0 ;
  memcpy(s, data + 1, len) ;
  if (len >= SF_HEAD) uv = get32(s + 16) ;   /* the file's own: its sections get checked */
  if (data[0] & 2) uv++ ;
  uidnext = data[0] & 4 ? 0xffffffffu : 1000 ;
  if (len >= SF_HEAD && data[0] & 1) seal_all(s, len) ;
  memset(&f, 0, sizeof f) ;
  if (sortfile_head(&f, s, len, uv, uidnext))
  {
    for (size_t i = 0 ; i < f.n ; i++) if (sortfile_uid(&f, i) >= uidnext) abort() ;
    if (sortfile_section(&f, 2) && f.n && sortfile_rank(&f, 0, f.n - 1) != get32(s + secstart(&f, 2) + 4 * (f.n - 1))) abort() ;
  }
  memset(&f, 0, sizeof f) ;
  if (sortfile_check(&f, s, len, uv, uidnext)) walk(&f, s, len, uidnext) ;
  free(s) ;
  return 0 ;
}
