/* fuzz-qseal: arbitrary bytes as a message file for tern_qseal_check
   (tern-queue.5 "Message files"), in /dev/shm.  First byte even: the rest
   is the file; odd: two bytes of a position, a byte of an id's length
   (its bit 7: format 2), then the id, then the bytes after the first
   line, sealed with their size and CRC-32 by tern_qseal_fmt (format 2:
   their SHA-256, the line written here) so that whole files are reached,
   and with the first byte's bit 1 one byte of the file flipped at that
   position.  The answer must be the seal's rule as read here, either
   format: 1 (and the id) for a whole file, else 0 with EPROTO. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bearssl.h>
#include "tern.h"
#include "tern_queue.h"

static char path[64] ;

static void cleanup (void)
{
  unlink(path) ;
}

static int lowhex (uint8_t const *s, size_t n)
{
  for (size_t i = 0 ; i < n ; i++) if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return 0 ;
  return 1 ;
}

/* CRC-32 bit by bit (reflected, 0xedb88320, ones in and out), not zlib */
static uint32_t crc (uint8_t const *s, size_t n)
{
  uint32_t c = 0xffffffff ;
  for (size_t i = 0 ; i < n ; i++)
  {
    c ^= s[i] ;
    for (unsigned int b = 0 ; b < 8 ; b++) c = c & 1 ? c >> 1 ^ 0xedb88320 : c >> 1 ;
  }
  return c ^ 0xffffffff ;
}

static void sha (uint8_t const *s, size_t n, char *hex)
{
  unsigned char h[32] ;
  br_sha256_context c ;
  br_sha256_init(&c) ;
  br_sha256_update(&c, s, n) ;
  br_sha256_out(&c, h) ;
  for (unsigned int i = 0 ; i < 32 ; i++) snprintf(hex + 2 * i, 3, "%02x", h[i]) ;
}

/* the rule, read from the page: whole, its id into id.  Format 3:
   "tern-queue 3 " SIZE(16) " " SUM(8, CRC-32) " " ID; format 2: the
   same with "2" and a SHA-256 of 64 digits */
static int whole (uint8_t const *s, size_t n, char *id)
{
  uint8_t const *nl = memchr(s, '\n', n) ;
  size_t line, idlen, sumlen, idat ;
  uint64_t size = 0 ;
  char hex[65] ;
  if (!nl) return 0 ;
  line = (size_t)(nl - s) + 1 ;
  if (line >= 13 && !memcmp(s, "tern-queue 3 ", 13)) sumlen = 8 ;
  else if (line >= 13 && !memcmp(s, "tern-queue 2 ", 13)) sumlen = 64 ;
  else return 0 ;
  idat = 30 + sumlen + 1 ;
  if (line < idat + 2) return 0 ;
  if (!lowhex(s + 13, 16) || s[13 + 16] != ' ') return 0 ;
  if (!lowhex(s + 30, sumlen) || s[30 + sumlen] != ' ') return 0 ;
  idlen = line - 1 - idat ;
  if (idlen >= TERN_QUEUE_IDMAX) return 0 ;
  memcpy(id, s + idat, idlen) ;
  id[idlen] = 0 ;
  if (strlen(id) != idlen || !tern_queue_idvalid(id)) return 0 ;
  for (unsigned int i = 0 ; i < 16 ; i++)
  {
    uint8_t d = s[13 + i] ;
    size = (size << 4) | (uint64_t)(d <= '9' ? d - '0' : d - 'a' + 10) ;
  }
  if (size != n - line) return 0 ;
  if (sumlen == 8) snprintf(hex, sizeof hex, "%08lx", (unsigned long)crc(s + line, n - line)) ;
  else sha(s + line, n - line, hex) ;
  return !memcmp(hex, s + 30, sumlen) ;
}

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  char id[TERN_QUEUE_IDMAX + 8], want[TERN_QUEUE_IDMAX] ;
  uint8_t *file = 0 ;
  size_t n ;
  int fd, r, e, w ;
  if (!path[0])
  {
    snprintf(path, sizeof path, "/dev/shm/fuzz-qseal.%d", (int)getpid()) ;
    atexit(&cleanup) ;
  }
  if (!size) return 0 ;
  if (!(data[0] & 1)) { file = (uint8_t *)data + 1 ; n = size - 1 ; }
  else
  {
    char sid[256], line[TERN_QSEAL_MAX + 256], hex[65] ;
    size_t idlen, k, at ;
    if (size < 4) return 0 ;
    at = (size_t)data[1] << 8 | data[2] ;
    idlen = (data[3] & 0x7f) % TERN_QUEUE_IDMAX ;
    if (size < 4 + idlen) return 0 ;
    memcpy(sid, data + 4, idlen) ;
    sid[idlen] = 0 ;
    n = size - 4 - idlen ;
    if (data[3] & 0x80)
    {
      sha(data + 4 + idlen, n, hex) ;
      k = (size_t)snprintf(line, sizeof line, "tern-queue 2 %016llx %s %s\n", (unsigned long long)n, hex, sid) ;
    }
    else k = tern_qseal_fmt(line, sid, n, tern_qseal_sum(0, (char const *)data + 4 + idlen, n)) ;
    if (k > TERN_QSEAL_MAX) abort() ;
    file = malloc(k + n) ;
    if (!file) return 0 ;
    memcpy(file, line, k) ;
    memcpy(file + k, data + 4 + idlen, n) ;
    n += k ;
    if (data[0] & 2 && n) file[at % n] ^= 1 + (data[0] >> 2) ;
  }
  fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600) ;
  if (fd < 0) abort() ;
  if (n && write(fd, file, n) != (ssize_t)n) abort() ;
  close(fd) ;
  fd = open(path, O_RDONLY) ;
  if (fd < 0) abort() ;
  memset(id, 'X', sizeof id) ;
  errno = 0 ;
  r = tern_qseal_check(fd, n, id) ;
  e = errno ;
  close(fd) ;
  w = whole(file, n, want) ;
  if (r == 1 && (!w || strcmp(id, want))) abort() ;   /* whole only by the rule, its own id */
  if (r == 0 && (w || e != EPROTO)) abort() ;        /* not whole: EPROTO */
  if (r != 0 && r != 1) abort() ;                    /* a regular file in /dev/shm reads */
  for (size_t i = TERN_QUEUE_IDMAX ; i < sizeof id ; i++) if (id[i] != 'X') abort() ;   /* id: at most IDMAX bytes */
  if (file != data + 1) free(file) ;
  return 0 ;
}
