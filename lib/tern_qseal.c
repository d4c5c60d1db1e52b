/* tern_qseal: the sealed first line of a message file (tern-queue.5,
   "Message files"): "tern-queue 3 SIZE SUM ID\n", SIZE the bytes after
   the line in 16 hex digits, SUM their CRC-32 (zlib's) in 8, ID the
   message's; format 2 (still read) has their SHA-256 in 64 digits instead.
   A file is whole when both match: after a power loss only a whole file
   is taken for a message.  check reads the file once, in 64 KiB steps. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
/* zlib and skalibs both typedef free_func */
#define free_func zlib_free_func
#include <zlib.h>
#undef free_func
#include <bearssl.h>
#include <skalibs/uint64.h>
#include "tern.h"
#include "tern_crypto.h"
#include "tern_queue.h"

uint32_t tern_qseal_sum (uint32_t sum, char const *s, size_t n)
{
  return (uint32_t)crc32_z(sum, (unsigned char const *)s, n) ;
}

static size_t line (char *s, char const *id)
{
  size_t n = strlen(id) ;
  memcpy(s, TERN_QSEAL_MAGIC, TERN_QSEAL_SIZEAT) ;
  s[TERN_QSEAL_SUMAT - 1] = ' ' ;
  s[TERN_QSEAL_IDAT - 1] = ' ' ;
  memcpy(s + TERN_QSEAL_IDAT, id, n) ;
  s[TERN_QSEAL_IDAT + n] = '\n' ;
  return TERN_QSEAL_IDAT + n + 1 ;
}

size_t tern_qseal_fmt (char *s, char const *id, uint64_t size, uint32_t sum)
{
  size_t n = line(s, id) ;
  /* skalibs' xfmt: lower case, zero-padded to the width (16 digits hold
     64 bits, 8 hold 32: never longer) */
  uint640_xfmt(s + TERN_QSEAL_SIZEAT, size, 16) ;
  uint640_xfmt(s + TERN_QSEAL_SUMAT, sum, 8) ;
  return n ;
}

size_t tern_qseal_unsealed (char *s, char const *id)
{
  size_t n = line(s, id) ;
  memset(s + TERN_QSEAL_SIZEAT, 'x', 16) ;
  memset(s + TERN_QSEAL_SUMAT, 'x', 8) ;
  return n ;
}

int tern_qseal_is (char const *s, size_t len)
{
  if (len < TERN_QSEAL_SIZEAT) return 0 ;
  if (!memcmp(s, TERN_QSEAL_MAGIC, TERN_QSEAL_SIZEAT)) return 3 ;
  if (!memcmp(s, TERN_QSEAL2_MAGIC, TERN_QSEAL_SIZEAT)) return 2 ;
  return 0 ;
}

static int lowhex (char const *s, size_t n)
{
  for (size_t i = 0 ; i < n ; i++)
    if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return 0 ;
  return 1 ;
}

static int notwhole (void)
{
  errno = EPROTO ;
  return 0 ;
}

int tern_qseal_check (int fd, uint64_t st_size, char *id)
{
  char line[TERN_QSEAL_MAX] ;
  char buf[65536] ;
  br_sha256_context h ;
  uint32_t sum = 0 ;
  uint64_t size, off ;
  size_t n = 0, idlen, idat, sumlen ;
  int format ;
  char *nl ;
  while (n < sizeof line)
  {
    ssize_t r = pread(fd, line + n, sizeof line - n, (off_t)n) ;
    if (r < 0) { if (errno == EINTR) continue ; return -1 ; }
    if (!r) break ;
    n += (size_t)r ;
  }
  format = tern_qseal_is(line, n) ;
  idat = format == 2 ? TERN_QSEAL2_IDAT : TERN_QSEAL_IDAT ;
  sumlen = idat - 1 - TERN_QSEAL_SUMAT ;
  /* the unsealed line's x's are not hex: an open file is never whole */
  if (!format || n < idat + 2 || line[TERN_QSEAL_SUMAT - 1] != ' ' || line[idat - 1] != ' '
   || !lowhex(line + TERN_QSEAL_SIZEAT, 16) || !lowhex(line + TERN_QSEAL_SUMAT, sumlen)) return notwhole() ;
  nl = memchr(line + idat, '\n', n - idat) ;
  if (!nl) return notwhole() ;
  idlen = (size_t)(nl - (line + idat)) ;
  if (idlen >= TERN_QUEUE_IDMAX || memchr(line + idat, 0, idlen)) return notwhole() ;
  memcpy(id, line + idat, idlen) ;
  id[idlen] = 0 ;
  if (!tern_queue_idvalid(id)) return notwhole() ;
  /* lowhex above: 16 and 8 digits, each ended by a space */
  uint64_xscan(line + TERN_QSEAL_SIZEAT, &size) ;
  off = idat + idlen + 1 ;
  if (st_size < off || size != st_size - off) return notwhole() ;
  if (format == 2) br_sha256_init(&h) ;
  while (off < st_size)
  {
    size_t want_n = st_size - off < sizeof buf ? (size_t)(st_size - off) : sizeof buf ;
    ssize_t r = pread(fd, buf, want_n, (off_t)off) ;
    if (r < 0) { if (errno == EINTR) continue ; return -1 ; }
    if (!r) return notwhole() ;  /* shorter than its stat */
    if (format == 2) br_sha256_update(&h, buf, (size_t)r) ;
    else sum = tern_qseal_sum(sum, buf, (size_t)r) ;
    off += (uint64_t)r ;
  }
  if (format == 2)
  {
    /* format 2's unsealed line was all zeros: no SHA-256 is zero */
    unsigned char want[32], got[32] ;
    tern_hex_scan(want, 32, line + TERN_QSEAL_SUMAT) ;
    br_sha256_out(&h, got) ;
    return memcmp(got, want, 32) ? notwhole() : 1 ;
  }
  {
    uint64_t want ;
    uint64_xscan(line + TERN_QSEAL_SUMAT, &want) ;
    return want == sum ? 1 : notwhole() ;
  }
}
