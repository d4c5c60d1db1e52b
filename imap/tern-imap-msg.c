/* tern-imap-msg: a message file of the selected mailbox in memory: read
   when small, mapped when large. */
#include <errno.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include "tern-imap.h"

#define READMAX 262144   /* smaller files are read: cheaper than a mapping */

static int closefail (int fd)
{
  int e = errno ;
  close(fd) ;
  errno = e ;
  return 0 ;
}

/* 1, or 0 with errno (ENOENT: expunged, the file is gone) */
int mapmsg (uint32_t uid, msgmap *m)
{
  static stralloc buf = STRALLOC_ZERO ;
  struct stat st ;
  int fd = sel_openmsg(uid) ;
  m->s = "" ; m->len = m->hdrlen = 0 ; m->mapped = 0 ;
  if (fd < 0) return 0 ;
  if (fstat(fd, &st) < 0) return closefail(fd) ;
  if (st.st_size > READMAX)
  {
    void *p = mmap(0, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0) ;
    if (p == MAP_FAILED) return closefail(fd) ;
    m->s = p ; m->len = (size_t)st.st_size ; m->mapped = 1 ;
  }
  else if (st.st_size)
  {
    ssize_t r ;
    if (!stralloc_ready(&buf, (size_t)st.st_size + 1)) return closefail(fd) ;
    do r = read(fd, buf.s, (size_t)st.st_size + 1) ; while (r < 0 && errno == EINTR) ;
    if (r < 0) return closefail(fd) ;
    m->s = buf.s ; m->len = (size_t)r ;   /* as long as it is now */
  }
  close(fd) ;
  m->hdrlen = mime_hdrlen(m->s, m->len) ;
  return 1 ;
}

void unmapmsg (msgmap *m)
{
  if (m->mapped) munmap((void *)m->s, m->len) ;
  m->len = 0 ; m->mapped = 0 ;
}
