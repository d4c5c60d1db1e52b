/* tern_dkim_read: a message file read for signing: the header section
   kept (bounded), the body streamed through the relaxed body
   canonicaliser. */
#include <errno.h>
#include <unistd.h>
#include "tern.h"
#include "tern_dkim.h"

#define CHUNK 65536

int tern_dkim_header (int fd, uint64_t off, stralloc *hdr, uint64_t *body)
{
  hdr->len = 0 ;
  for (;;)
  {
    size_t b, hl ;
    ssize_t r ;
    if (!stralloc_readyplus(hdr, CHUNK)) return TERN_TEMP ;
    r = pread(fd, hdr->s + hdr->len, CHUNK, (off_t)(off + hdr->len)) ;
    if (r < 0 && errno == EINTR) continue ;
    if (r < 0) return TERN_TEMP ;
    hdr->len += r ;
    hl = tern_dkim_hdrlen(hdr->s, hdr->len, &b) ;
    if (hl > TERN_DKIM_HDRMAX) return TERN_PERM ;
    if (hl < hdr->len || !r)
    {
      *body = off + b ;
      hdr->len = hl ;
      return TERN_OK ;
    }
  }
}

int tern_dkim_read (int fd, uint64_t off, stralloc *hdr, unsigned char bh[32])
{
  tern_dkim_body b ;
  char buf[CHUNK] ;
  int r = tern_dkim_header(fd, off, hdr, &off) ;
  if (r) return r ;
  tern_dkim_body_init(&b) ;
  for (;;)
  {
    ssize_t n = pread(fd, buf, sizeof buf, (off_t)off) ;
    if (n < 0 && errno == EINTR) continue ;
    if (n < 0) return TERN_TEMP ;
    if (!n) break ;
    off += n ;
    tern_dkim_body_put(&b, buf, n) ;
  }
  tern_dkim_body_end(&b, bh) ;
  return TERN_OK ;
}
