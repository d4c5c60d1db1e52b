/* tern_store_deliver: add one message to a mailbox, durably, in O(1)
   (tern-store.5 Delivery): tmp/UNIQUE, fsync, lock, recover, rename to
   cur/UIDNEXT, append the record, bump the header, unlock, fsync cur/
   (or share a concurrent delivery's: tern_store_dirsync); with
   tern_store_fssync both fsyncs are shared syncs of the file system;
   with tern_store_later too, the delivery stops at tmp/UNIQUE, unsynced:
   the caller syncs many at once, then commits each (tern_store_commit),
   then syncs again. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <skalibs/allreadwrite.h>
#include "tern.h"
#include "tern_store.h"
#include "tern_dirsync.h"
#include "tern_fssync.h"

char const *tern_store_dirsync = 0 ;
char const *tern_store_fssync = 0 ;
int (*tern_store_later) (tern_store_pending *) = 0 ;

/* a hard link shares the never-rewritten file; it is durable already */
static int linktmp (char const *from, char const *tmp, uint64_t *size)
{
  struct stat st ;
  if (link(from, tmp) < 0) return errno == EXDEV || errno == EPERM || errno == EMLINK ? -1 : tern_errcode(errno) ;
  if (stat(tmp, &st) < 0) { int e = errno ; unlink(tmp) ; return tern_errcode(e) ; }
  *size = (uint64_t)st.st_size ;
  return TERN_OK ;
}

/* the file written: with tern_store_fssync, left open in *keep (its marks
   in *mk) and not yet durable; else fsynced and closed */
static int writetmp (tern_mbox *m, stralloc *tmp, char const *s, size_t len, int src, char const *from, uint64_t *size,
  int *keep, tern_fssync *mk)
{
  char buf[65536] ;
  int fd, r ;
  *size = 0 ;
  if (!stralloc_catb(tmp, m->dir.s, m->dir.len) || !stralloc_cats(tmp, "/tmp/")
   || !tern_uniqname(tmp) || !stralloc_0(tmp)) return TERN_TEMP ;
  if (from && (r = linktmp(from, tmp->s, size)) >= 0) return r ;
  if (from && (src = open(from, O_RDONLY | O_CLOEXEC)) < 0) return tern_errcode(errno) ;
  fd = open(tmp->s, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600) ;
  if (fd < 0) return tern_errcode(errno) ;
  if (tern_store_fssync) tern_fssync_begin(tern_store_fssync, fd, mk) ;
  if (src < 0)
  {
    if (allwrite(fd, s, len) < len) goto err ;
    *size = len ;
  }
  else for (;;)
  {
    ssize_t r = read(src, buf, sizeof buf) ;
    if (r < 0) { if (errno == EINTR) continue ; goto err ; }
    if (!r) break ;
    if (allwrite(fd, buf, (size_t)r) < (size_t)r) goto err ;
    *size += (uint64_t)r ;
  }
  if (tern_store_fssync) *keep = fd ;
  else if (fsync(fd) < 0 || close(fd) < 0) { fd = -1 ; goto err ; }
  if (from) close(src) ;
  return TERN_OK ;
 err:
  {
    int e = errno ;
    if (fd >= 0) close(fd) ;
    if (from && src >= 0) close(src) ;
    unlink(tmp->s) ;
    return tern_errcode(e) ;
  }
}

