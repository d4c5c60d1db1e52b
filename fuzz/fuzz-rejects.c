/* fuzz-rejects: the rejects ring (tern-rejects(5)) on hostile bytes: a
   Message-ID found lies inside the header; a file that is not a ring is
   read as empty, and after an add it is one that holds the key. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include "tern_rejects.h"

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  static int fd = -1 ;
  unsigned char key[TERN_REJECTS_KEY] ;
  char const *id = 0 ;
  size_t n = tern_rejects_msgid((char const *)data, size, &id) ;
  if (n && (id < (char const *)data || id + n > (char const *)data + size)) abort() ;
  if (fd < 0) fd = (int)syscall(SYS_memfd_create, "fuzz-rejects", 1u) ;
  if (fd < 0 || ftruncate(fd, 0) < 0 || pwrite(fd, data, size, 0) != (ssize_t)size) return 0 ;
  memset(key, 0x5a, sizeof key) ;
  if (tern_rejects_seen(fd, key) < 0) abort() ;
  if (!tern_rejects_add(fd, key) || tern_rejects_seen(fd, key) != 1) abort() ;
  if (!tern_rejects_key(key, fd, 0)) abort() ;
  return 0 ;
}
