/* fuzz-statefile.h: what fuzz-dirsync and fuzz-fssync share: a fuzz
   input written as a shared state file (tern-queue(5): dirsync, fssync)
   of len bytes starting with magic (mlen bytes).  Not a fuzz target. */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The input up to len bytes as it is; when its first byte is odd, the
   magic put in front and zeros after, so that the counters are reached.
   The bytes written go to buf (len bytes); returns their number. */
static size_t fuzz_statefile (char const *path, uint8_t const *data, size_t size,
  unsigned char *buf, size_t len, char const *magic, size_t mlen)
{
  int fd ;
  if (size > len) size = len ;
  memcpy(buf, data, size) ;
  if (size && (data[0] & 1))
  {
    memset(buf + size, 0, len - size) ;
    memcpy(buf, magic, mlen) ;
    size = len ;
  }
  fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600) ;
  if (fd < 0 || write(fd, buf, size) != (ssize_t)size || close(fd) < 0) abort() ;
  return size ;
}
