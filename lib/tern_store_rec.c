/* tern_store_rec: one header, one record, the changes file: the small
   positioned reads and writes every other store function is made of. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include "tern.h"
#include "tern_store.h"

int tern_mbox_puthdr (tern_mbox *m)
{
  char buf[TERN_STORE_HDRSIZE] ;
  tern_idxhdr_pack(buf, &m->hdr) ;
  if (pwrite(m->fd, buf, sizeof buf, 0) != (ssize_t)sizeof buf) return tern_errcode(errno ? errno : EIO) ;
  return TERN_OK ;
}

int tern_mbox_getrec (tern_mbox *m, size_t pos, tern_rec *r)
{
  char buf[TERN_STORE_RECSIZE] ;
  ssize_t n = pread(m->fd, buf, sizeof buf, (off_t)(TERN_STORE_HDRSIZE + pos * TERN_STORE_RECSIZE)) ;
  if (n < 0) return tern_errcode(errno) ;
  if (n < (ssize_t)sizeof buf) return (errno = EPROTO, TERN_PERM) ;
  tern_rec_unpack(buf, r) ;
  return TERN_OK ;
}

int tern_mbox_putrec (tern_mbox *m, size_t pos, tern_rec const *r)
{
  char buf[TERN_STORE_RECSIZE] ;
  tern_rec_pack(buf, r) ;
  errno = 0 ;
  if (pwrite(m->fd, buf, sizeof buf, (off_t)(TERN_STORE_HDRSIZE + pos * TERN_STORE_RECSIZE)) != (ssize_t)sizeof buf)
    return tern_errcode(errno ? errno : EIO) ;
  return TERN_OK ;
}

int tern_mbox_chgopen (tern_mbox *m)
{
  stralloc p = STRALLOC_ZERO ;
  if (m->cfd >= 0) return TERN_OK ;
  if (!tern_mbox_path(&p, m, "changes", 0)) return TERN_TEMP ;
  m->cfd = open(p.s, O_RDWR | O_CREAT | O_CLOEXEC, 0600) ;
  stralloc_free(&p) ;
  return m->cfd < 0 ? tern_errcode(errno) : TERN_OK ;
}

/* in place: the EX lock is held, and readers check the generation */
int tern_mbox_chgreset (tern_mbox *m)
{
  char buf[TERN_STORE_CHGHDR] ;
  int r = tern_mbox_chgopen(m) ;
  if (r) return r ;
  tern_chghdr_pack(buf, m->hdr.generation) ;
  if (ftruncate(m->cfd, 0) < 0) return tern_errcode(errno) ;
  errno = 0 ;
  if (pwrite(m->cfd, buf, sizeof buf, 0) != (ssize_t)sizeof buf) return tern_errcode(errno ? errno : EIO) ;
  return TERN_OK ;
}
