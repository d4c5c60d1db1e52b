/* tern_qseal: the sealed first line of a message file (tern-queue.5,
   "Message files"): "tern-queue 2 SIZE HASH ID\n", SIZE the bytes after
   the line in 16 hex digits, HASH their SHA-256 in 64, ID the message's.
   A file is whole when both match: after a power loss only a whole file
   is taken for a message.  check reads the file once, in 64 KiB steps. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <bearssl.h>
#include <skalibs/uint64.h>
#include "tern.h"
#include "tern_crypto.h"
#include "tern_queue.h"

size_t tern_qseal_fmt (char *s, char const *id, uint64_t size, unsigned char const *hash)
{
  size_t n = strlen(id) ;
  memcpy(s, TERN_QSEAL_MAGIC, TERN_QSEAL_SIZEAT) ;
  uint640_xfmt(s + TERN_QSEAL_SIZEAT, size, 16) ;   /* 16 digits: 64 bits at most */
  s[TERN_QSEAL_HASHAT - 1] = ' ' ;
  if (hash) tern_hex_fmt(s + TERN_QSEAL_HASHAT, hash, 32) ;
  else memset(s + TERN_QSEAL_HASHAT, '0', 64) ;
  s[TERN_QSEAL_IDAT - 1] = ' ' ;
  memcpy(s + TERN_QSEAL_IDAT, id, n) ;
  s[TERN_QSEAL_IDAT + n] = '\n' ;
  return TERN_QSEAL_IDAT + n + 1 ;
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
  unsigned char want[32], got[32] ;
  char buf[65536] ;
  br_sha256_context h ;
  uint64_t size = 0, off ;
  size_t n = 0, idlen ;
  char *nl ;
  while (n < sizeof line)
  {
    ssize_t r = pread(fd, line + n, sizeof line - n, (off_t)n) ;
    if (r < 0) { if (errno == EINTR) continue ; return -1 ; }
    if (!r) break ;
    n += (size_t)r ;
  }
  if (n < TERN_QSEAL_IDAT + 2 || memcmp(line, TERN_QSEAL_MAGIC, TERN_QSEAL_SIZEAT)
   || line[TERN_QSEAL_HASHAT - 1] != ' ' || line[TERN_QSEAL_IDAT - 1] != ' '
   || !lowhex(line + TERN_QSEAL_SIZEAT, 16) || !lowhex(line + TERN_QSEAL_HASHAT, 64)) return notwhole() ;
  nl = memchr(line + TERN_QSEAL_IDAT, '\n', n - TERN_QSEAL_IDAT) ;
  if (!nl) return notwhole() ;
  idlen = (size_t)(nl - (line + TERN_QSEAL_IDAT)) ;
  if (idlen >= TERN_QUEUE_IDMAX || memchr(line + TERN_QSEAL_IDAT, 0, idlen)) return notwhole() ;
  memcpy(id, line + TERN_QSEAL_IDAT, idlen) ;
  id[idlen] = 0 ;
  if (!tern_queue_idvalid(id)) return notwhole() ;
  for (unsigned int i = 0 ; i < 16 ; i++)
  {
    char c = line[TERN_QSEAL_SIZEAT + i] ;
    size = size << 4 | (uint64_t)(c <= '9' ? c - '0' : c - 'a' + 10) ;
  }
  off = TERN_QSEAL_IDAT + idlen + 1 ;
  /* the unsealed line (all zeros) never matches: no SHA-256 is zero */
  if (st_size < off || size != st_size - off) return notwhole() ;
  tern_hex_scan(want, 32, line + TERN_QSEAL_HASHAT) ;
  br_sha256_init(&h) ;
  while (off < st_size)
  {
    size_t want_n = st_size - off < sizeof buf ? (size_t)(st_size - off) : sizeof buf ;
    ssize_t r = pread(fd, buf, want_n, (off_t)off) ;
    if (r < 0) { if (errno == EINTR) continue ; return -1 ; }
    if (!r) return notwhole() ;  /* shorter than its stat */
    br_sha256_update(&h, buf, (size_t)r) ;
    off += (uint64_t)r ;
  }
  br_sha256_out(&h, got) ;
  return memcmp(got, want, 32) ? notwhole() : 1 ;
}