/* EX lock held, message in tmp */
static int commit (tern_mbox *m, char const *tmp, tern_rec *rec, char const *const *kw, unsigned int nkw)
{
  stralloc p = STRALLOC_ZERO ;
  int r = TERN_OK ;
  for (unsigned int i = 0 ; i < nkw && !r ; i++)
  {
    unsigned int bit ;
    r = tern_mbox_keyword(m, kw[i], strlen(kw[i]), &bit) ;
    if (!r) rec->keywords |= (uint64_t)1 << bit ;
  }
  if (r) return r ;
  if (m->hdr.uidnext == 0xffffffffu) return tern_store_damage(m->dir.s, "index", 0, "UIDNEXT is 4294967295, no UID left") ;
  rec->uid = m->hdr.uidnext ;
  rec->modseq = m->hdr.highestmodseq + 1 ;
  if (!tern_mbox_path(&p, m, "cur", rec->uid)) return TERN_TEMP ;
  if (rename(tmp, p.s) < 0) r = tern_errcode(errno) ;
  if (!r) r = tern_mbox_putrec(m, m->count, rec) ;
  if (!r)
  {
    m->count++ ;
    m->hdr.uidnext++ ;
    m->hdr.highestmodseq = rec->modseq ;
    if (m->hdr.usage) m->hdr.usage += rec->size ;
    r = tern_mbox_puthdr(m) ;
  }
  stralloc_free(&p) ;
  return r ;
}

/* the message in tmp/ committed under the lock (it is removed if not) */
static int lockcommit (tern_mbox *m, char const *tmp, tern_rec *rec, char const *const *kw, unsigned int nkw)
{
  int r = tern_mbox_lock(m, LOCK_EX) ;
  if (r == TERN_PERM && errno == ENOENT) r = TERN_TEMP ;  /* deleted under us */
  if (!r) r = commit(m, tmp, rec, kw, nkw) ;
  tern_mbox_unlock(m) ;
  if (r)
  {
    int e = errno ;
    unlink(tmp) ;
    errno = e ;
  }
  return r ;
}

/* the message in tmp made durable (kept >= 0: a shared sync of the file
   system before the rename, else fsynced already), then committed, then
   its name in cur/ durable (a shared sync through kept, or of cur/) */
static int place (tern_mbox *m, stralloc *tmp, int kept, tern_fssync const *mk, tern_rec *rec,
  char const *const *kw, unsigned int nkw, uint32_t *uid)
{
  int r = kept >= 0 && !tern_fssync_wait(tern_store_fssync, kept, mk, 0) ? tern_errcode(errno) : TERN_OK ;
  if (r) unlink(tmp->s) ;
  else r = lockcommit(m, tmp->s, rec, kw, nkw) ;
  /* after the unlock, so deliveries into one mailbox sync side by side:
     a later delivery's fsync makes every earlier rename durable too,
     and with a state file one fsync serves every waiting delivery */
  if (!r && !(kept >= 0 ? tern_fssync_wait(tern_store_fssync, kept, mk, 0)
    : tern_mbox_path(tmp, m, "cur", 0) && tern_dirsync(tern_store_dirsync, tmp->s, 0))) r = tern_errcode(errno) ;
  if (!r && uid) *uid = rec->uid ;
  return r ;
}

/* tern_store_later: the written file handed over uncommitted (m, tmp and
   kept moved into the pending delivery): 1, or 0 (nothing moved) */
static int pend (tern_mbox *m, stralloc *tmp, int kept, tern_fssync const *mk, tern_rec const *rec,
  char const *const *kw, unsigned int nkw)
{
  tern_store_pending p = { .m = *m, .tmp = *tmp, .rec = *rec, .kw = STRALLOC_ZERO, .nkw = nkw, .fd = kept, .mk = *mk } ;
  for (unsigned int i = 0 ; i < nkw ; i++)
    if (!stralloc_catb(&p.kw, kw[i], strlen(kw[i]) + 1)) { stralloc_free(&p.kw) ; return 0 ; }
  if (!(*tern_store_later)(&p)) { stralloc_free(&p.kw) ; return 0 ; }
  *m = (tern_mbox)TERN_MBOX_ZERO ;
  *tmp = (stralloc)STRALLOC_ZERO ;
  return 1 ;
}

