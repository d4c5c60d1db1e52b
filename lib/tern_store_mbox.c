/* tern_store_mbox: open a mailbox's index, lock it (retrying when the file
   was replaced), re-read its header, close it (tern-store.5 Locking). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <skalibs/types.h>
#include "tern.h"
#include "tern_store.h"

int tern_mbox_path (stralloc *sa, tern_mbox const *m, char const *sub, uint32_t uid)
{
  char fmt[UINT32_FMT] ;
  sa->len = 0 ;
  if (!stralloc_catb(sa, m->dir.s, m->dir.len) || !stralloc_catb(sa, "/", 1)
   || !stralloc_cats(sa, sub)) return 0 ;
  if (uid && (!stralloc_catb(sa, "/", 1) || !stralloc_catb(sa, fmt, uint32_fmt(fmt, uid)))) return 0 ;
  return stralloc_0(sa) ;
}

static int reopen (tern_mbox *m)
{
  stralloc p = STRALLOC_ZERO ;
  if (m->fd >= 0) close(m->fd) ;
  if (m->cfd >= 0) close(m->cfd) ;
  m->fd = m->cfd = -1 ;
  m->locked = 0 ;
  if (!tern_mbox_path(&p, m, "index", 0)) return TERN_TEMP ;
  m->fd = open(p.s, O_RDWR | O_CLOEXEC) ;
  /* a reader (verify on a backup it does not own, or on a read-only mount):
     a writer then fails at its first write, temporarily */
  if (m->fd < 0 && (errno == EACCES || errno == EROFS)) m->fd = open(p.s, O_RDONLY | O_CLOEXEC) ;
  stralloc_free(&p) ;
  if (m->fd < 0) return errno == ENOENT ? TERN_PERM : tern_errcode(errno) ;
  return TERN_OK ;
}

int tern_mbox_header (tern_mbox *m)
{
  char buf[TERN_STORE_HDRSIZE] ;
  struct stat st ;
  ssize_t r = pread(m->fd, buf, sizeof buf, 0) ;
  if (r < 0) return tern_errcode(errno) ;
  if (r < (ssize_t)sizeof buf) return tern_store_damage(m->dir.s, "index", 0, "shorter than its header") ;
  if (!tern_idxhdr_unpack(buf, &m->hdr)) return tern_store_damage(m->dir.s, "index", 0, "bad header or unknown version") ;
  if (fstat(m->fd, &st) < 0) return tern_errcode(errno) ;
  m->count = ((size_t)st.st_size - TERN_STORE_HDRSIZE) / TERN_STORE_RECSIZE ;
  m->torn = (size_t)st.st_size != TERN_STORE_HDRSIZE + m->count * TERN_STORE_RECSIZE ;
  return TERN_OK ;
}

int tern_mbox_open (tern_mbox *m, char const *acct, uint32_t id)
{
  char fmt[UINT32_FMT] ;
  int r ;
  m->dir.len = 0 ;
  if (!stralloc_cats(&m->dir, acct) || !stralloc_cats(&m->dir, "/mail/")
   || !stralloc_catb(&m->dir, fmt, uint32_fmt(fmt, id))
   || !stralloc_0(&m->dir)) return TERN_TEMP ;
  m->dir.len-- ;
  m->fd = m->cfd = -1 ;
  r = reopen(m) ;
  if (r) return r ;
  r = tern_mbox_header(m) ;
  if (r) { close(m->fd) ; m->fd = -1 ; }
  return r ;
}

/* open e; a listed mailbox that has no index is damage unless its line is
   gone (deleted under us); so is a torn index's UIDVALIDITY that differs
   from the list.  A torn index is recovered (tern_mbox_lock) first. */
int tern_mbox_openent (tern_mbox *m, char const *acct, tern_mboxent const *e)
{
  int r = tern_mbox_open(m, acct, e->id) ;
  if (r == TERN_PERM && errno == ENOENT)
  {
    tern_mboxent now ;
    r = tern_store_mbox_lookup(acct, e->name, &now) ;
    if (!r && now.id == e->id) return m->dir.s ? tern_store_damage(m->dir.s, "index", 0, "missing, yet the mailbox is listed") : TERN_TEMP ;
    return r ? r : (errno = ENOENT, TERN_PERM) ;
  }
  if (r) return r ;
  if (m->torn)
  {
    r = tern_mbox_lock(m, LOCK_EX) ;
    tern_mbox_unlock(m) ;
    if (r) return r ;
  }
  if (m->hdr.uidvalidity != e->uidvalidity)
    return tern_store_damage(m->dir.s, "index", 0, "UIDVALIDITY differs from the mailbox list") ;
  return TERN_OK ;
}

/* An obsolete file that is still at the path belongs to a mailbox being
   deleted: the mailbox is gone. */
int tern_mbox_lock (tern_mbox *m, int how)
{
  struct stat old = { .st_ino = 0 } ;
  for (;;)
  {
    struct stat st ;
    int r ;
    if (m->fd < 0 && (r = reopen(m))) return r ;
    if (flock(m->fd, how) < 0) return tern_errcode(errno) ;
    m->locked = how ;
    r = tern_mbox_header(m) ;
    if (r) { tern_mbox_unlock(m) ; return r ; }
    if (!(m->hdr.flags & TERN_IDX_OBSOLETE)) break ;
    if (fstat(m->fd, &st) < 0) { tern_mbox_unlock(m) ; return tern_errcode(errno) ; }
    if (old.st_ino && st.st_ino == old.st_ino && st.st_dev == old.st_dev)
    {
      tern_mbox_unlock(m) ;
      return (errno = ENOENT, TERN_PERM) ;
    }
    old = st ;
    r = reopen(m) ;
    if (r) return r ;
  }
  if (how == LOCK_EX)
  {
    int r = tern_mbox_recover(m) ;
    if (r) { tern_mbox_unlock(m) ; return r ; }
  }
  return TERN_OK ;
}

void tern_mbox_unlock (tern_mbox *m)
{
  if (m->fd >= 0 && m->locked) flock(m->fd, LOCK_UN) ;
  m->locked = 0 ;
}

void tern_mbox_close (tern_mbox *m)
{
  if (m->fd >= 0) close(m->fd) ;
  if (m->cfd >= 0) close(m->cfd) ;
  m->fd = m->cfd = -1 ;
  m->locked = 0 ;
  stralloc_free(&m->dir) ;
  stralloc_free(&m->kw) ;
  m->nkw = 0 ;
}
