/* fuzz-qseal: arbitrary bytes as a message file for tern_qseal_check
   (tern-queue.5 "Message files"), in /dev/shm.  First byte even: the rest
   is the file; odd: the next byte is an id's length, then the id, then
   the bytes after the first line, sealed by tern_qseal_fmt with their
   size and SHA-256 (so that whole files are reached), and with the first
   byte's bit 1 one byte of the file flipped at the position the next two
   bytes give.  The answer must be the seal's rule as read here: 1 (and
   the id) for a whole file, else 0 with EPROTO. */
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

/* the rule, read from the page: whole, its id into id */
static int whole (uint8_t const *s, size_t n, char *id)
{
  uint8_t const *nl = memchr(s, '\n', n) ;
  size_t line, idlen ;
  uint64_t size = 0 ;
  unsigned char h[32] ;
  char hex[65] ;
  br_sha256_context c ;
  if (!nl) return 0 ;
  line = (size_t)(nl - s) + 1 ;
  if (line < TERN_QSEAL_IDAT + 2 || memcmp(s, TERN_QSEAL_MAGIC, TERN_QSEAL_SIZEAT)) return 0 ;
  if (!lowhex(s + TERN_QSEAL_SIZEAT, 16) || s[TERN_QSEAL_SIZEAT + 16] != ' ') return 0 ;
  if (!lowhex(s + TERN_QSEAL_HASHAT, 64) || s[TERN_QSEAL_HASHAT + 64] != ' ') return 0 ;
  idlen = line - 1 - TERN_QSEAL_IDAT ;
  if (idlen >= TERN_QUEUE_IDMAX) return 0 ;
  memcpy(id, s + TERN_QSEAL_IDAT, idlen) ;
  id[idlen] = 0 ;
  if (strlen(id) != idlen || !tern_queue_idvalid(id)) return 0 ;
  for (unsigned int i = 0 ; i < 16 ; i++)
  {
    uint8_t d = s[TERN_QSEAL_SIZEAT + i] ;
    size = (size << 4) | (uint64_t)(d <= '9' ? d - '0' : d - 'a' + 10) ;
  }
  if (size != n - line) return 0 ;
  br_sha256_init(&c) ;
  br_sha256_update(&c, s + line, n - line) ;
  br_sha256_out(&c, h) ;
  for (unsigned int i = 0 ; i < 32 ; i++) snprintf(hex + 2 * i, 3, "%02x", h[i]) ;
  return !memcmp(hex, s + TERN_QSEAL_HASHAT, 64) ;
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
    char sid[256], line[TERN_QSEAL_MAX + 256] ;
    unsigned char h[32] ;
    size_t idlen, k, at ;
    br_sha256_context c ;
    if (size < 4) return 0 ;
    at = (size_t)data[1] << 8 | data[2] ;
    idlen = data[3] % TERN_QUEUE_IDMAX ;
    if (size < 4 + idlen) return 0 ;
    memcpy(sid, data + 4, idlen) ;
    sid[idlen] = 0 ;
    n = size - 4 - idlen ;
    br_sha256_init(&c) ;
    br_sha256_update(&c, data + 4 + idlen, n) ;
    br_sha256_out(&c, h) ;
    k = tern_qseal_fmt(line, sid, n, h) ;
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
