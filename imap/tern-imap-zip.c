/* tern-imap-zip: COMPRESS=DEFLATE (RFC 4978): after the OK, raw deflate
   (zlib, windowBits -15) both ways, in fixed buffers; output is flushed
   (Z_SYNC_FLUSH) at the end of a burst of replies, never per line. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
/* zlib and skalibs both typedef free_func */
#define free_func zlib_free_func
#include <zlib.h>
#undef free_func
#include <skalibs/strerr.h>
#include "tern.h"
#include "tern-imap.h"

static z_stream zi, zo ;
static int on = 0, dirty = 0, full = 0 ;
static unsigned char zin[16384], zout[16384] ;

int zip_on (void)
{
  return on ;
}

/* inflate holds input or output not yet taken */
int zip_pending (void)
{
  return on && (zi.avail_in || full) ;
}

/* compression starts: pending (n bytes) is input already read after the
   COMPRESS command, compressed */
void zip_start (char const *pending, size_t n)
{
  memset(&zi, 0, sizeof zi) ;
  memset(&zo, 0, sizeof zo) ;
  if (inflateInit2(&zi, -15) != Z_OK) strerr_dief(111, "inflateInit2 failed") ;
  if (deflateInit2(&zo, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    strerr_dief(111, "deflateInit2 failed") ;
  if (n > sizeof zin) n = sizeof zin ;   /* never: io's buffer is as large */
  memcpy(zin, pending, n) ;
  zi.next_in = zin ;
  zi.avail_in = (uInt)n ;
  on = 1 ;
}

void zip_end (void)
{
  if (!on) return ;
  inflateEnd(&zi) ;
  deflateEnd(&zo) ;
  on = 0 ;
}

static char const *zerr = "" ;

/* why zip_in failed */
char const *zip_error (void)
{
  return zerr ;
}

/* inflates what is buffered into buf (max bytes): the bytes made, 0 when
   more input is needed, -1 on corrupt input or its end (zip_error) */
ssize_t zip_in (char *buf, size_t max)
{
  int r ;
  zi.next_out = (unsigned char *)buf ;
  zi.avail_out = (uInt)max ;
  r = inflate(&zi, Z_SYNC_FLUSH) ;
  full = !zi.avail_out ;
  if (r == Z_STREAM_END) { zerr = "end of the compressed stream" ; return -1 ; }
  if (r != Z_OK && r != Z_BUF_ERROR) { zerr = zi.msg ? zi.msg : "corrupt data" ; return -1 ; }
  return (ssize_t)(max - zi.avail_out) ;
}

/* reads compressed input from fd (inflate has taken all before): read()'s result */
ssize_t zip_read (int fd)
{
  ssize_t r ;
  do r = read(fd, zin, sizeof zin) ; while (r < 0 && errno == EINTR) ;
  zi.next_in = zin ;
  zi.avail_in = r > 0 ? (uInt)r : 0 ;
  return r ;
}

static void put (unsigned char const *s, size_t n)
{
  while (n)
  {
    ssize_t r = write(S.outfd, s, n) ;
    if (r < 0)
    {
      if (errno == EINTR) continue ;
      strerr_diefusys(111, "write to the client") ;
    }
    s += r ; n -= (size_t)r ;
  }
}

/* deflates n bytes of s to the client; flush: the end of a burst */
void zip_out (char const *s, size_t n, int flush)
{
  if (!n && (!flush || !dirty)) return ;
  zo.next_in = (unsigned char *)s ;
  zo.avail_in = (uInt)n ;
  dirty = 1 ;
  do
  {
    zo.next_out = zout ;
    zo.avail_out = sizeof zout ;
    if (deflate(&zo, flush ? Z_SYNC_FLUSH : Z_NO_FLUSH) == Z_STREAM_ERROR) strerr_dief(111, "deflate failed") ;
    put(zout, sizeof zout - zo.avail_out) ;
  } while (!zo.avail_out || zo.avail_in) ;
  if (flush) dirty = 0 ;
}

/* COMPRESS DEFLATE: the OK goes out plain, everything after it compressed */
void cmd_compress (iargs *a)
{
  char const *rest ;
  size_t n ;
  if (a->n != 1 || a->a[0].type != N_ATOM) { out_tagged("BAD", "COMPRESS takes one mechanism") ; return ; }
  if (!imap_isatom(&a->a[0], "DEFLATE")) { out_tagged("BAD", "unknown compression mechanism") ; return ; }
  if (on) { out_tagged("NO", "[COMPRESSIONACTIVE] DEFLATE is active already") ; return ; }
  imap_ok("DEFLATE active") ;
  out_flush() ;
  rest = io_rest(&n) ;
  zip_start(rest, n) ;
}
