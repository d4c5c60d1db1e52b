/* driver: runs a fuzz target over files, without libFuzzer, so that
   "make check" replays every seed and past crash under the normal build.
   Plain stdio only: it links with libtern/skalibs targets and with the
   libowfat one alike.  usage: fuzz-NAME FILE...  exit 0 (a crash aborts). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

extern int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size) ;

static int replay (char const *path)
{
  FILE *f = fopen(path, "rb") ;
  uint8_t *buf = 0 ;
  size_t len = 0, cap = 0 ;
  if (!f) return 0 ;
  for (;;)
  {
    size_t r ;
    if (len == cap)
    {
      uint8_t *nb = realloc(buf, cap = cap ? 2 * cap : 4096) ;
      if (!nb) { free(buf) ; fclose(f) ; return 0 ; }
      buf = nb ;
    }
    r = fread(buf + len, 1, cap - len, f) ;
    if (!r) break ;
    len += r ;
  }
  fclose(f) ;
  LLVMFuzzerTestOneInput(buf, len) ;
  free(buf) ;
  return 1 ;
}

int main (int argc, char const *const *argv)
{
  for (int i = 1 ; i < argc ; i++)
    if (!replay(argv[i])) { perror(argv[i]) ; return 111 ; }
  printf("%d passed, 0 failed\n", argc - 1) ;
  return 0 ;
}
