/* tern_dkim_read: a message file read once for signing: the header
   section kept (bounded), the body streamed through the relaxed body
   canonicaliser. */
#include <errno.h>
#include <unistd.h>
#include "tern.h"
#include "tern_dkim.h"

#define CHUNK 65536

int tern_dkim_read (int fd, uint64_t off, stralloc *hdr, unsigned char bh[32])
{
  tern_dkim_body b ;
  char buf[CHUNK] ;
  size_t body = 0, hl = 0 ;
  int inhdr = 1 ;
  tern_dkim_body_init(&b) ;
  hdr->len = 0 ;
  for (;;)
  {
    ssize_t r = pread(fd, buf, sizeof buf, (off_t)off) ;
    if (r < 0 && errno == EINTR) continue ;
    if (r < 0) return TERN_TEMP ;
    if (!r) break ;
    off += r ;
    if (!inhdr) { tern_dkim_body_put(&b, buf, r) ; continue ; }
    if (!stralloc_catb(hdr, buf, r)) return TERN_TEMP ;
    hl = tern_dkim_hdrlen(hdr->s, hdr->len, &body) ;
    if (hl < hdr->len)
    {
      if (hl > TERN_DKIM_HDRMAX) return TERN_PERM ;
      inhdr = 0 ;
      tern_dkim_body_put(&b, hdr->s + body, hdr->len - body) ;
      hdr->len = hl ;
    }
    else if (hdr->len > TERN_DKIM_HDRMAX) return TERN_PERM ;
  }
  if (inhdr && hdr->len > TERN_DKIM_HDRMAX) return TERN_PERM ;
  tern_dkim_body_end(&b, bh) ;
  return TERN_OK ;
}
