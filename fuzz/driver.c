/* driver: runs a fuzz target over files, without libFuzzer, so that
   "make check" replays every seed and past crash under the normal build.
   usage: fuzz-NAME FILE...  exit 0 (a crash aborts). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <skalibs/stralloc.h>
#include <skalibs/djbunix.h>

extern int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size) ;

int main (int argc, char const *const *argv)
{
  for (int i = 1 ; i < argc ; i++)
  {
    stralloc sa = STRALLOC_ZERO ;
    if (!openslurpclose(&sa, argv[i])) { perror(argv[i]) ; return 111 ; }
    LLVMFuzzerTestOneInput((uint8_t const *)sa.s, sa.len) ;
    stralloc_free(&sa) ;
  }
  printf("%d passed, 0 failed\n", argc - 1) ;
  return 0 ;
}
