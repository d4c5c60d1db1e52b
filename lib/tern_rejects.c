/* tern_rejects: the ring of keys of messages kept in an account's
   rejects mailbox (tern-rejects(5)); a lookup reads the whole ring (32
   KiB), so its cost does not grow with the mailbox.  Not synced: a key
   lost in a crash costs one more copy, never a lost one. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <skalibs/uint32.h>
#include <strings.h>
#include <bearssl.h>
#include "tern_rejects.h"

#define MAGIC "ternrej1"

static int lower (int c)
{
  return c >= 'A' && c <= 'Z' ? c + 32 : c ;
}

size_t tern_rejects_msgid (char const *h, size_t len, char const **out)
{
  for (size_t i = 0 ; i < len ; )
  {
    size_t e = i ;
    while (e < len && h[e] != '\n') e++ ;
    if (e == i || (e == i + 1 && h[i] == '\r')) return 0 ;  /* end of the header */
    while (e + 1 < len && (h[e + 1] == ' ' || h[e + 1] == '\t'))  /* folded */
      for (e++ ; e < len && h[e] != '\n' ; e++) ;
    if (e - i > 11 && !strncasecmp(h + i, "message-id:", 11))
    {
      char const *lt = memchr(h + i + 11, '<', e - i - 11), *gt ;
      if (!lt) return 0 ;
      gt = memchr(lt, '>', h + e - lt) ;
      if (!gt || gt == lt + 1) return 0 ;
      *out = lt + 1 ;
      return (size_t)(gt - lt - 1) ;
    }
    i = e + 1 ;
  }
  return 0 ;
}

/* the Message-ID's hash into key (zeros without one), from buf */
static void idhash (unsigned char *key, char const *buf, size_t n)
{
  br_sha256_context c ;
  unsigned char d[32] ;
  char const *id ;
  size_t len = tern_rejects_msgid(buf, n, &id) ;
  memset(key, 0, 16) ;
  if (!len) return ;
  br_sha256_init(&c) ;
  br_sha256_update(&c, "message-id", 11) ;
  for (size_t i = 0 ; i < len ; i++)
  {
    unsigned char ch = (unsigned char)lower(id[i]) ;
    br_sha256_update(&c, &ch, 1) ;
  }
  br_sha256_out(&c, d) ;
  memcpy(key, d, 16) ;
}

int tern_rejects_key (unsigned char *key, int fd, off_t off)
{
  static char buf[TERN_REJECTS_HDRMAX] ;
  br_sha256_context c ;
  unsigned char d[32] ;
  size_t have = 0 ;
  br_sha256_init(&c) ;
  for (;;)
  {
    char chunk[8192] ;
    ssize_t r = pread(fd, chunk, sizeof chunk, off) ;
    if (r < 0 && errno == EINTR) continue ;
    if (r < 0) return 0 ;
    if (!r) break ;
    br_sha256_update(&c, chunk, (size_t)r) ;
    if (have < sizeof buf)
    {
      size_t k = (size_t)r < sizeof buf - have ? (size_t)r : sizeof buf - have ;
      memcpy(buf + have, chunk, k) ;
      have += k ;
    }
    off += r ;
  }
  br_sha256_out(&c, d) ;
  memcpy(key, d, 16) ;
  idhash(key + 16, buf, have) ;
  return 1 ;
}

/* the whole file into buf: 1 a ring, 0 not one (empty, damaged), -1 */
static int load (int fd, char *buf)
{
  ssize_t r ;
  do r = pread(fd, buf, TERN_REJECTS_SIZE + 1, 0) ;
  while (r < 0 && errno == EINTR) ;
  if (r < 0) return -1 ;
  if (r != TERN_REJECTS_SIZE || memcmp(buf, MAGIC, 8)) return 0 ;
  {
    uint32_t next, slots ;
    uint32_unpack(buf + 8, &next) ;
    uint32_unpack(buf + 12, &slots) ;
    return slots == TERN_REJECTS_SLOTS && next < slots ;
  }
}

static char ring[TERN_REJECTS_SIZE + 1] ;

int tern_rejects_seen (int fd, unsigned char const *key)
{
  static unsigned char const zero[16] ;
  int r = load(fd, ring) ;
  if (r <= 0) return r ;
  for (size_t i = 0 ; i < TERN_REJECTS_SLOTS ; i++)
  {
    unsigned char const *k = (unsigned char const *)ring + TERN_REJECTS_HDR + i * TERN_REJECTS_KEY ;
    if (!memcmp(k, key, 16) && memcmp(k, zero, 16)) return 1 ;
    if (!memcmp(k + 16, key + 16, 16) && memcmp(k + 16, zero, 16)) return 1 ;
  }
  return 0 ;
}

int tern_rejects_add (int fd, unsigned char const *key)
{
  uint32_t next = 0 ;
  int r = load(fd, ring) ;
  if (r < 0) return 0 ;
  if (!r)
  {
    memset(ring, 0, TERN_REJECTS_SIZE) ;
    memcpy(ring, MAGIC, 8) ;
    uint32_pack(ring + 12, TERN_REJECTS_SLOTS) ;
    if (ftruncate(fd, 0) < 0) return 0 ;
  }
  else uint32_unpack(ring + 8, &next) ;
  memcpy(ring + TERN_REJECTS_HDR + (size_t)next * TERN_REJECTS_KEY, key, TERN_REJECTS_KEY) ;
  uint32_pack(ring + 8, (next + 1) % TERN_REJECTS_SLOTS) ;
  if (!r) return pwrite(fd, ring, TERN_REJECTS_SIZE, 0) == TERN_REJECTS_SIZE || (errno = EIO, 0) ;
  /* the key, then the header that points past it */
  if (pwrite(fd, ring + TERN_REJECTS_HDR + (size_t)next * TERN_REJECTS_KEY, TERN_REJECTS_KEY,
    TERN_REJECTS_HDR + (off_t)next * TERN_REJECTS_KEY) != TERN_REJECTS_KEY) return 0 ;
  return pwrite(fd, ring, TERN_REJECTS_HDR, 0) == TERN_REJECTS_HDR ;
}
