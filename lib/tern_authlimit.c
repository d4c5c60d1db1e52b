/* tern_authlimit: failed logins in DATADIR/authfail/KIND-HEX(key), KIND
   "ip" or "user", the key lower-cased and cut at 64 bytes; each file is
   "COUNT START\n" under flock, START the time of the window's first
   failure.  Shared by tern-smtp-in and tern-imap (see tern_authlimit.h). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <skalibs/types.h>
#include "tern_authlimit.h"

static int keypath (tern_conf const *c, stralloc *p, char const *kind, char const *key, size_t len)
{
  static char const hex[] = "0123456789abcdef" ;
  p->len = 0 ;
  if (tern_conf_global(c, "datadir", p) <= 0 || !stralloc_cats(p, "/authfail") || !stralloc_0(p)) return 0 ;
  if (mkdir(p->s, 0770) < 0 && errno != EEXIST) return 0 ;  /* SMTP and IMAP share it (tern-users(7)) */
  p->s[p->len - 1] = '/' ;
  if (!stralloc_cats(p, kind) || !stralloc_catb(p, "-", 1)) return 0 ;
  if (len > 64) len = 64 ;
  for (size_t i = 0 ; i < len ; i++)
  {
    unsigned char ch = (unsigned char)key[i] ;
    char h[2] ;
    if (ch >= 'A' && ch <= 'Z') ch += 32 ;
    h[0] = hex[ch >> 4] ; h[1] = hex[ch & 15] ;
    if (!stralloc_catb(p, h, 2)) return 0 ;
  }
  return stralloc_0(p) ;
}

/* "COUNT START": 1 if both parse */
static int scan (char const *s, uint64_t *count, uint64_t *start)
{
  size_t n = uint64_scan(s, count) ;
  if (!n || s[n] != ' ') return 0 ;
  return uint64_scan(s + n + 1, start) > 0 ;
}

/* the count of one key in its window after adding add (0 for no key);
   -1 on error */
static long bump (tern_conf const *c, char const *kind, char const *key, size_t len, unsigned int add)
{
  stralloc p = STRALLOC_ZERO ;
  char buf[UINT64_FMT * 2 + 3] ;
  uint64_t count = 0, start = 0, now = (uint64_t)time(0) ;
  long r = -1 ;
  int fd = -1 ;
  ssize_t n ;
  if (!key || !len) return 0 ;
  if (!keypath(c, &p, kind, key, len)) goto end ;
  fd = open(p.s, (add ? O_RDWR | O_CREAT : O_RDONLY) | O_CLOEXEC | O_NOFOLLOW, 0660) ;
  if (fd < 0) { if (errno == ENOENT && !add) r = 0 ; goto end ; }
  if (flock(fd, add ? LOCK_EX : LOCK_SH) < 0) goto end ;
  n = pread(fd, buf, sizeof buf - 1, 0) ;
  if (n < 0) goto end ;
  buf[n] = 0 ;
  if (!scan(buf, &count, &start) || start > now || now - start >= TERN_AUTHLIMIT_WINDOW) { count = 0 ; start = now ; }
  count += add ;
  if (add)
  {
    size_t k = uint64_fmt(buf, count) ;
    buf[k++] = ' ' ;
    k += uint64_fmt(buf + k, start) ;
    buf[k++] = '\n' ;
    if (pwrite(fd, buf, k, 0) != (ssize_t)k || ftruncate(fd, (off_t)k) < 0) goto end ;
  }
  r = count > 1000000 ? 1000000 : (long)count ;
 end:
  if (fd >= 0) { int e = errno ; close(fd) ; errno = e ; }
  stralloc_free(&p) ;
  return r ;
}

int tern_authlimit_blocked (tern_conf const *c, char const *ip, char const *user, size_t len)
{
  long a = bump(c, "ip", ip, ip ? strlen(ip) : 0, 0), b ;
  int e = errno ;
  if (a >= TERN_AUTHLIMIT_IP) return 1 ;
  b = bump(c, "user", user, len, 0) ;
  if (b >= TERN_AUTHLIMIT_USER) return 1 ;
  if (a < 0) errno = e ;
  return a < 0 || b < 0 ? -1 : 0 ;
}

int tern_authlimit_failed (tern_conf const *c, char const *ip, char const *user, size_t len, unsigned int *delay)
{
  long a = bump(c, "ip", ip, ip ? strlen(ip) : 0, 1), b, m ;
  int e = errno ;
  b = bump(c, "user", user, len, 1) ;
  m = b > a ? b : a ;
  *delay = m < 1 ? 1 : m > TERN_AUTHLIMIT_DELAYMAX ? TERN_AUTHLIMIT_DELAYMAX : (unsigned int)m ;
  if (a < 0) errno = e ;
  return a >= 0 && b >= 0 ;
}
