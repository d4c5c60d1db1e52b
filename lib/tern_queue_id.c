/* tern_queue_id: message ids "TTTTTTTTUUUUU.INODE" (tern-queue.5), the retry
   schedule (REFERENCE.md 1.4), and cleaning of recorded text. */
#include <string.h>
#include <skalibs/uint64.h>
#include "tern_queue.h"

/* lower-case hex, zero-padded to the width given, longer if need be */
size_t tern_queue_idfmt (char *s, uint64_t time, uint32_t usec, uint64_t ino)
{
  size_t n = uint640_xfmt(s, time & 0xffffffffu, 8) ;
  n += uint640_xfmt(s + n, usec % 1000000, 5) ;
  s[n++] = '.' ;
  n += uint640_xfmt(s + n, ino, 1) ;
  s[n] = 0 ;
  return n ;
}

/* 13 hex digits (8 before version 2 of the queue), a dot, 1 to 16 */
int tern_queue_idvalid (char const *s)
{
  size_t i = 0, j ;
  while (i < 13 && s[i] && strchr("0123456789abcdef", s[i])) i++ ;
  if ((i != 8 && i != 13) || s[i++] != '.') return 0 ;
  for (j = 0 ; s[i + j] && j <= 16 ; j++) if (!strchr("0123456789abcdef", s[i + j])) return 0 ;
  return j >= 1 && j <= 16 ;
}

uint64_t tern_queue_backoff (unsigned int attempts, int jitter)
{
  if (jitter < -5) jitter = -5 ;
  if (jitter > 4) jitter = 4 ;
  if (attempts > 20) attempts = 20 ;
  return (uint64_t)(450 + jitter) << attempts ;
}

void tern_queue_clean (char *s, size_t len)
{
  for (size_t i = 0 ; i < len ; i++)
    if ((unsigned char)s[i] < 32 || (unsigned char)s[i] == 127) s[i] = '?' ;
}
