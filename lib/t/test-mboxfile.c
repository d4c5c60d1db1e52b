/* test-mboxfile: splitting mbox files (tern_mboxfile.c): exact messages
   for crafted files, ">From " unquoting, and a walk over a 64 MB file of
   empty lines and "From " lines that must stay linear. */
#include <string.h>
#include <stdlib.h>
#include <time.h>
#include "t.h"
#include "tern_mboxfile.h"

/* The messages of s joined by '|' after unquoting. */
static char *split (char const *s)
{
  static char out[4096] ;
  stralloc sa = STRALLOC_ZERO ;
  size_t pos = 0, start, end, len = strlen(s), n = 0 ;
  while (tern_mboxfile_next(s, len, &pos, &start, &end))
  {
    if (n++ && !stralloc_catb(&sa, "|", 1)) return 0 ;
    if (!tern_mboxfile_unquote(&sa, s + start, end - start)) return 0 ;
  }
  if (sa.len >= sizeof out) return 0 ;
  memcpy(out, sa.s ? sa.s : "", sa.len) ;
  out[sa.len] = 0 ;
  stralloc_free(&sa) ;
  return out ;
}

static void same (char const *in, char const *want)
{
  char const *got = split(in) ;
  T(got && !strcmp(got, want), in) ;
  if (got && strcmp(got, want)) fprintf(stderr, "  got [%s] want [%s]\n", got, want) ;
}

int main (void)
{
  same("", "") ;
  same("From a\nS: 1\n\nb1\n\nFrom b\nS: 2\n\nb2\n", "S: 1\n\nb1\n|S: 2\n\nb2\n") ;
  same("S: no envelope\n\nbody\n", "S: no envelope\n\nbody\n") ;
  same("From a\nx\nFrom b\n", "x\nFrom b\n") ;               /* no empty line before: body */
  same("From a\n\nFrom b\nx\n", "|x\n") ;                    /* an empty message */
  same("From a\nx\n>From y\n>>From z\n>Fromage\n", "x\nFrom y\n>From z\n>Fromage\n") ;
  same("From a\nx\n\n\n\nFrom b\ny", "x\n\n\n|y") ;
  same("From a", "") ;
  same("From a\n\n\nFrom b\n", "\n|") ;
  {
    /* 64 MB alternating "\n" and "From \n": linear, a few seconds at most */
    size_t len = 64 << 20, pos = 0, start, end, n = 0 ;
    char *s = malloc(len) ;
    clock_t c0 = clock() ;
    T(s != 0, "malloc") ;
    if (!s) return tdone() ;
    for (size_t i = 0 ; i < len ; i++) s[i] = "\nFrom \n"[i % 7] ;
    while (tern_mboxfile_next(s, len, &pos, &start, &end)) n++ ;
    T(n > len / 8 && n <= len / 7 + 2, "64 MB of separators: one message per separator") ;
    T((double)(clock() - c0) / CLOCKS_PER_SEC < 10.0, "64 MB split within 10 s of CPU") ;
    memset(s, 'x', len) ;
    pos = 0 ; n = 0 ;
    c0 = clock() ;
    while (tern_mboxfile_next(s, len, &pos, &start, &end)) n++ ;
    T(n == 1 && start == 0 && end == len, "64 MB without a separator: one message") ;
    T((double)(clock() - c0) / CLOCKS_PER_SEC < 10.0, "64 MB one message within 10 s of CPU") ;
    free(s) ;
  }
  return tdone() ;
}
