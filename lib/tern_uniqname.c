/* tern_uniqname: a maildir unique name, time.MusecPpid_count.host
   (the maildir(5) convention): unique per host without a lock. */
#include <unistd.h>
#include <sys/time.h>
#include <skalibs/types.h>
#include <skalibs/stralloc.h>
#include "tern.h"

static unsigned int count = 0 ;

int tern_uniqname (stralloc *sa)
{
  char fmt[UINT64_FMT] ;
  char host[256] ;
  struct timeval tv ;
  size_t i ;
  gettimeofday(&tv, 0) ;
  if (gethostname(host, sizeof host - 1) < 0) host[0] = 0 ;
  host[sizeof host - 1] = 0 ;
  if (!stralloc_catb(sa, fmt, uint64_fmt(fmt, tv.tv_sec))
   || !stralloc_catb(sa, ".M", 2)
   || !stralloc_catb(sa, fmt, uint64_fmt(fmt, tv.tv_usec))
   || !stralloc_catb(sa, "P", 1)
   || !stralloc_catb(sa, fmt, pid_fmt(fmt, getpid()))
   || !stralloc_catb(sa, "_", 1)
   || !stralloc_catb(sa, fmt, uint_fmt(fmt, count++))
   || !stralloc_catb(sa, ".", 1)) return 0 ;
  /* "/" and ":" would break the name; maildir(5) escapes them as octal */
  for (i = 0 ; host[i] ; i++)
  {
    if (host[i] == '/') { if (!stralloc_catb(sa, "\\057", 4)) return 0 ; }
    else if (host[i] == ':') { if (!stralloc_catb(sa, "\\072", 4)) return 0 ; }
    else if (!stralloc_catb(sa, host + i, 1)) return 0 ;
  }
  if (!i && !stralloc_catb(sa, "localhost", 9)) return 0 ;
  return 1 ;
}
