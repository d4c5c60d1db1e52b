/* tern_store_damage: the last damage a store function found (a file that
   breaks tern-store.5): its path and what is wrong, for the caller's log.
   Damage is a temporary error: TERN_TEMP with errno EUCLEAN. */
#include <errno.h>
#include <string.h>
#include <skalibs/types.h>
#include "tern.h"
#include "tern_store.h"

static char dpath[4096] ;
static char dwhat[256] ;

static void cpy (char *dst, size_t max, size_t *at, char const *s)
{
  size_t n = strlen(s) ;
  if (n > max - 1 - *at) n = max - 1 - *at ;
  memcpy(dst + *at, s, n) ;
  *at += n ;
  dst[*at] = 0 ;
}

int tern_store_damage (char const *dir, char const *file, unsigned int line, char const *what)
{
  char fmt[UINT_FMT + 1] ;
  size_t n = 0 ;
  cpy(dpath, sizeof dpath, &n, dir) ;
  if (file) { cpy(dpath, sizeof dpath, &n, "/") ; cpy(dpath, sizeof dpath, &n, file) ; }
  if (!what) return (errno = EUCLEAN, TERN_TEMP) ;  /* the path only */
  n = 0 ;
  dwhat[0] = 0 ;
  if (line)
  {
    fmt[uint_fmt(fmt, line)] = 0 ;
    cpy(dwhat, sizeof dwhat, &n, "line ") ; cpy(dwhat, sizeof dwhat, &n, fmt) ; cpy(dwhat, sizeof dwhat, &n, ": ") ;
  }
  cpy(dwhat, sizeof dwhat, &n, what) ;
  errno = EUCLEAN ;
  return TERN_TEMP ;
}

char const *tern_store_damage_path (void)
{
  return dpath ;
}

char const *tern_store_damage_what (void)
{
  return dwhat ;
}
