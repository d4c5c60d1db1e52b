/* tern-imap-limit: failed logins counted across sessions, per client IP
   and per user name, in DATADIR/authfail/ (one small file per key, "COUNT
   START" under flock, a window of LIMIT_WINDOW seconds).  Over the limit,
   logins from that IP or for that user are refused until the window ends,
   whatever the password.  Any error here lets the login go on: a full disk
   must not lock everybody out. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/file.h>
#include <skalibs/types.h>
#include "tern.h"
#include "tern-imap.h"

#define LIMIT_WINDOW 900
#define LIMIT_IP 10
#define LIMIT_USER 30

/* DATADIR/authfail/KIND-HEX(key): the key lower-cased, at most 64 bytes */
static int keypath (stralloc *p, char const *kind, char const *key, size_t len)
{
  static char const hex[] = "0123456789abcdef" ;
  p->len = 0 ;
  if (tern_conf_global(&S.conf, "datadir", p) <= 0 || !stralloc_cats(p, "/authfail")) return 0 ;
  if (!stralloc_0(p)) return 0 ;
  if (mkdir(p->s, 0700) < 0 && errno != EEXIST) return 0 ;
  p->s[p->len - 1] = '/' ;
  if (!stralloc_cats(p, kind) || !stralloc_catb(p, "-", 1)) return 0 ;
  if (len > 64) len = 64 ;
  for (size_t i = 0 ; i < len ; i++)
  {
    unsigned char c = (unsigned char)key[i] ;
    char h[2] ;
    if (c >= 'A' && c <= 'Z') c += 32 ;
    h[0] = hex[c >> 4] ; h[1] = hex[c & 15] ;
    if (!stralloc_catb(p, h, 2)) return 0 ;
  }
  return stralloc_0(p) ;
}

/* the count in the current window of one key, adding add: -1 on error */
static long bump (char const *kind, char const *key, size_t len, int add)
{
  stralloc p = STRALLOC_ZERO ;
  char buf[64] ;
  unsigned long count = 0, start = 0, now = (unsigned long)time(0) ;
  long r = -1 ;
  int fd = -1 ;
  ssize_t n ;
  if (!key || !keypath(&p, kind, key, len)) goto end ;
  fd = open(p.s, O_RDWR | O_CREAT | O_CLOEXEC, 0600) ;
  if (fd < 0 || flock(fd, LOCK_EX) < 0) goto end ;
  n = pread(fd, buf, sizeof buf - 1, 0) ;
  if (n < 0) goto end ;
  buf[n] = 0 ;
  if (sscanf(buf, "%lu %lu", &count, &start) != 2 || start > now || now - start >= LIMIT_WINDOW) { count = 0 ; start = now ; }
  count += (unsigned long)add ;
  if (add)
  {
    int k = snprintf(buf, sizeof buf, "%lu %lu\n", count, start) ;
    if (pwrite(fd, buf, (size_t)k, 0) != k || ftruncate(fd, k) < 0) goto end ;
  }
  r = (long)count ;
 end:
  if (fd >= 0) close(fd) ;
  stralloc_free(&p) ;
  return r ;
}

int limit_blocked (char const *user, size_t len)
{
  return bump("ip", S.ip, S.ip ? strlen(S.ip) : 0, 0) >= LIMIT_IP || bump("user", user, len, 0) >= LIMIT_USER ;
}

void limit_failed (char const *user, size_t len)
{
  bump("ip", S.ip, S.ip ? strlen(S.ip) : 0, 1) ;
  bump("user", user, len, 1) ;
}
