/* fuzz-sortkeys: arbitrary bytes as tern-imap's sort-key file
   (tern-store.5 sortkeys), checked whole by sortfile_check and, when it
   passes, read record by record: every string must lie inside the bytes.
   The first byte picks whether the bytes get a valid SipHash (so the
   fuzzer reaches the record checks) and the UIDVALIDITY they name. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "../imap/tern-imap.h"
#include "../imap/tern-imap-sortfile.c"

isession S ;
char const *sort_str (uint32_t off) { (void)off ; return "" ; }
uint32_t const *sort_rank (skey const *k, size_t n, unsigned int s) { (void)k ; (void)n ; (void)s ; return 0 ; }

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  unsigned char *s ;
  size_t len ;
  sfile f ;
  uint32_t uv = 1, uidnext ;
  if (!size) return 0 ;
  len = size - 1 + (data[0] & 1 ? 8 : 0) ;
  s = malloc(len + 1) ;
  if (!s) return 0 ;
  memcpy(s, data + 1, size - 1) ;
  if (size - 1 >= 20) uv = get32(s + 16) ;   /* the file's own: its records get checked */
  if (data[0] & 2) uv++ ;
  uidnext = data[0] & 4 ? 0xffffffffu : 1000 ;
  if (data[0] & 1)
  {
    uint64_t h = tern_siphash(key, s, size - 1) ;
    for (unsigned int i = 0 ; i < 8 ; i++) s[size - 1 + i] = (unsigned char)(h >> 8 * i) ;
  }
  memset(&f, 0, sizeof f) ;
  if (sortfile_check(&f, s, len, uv, uidnext))
  {
    uint32_t uid, last = 0 ;
    int64_t date ;
    int reply ;
    uint32_t rk[SK_NSORT] ;
    char const *str[SF_NSTR] ;
    while (sortfile_next(&f, &uid, &date, &reply, rk, str))
    {
      if (uid <= last || uid >= uidnext || reply > 1) abort() ;
      last = uid ;
      for (unsigned int k = 0 ; k < SF_NSTR ; k++)
        if ((unsigned char const *)str[k] < s || (unsigned char const *)str[k] + strlen(str[k]) >= s + len - 8) abort() ;
    }
    if (f.off != len - 8) abort() ;
  }
  free(s) ;
  return 0 ;
}
