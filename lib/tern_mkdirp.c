/* tern_mkdirp: mkdir -p, each missing component with mode. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include "tern.h"

int tern_mkdirp (char const *path, unsigned int mode)
{
  size_t n = strlen(path) ;
  char p[n + 1] ;
  memcpy(p, path, n + 1) ;
  for (size_t i = 1 ; i <= n ; i++)
  {
    if (p[i] != '/' && p[i]) continue ;
    p[i] = 0 ;
    if (mkdir(p, mode) < 0 && errno != EEXIST) return 0 ;
    p[i] = path[i] ;
  }
  return 1 ;
}
