/* fuzz-smtpout-mime.c: tern-smtp-out's MIME conversion on hostile
   messages, with its promise checked: a converted copy has no line over
   998 bytes, and no 8-bit byte after the 8BITMIME downgrade.  Includes
   the program part directly, as it is not in libtern. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "../smtp-out/tern-smtp-out-mime.c"

static void check (int fd)
{
  static char buf[1 << 20] ;
  ssize_t n = pread(fd, buf, sizeof buf, 0) ;
  if (n < 0) abort() ;
  if (so_longline(buf, (size_t)n)) abort() ;
}

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  static sout o ;
  char const *why ;
  int fd = memfd_create("fuzz", 0) ;
  if (fd < 0) return 0 ;
  if (write(fd, data, size) != (ssize_t)size) { close(fd) ; return 0 ; }
  for (int mode = SO_MIME_SCAN ; mode <= SO_MIME_8BIT ; mode++)
  {
    int r ;
    memset(&o, 0, sizeof o) ;
    o.msgfd = dup(fd) ; o.msgoff = 0 ; o.msglen = size ;
    r = so_mime(&o, mode, &why) ;
    if (r > 0 && mode != SO_MIME_SCAN)
    {
      check(o.msgfd) ;
      if (mode == SO_MIME_8BIT && o.need8) abort() ;
    }
    close(o.msgfd) ;
  }
  close(fd) ;
  return 0 ;
}
