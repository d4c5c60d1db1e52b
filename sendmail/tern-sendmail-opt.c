/* tern-sendmail-opt.c: sendmail's command line: grouped letters, values
   attached or in the next argument, options until "--" or the first
   argument without "-"; the flags people pass, the rest ignored or refused. */
#include <string.h>
#include "tern-sendmail.h"

static char reason[80] ;

static char const *why (char const *a, char c, char const *b)
{
  size_t n = 0 ;
  for (; *a && n + 2 < sizeof reason ; a++) reason[n++] = *a ;
  reason[n++] = c ;
  for (; *b && n + 1 < sizeof reason ; b++) reason[n++] = *b ;
  reason[n] = 0 ;
  return reason ;
}

/* -b: the mode */
static char const *bmode (smopt *o, char const *v)
{
  if (!strcmp(v, "m")) o->mode = 'm' ;
  else if (!strcmp(v, "i")) o->mode = 'i' ;
  else if (!strcmp(v, "p")) o->mode = 'p' ;
  else if (!strcmp(v, "s")) return "-bs (SMTP on standard input) is not supported" ;
  else return why("-b", v[0] ? v[0] : '?', " is not supported (only -bm, -bi, -bp)") ;
  return 0 ;
}

/* One option letter c with its value v (0 for a flag). */
static char const *letter (smopt *o, char c, char const *v)
{
  switch (c)
  {
    case 't' : o->t = 1 ; break ;
    case 'i' : o->i = 1 ; break ;
    case 'v' : o->v = 1 ; break ;
    case 'I' : o->mode = 'i' ; break ;
    case 'f' : case 'r' : o->sender = v ; break ;
    case 'F' : o->fullname = v ; break ;
    case 'C' : o->conffile = v ; break ;
    case 'b' : return bmode(o, v) ;
    case 'o' : if (!strcmp(v, "i")) o->i = 1 ; break ;
    case 'q' : return "-q (queue runs) is not supported: tern-queue-run does them" ;
    default : break ;  /* the accepted and ignored ones */
  }
  return 0 ;
}

static int flag (char c)
{
  return c && strchr("tivInmUGe", c) != 0 ;
}

static int valued (char c)
{
  return c && strchr("frFCboBNRVLXOpAd", c) != 0 ;
}

char const *sm_opts (smopt *o, int argc, char const *const *argv)
{
  int k = 1 ;
  o->mode = 'm' ;
  for (; k < argc && argv[k][0] == '-' && argv[k][1] ; k++)
  {
    char const *a = argv[k] + 1 ;
    if (!strcmp(argv[k], "--")) { k++ ; break ; }
    if (!strcmp(a, "h") || !strcmp(a, "-help")) return "" ;
    if (a[0] == 'h' || a[0] == 'q') { char const *r = letter(o, a[0], a + 1) ; if (r) return r ; continue ; }
    for (; *a ; a++)
    {
      char const *r ;
      if (flag(*a)) r = letter(o, *a, 0) ;
      else if (valued(*a))
      {
        char const *v = a[1] ? a + 1 : 0 ;
        /* -d (debug) and -o, -b take their value attached only when given one */
        if (!v && (*a == 'd')) v = "" ;
        if (!v && ++k >= argc) return why("option -", *a, " needs a value") ;
        if (!v) v = argv[k] ;
        r = letter(o, *a, v) ;
        if (r) return r ;
        break ;
      }
      else return why("unknown option -", *a, "") ;
      if (r) return r ;
    }
  }
  o->rcpt = argv + k ;
  o->nrcpt = argc - k ;
  return 0 ;
}
