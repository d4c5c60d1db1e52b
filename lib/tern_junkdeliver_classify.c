/* tern_junkdeliver_classify: classify the message in a file from an
   offset with an account's filter (tern_junkdeliver.h), reading at most
   maxbytes of it by pread (the file's offset is left alone). */
#include <errno.h>
#include <unistd.h>
#include <sys/stat.h>
#include <skalibs/stralloc.h>
#include "tern.h"
#include "tern_junkdeliver.h"

/* the first n bytes of fd from off into sa */
static int readat (int fd, off_t off, size_t n, stralloc *sa)
{
  if (!stralloc_ready(sa, n)) return 0 ;
  sa->len = 0 ;
  while (sa->len < n)
  {
    ssize_t r = pread(fd, sa->s + sa->len, n - sa->len, off + (off_t)sa->len) ;
    if (r < 0 && errno == EINTR) continue ;
    if (r < 0) return 0 ;
    if (!r) break ;
    sa->len += (size_t)r ;
  }
  return 1 ;
}

int tern_junkdeliver_classify (char const *acct, tern_junkopt const *o, int fd, off_t off, tern_junkresult *r)
{
  tern_junkwords w = TERN_JUNKWORDS_ZERO ;
  tern_junkdb d = TERN_JUNKDB_ZERO ;
  stralloc msg = STRALLOC_ZERO ;
  struct stat st ;
  size_t n ;
  int e = TERN_TEMP ;
  if (fstat(fd, &st) < 0) return tern_errcode(errno) ;
  n = st.st_size > off ? (size_t)(st.st_size - off) : 0 ;
  if (o->maxbytes && n > o->maxbytes) n = o->maxbytes ;
  if (!readat(fd, off, n, &msg)) { e = tern_errcode(errno) ; goto end ; }
  e = tern_junkdb_open(&d, acct, TERN_JUNKDB_READ) ;
  if (e) goto end ;
  tern_junkwords_key(&w, d.key) ;   /* the words hashed once, for d */
  e = TERN_TEMP ;
  if (!tern_junkwords_message(&w, msg.s, msg.len, o)) goto end ;
  e = tern_junkdb_classify(&d, &w, o, r) ;
 end:
  {
    int errsave = errno ;
    tern_junkdb_close(&d) ;
    tern_junkwords_free(&w) ;
    stralloc_free(&msg) ;
    errno = errsave ;
  }
  return e ;
}