int tern_store_commit (tern_store_pending *p, uint32_t *uid)
{
  char const **kw = 0 ;
  size_t k = 0 ;
  int r ;
  if (!p->tmp.len) return (errno = EINVAL, TERN_TEMP) ;
  if (p->nkw && !(kw = malloc(p->nkw * sizeof *kw))) return TERN_TEMP ;
  for (unsigned int i = 0 ; i < p->nkw ; i++) { kw[i] = p->kw.s + k ; k += strlen(kw[i]) + 1 ; }
  r = lockcommit(&p->m, p->tmp.s, &p->rec, kw, p->nkw) ;
  free(kw) ;
  p->tmp.len = 0 ;  /* in cur/, or removed */
  if (!r && uid) *uid = p->rec.uid ;
  return r ;
}

void tern_store_pending_free (tern_store_pending *p)
{
  int e = errno ;
  if (p->tmp.len) unlink(p->tmp.s) ;
  if (p->fd >= 0) close(p->fd) ;
  p->fd = -1 ;
  tern_mbox_close(&p->m) ;
  stralloc_free(&p->tmp) ;
  stralloc_free(&p->kw) ;
  errno = e ;
}

static int deliver (char const *acct, char const *mailbox, char const *s, size_t len, int src, char const *from,
  uint32_t flags, char const *const *kw, unsigned int nkw, int64_t date, unsigned int opts, uint32_t *uid)
{
  tern_mboxent e ;
  tern_mbox m = TERN_MBOX_ZERO ;
  stralloc tmp = STRALLOC_ZERO ;
  tern_rec rec = { .flags = flags & TERN_F_USER, .internaldate = date ? date : (int64_t)time(0) } ;
  tern_fssync mk = TERN_FSSYNC_ZERO ;
  int kept = -1 ;
  int r ;
  r = tern_store_mbox_lookup(acct, mailbox, &e) ;
  if (r == TERN_PERM && errno == ENOENT && (opts & TERN_DELIVER_CREATE))
  {
    r = tern_store_mbox_create(acct, mailbox, TERN_SU_NONE, 0) ;
    if (!r || errno == EEXIST) r = tern_store_mbox_lookup(acct, mailbox, &e) ;
  }
  if (r) return r ;
  r = tern_mbox_openent(&m, acct, &e) ;
  if (r) { tern_mbox_close(&m) ; return r == TERN_PERM ? TERN_TEMP : r ; }  /* PERM: deleted under us */
  /* its tmp/ cleaned now and then (what crashed deliveries left) */
  tern_mbox_tmpdue(&m) ;
  r = writetmp(&m, &tmp, s, len, src, from, &rec.size, &kept, &mk) ;
  if (!r && kept >= 0 && tern_store_later && pend(&m, &tmp, kept, &mk, &rec, kw, nkw))
  {
    kept = -1 ;  /* the caller's now, with the mailbox and the file */
    if (uid) *uid = 0 ;
  }
  else if (!r) r = place(&m, &tmp, kept, &mk, &rec, kw, nkw, uid) ;
  if (kept >= 0 && close(kept) < 0 && !r) r = tern_errcode(errno) ;
  tern_mbox_close(&m) ;
  stralloc_free(&tmp) ;
  return r ;
}

int tern_store_deliver (char const *acct, char const *mailbox, char const *s, size_t len,
  uint32_t flags, char const *const *kw, unsigned int nkw, int64_t date, unsigned int opts, uint32_t *uid)
{
  return deliver(acct, mailbox, s, len, -1, 0, flags, kw, nkw, date, opts, uid) ;
}

int tern_store_deliverfd (char const *acct, char const *mailbox, int fd,
  uint32_t flags, char const *const *kw, unsigned int nkw, int64_t date, unsigned int opts, uint32_t *uid)
{
  return deliver(acct, mailbox, 0, 0, fd, 0, flags, kw, nkw, date, opts, uid) ;
}

int tern_store_deliverlink (char const *acct, char const *mailbox, char const *path,
  uint32_t flags, char const *const *kw, unsigned int nkw, int64_t date, unsigned int opts, uint32_t *uid)
{
  return deliver(acct, mailbox, 0, 0, -1, path, flags, kw, nkw, date, opts, uid) ;
}
