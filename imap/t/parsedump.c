/* parsedump: tests only: each stdin line through tern-imap's parser.
   "seq SET" prints the ranges, "dec NAME" / "enc NAME" the mailbox-name
   codec, anything else the command's nodes.  "\n" in a line stands for
   CRLF (to write literals).  exit: 0. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../tern-imap.h"

static icmd c ;

static void nodes (char *s, size_t len)
{
  if (!imap_parse(&c, s, len)) { printf("bad: %s\n", c.err) ; return ; }
  for (unsigned int i = 0 ; i < c.n ; i++)
  {
    inode const *n = &c.nodes[i] ;
    if (n->type == N_LIST) printf("L%u ", n->end - i - 1) ;
    else if (n->type == N_FILE) printf("F%zu ", n->len) ;
    else printf("%c[%.*s] ", n->type == N_ATOM ? 'A' : 'S', (int)n->len, n->s) ;
  }
  printf("\n") ;
}

int main (void)
{
  static char line[300000], buf[300000] ;
  while (fgets(line, sizeof line, stdin))
  {
    size_t len = 0 ;
    for (size_t i = 0 ; line[i] && line[i] != '\n' ; i++)
    {
      if (line[i] == '\\' && line[i+1] == 'n') { buf[len++] = '\r' ; buf[len++] = '\n' ; i++ ; }
      else if (line[i] == '\\' && line[i+1] == '0') { buf[len++] = 0 ; i++ ; }
      else buf[len++] = line[i] ;
    }
    buf[len] = 0 ;
    if (!strncmp(buf, "seq ", 4))
    {
      genalloc r = GENALLOC_ZERO ;
      if (!imap_seqparse(buf + 4, len - 4, &r)) printf("bad seq\n") ;
      else
      {
        for (size_t i = 0 ; i < genalloc_len(iseq, &r) ; i++)
          printf("%u:%u ", genalloc_s(iseq, &r)[i].lo, genalloc_s(iseq, &r)[i].hi) ;
        printf("has(5 of 9)=%d\n", imap_seqhas(&r, 5, 9)) ;
      }
      genalloc_free(iseq, &r) ;
    }
    else if (!strncmp(buf, "dec ", 4) || !strncmp(buf, "enc ", 4))
    {
      stralloc o = STRALLOC_ZERO ;
      int ok = buf[0] == 'd' ? imap_mutf7_decode(&o, buf + 4, len - 4) : imap_mutf7_encode(&o, buf + 4, len - 4) ;
      if (ok) printf("%.*s\n", (int)o.len, o.s) ; else printf("bad name\n") ;
      stralloc_free(&o) ;
    }
    else nodes(buf, len) ;
  }
  return 0 ;
}
