/* tern_junk_sync: bring one message's training to what its flags ask
   for (REFERENCE.md 9.2 HEAD): untrain the old state, train the new,
   and record the state for the commit, under the caller's EX lock. */
#include <errno.h>
#include <stdint.h>
#include <unistd.h>
#include <skalibs/types.h>
#include "tern.h"
#include "tern_log.h"
#include "tern_junkdb_int.h"

/* at most max bytes of the message; 1, 0 ENOENT (gone), -1 error */
static int slurp (tern_mbox *m, uint32_t uid, size_t max, stralloc *sa)
{
  int fd = tern_mbox_openmsg(m, uid) ;
  if (fd < 0) return errno == ENOENT ? 0 : -1 ;
  sa->len = 0 ;
  while (sa->len < max)
  {
    ssize_t r ;
    size_t want = max - sa->len < 65536 ? max - sa->len : 65536 ;
    if (!stralloc_readyplus(sa, want)) { close(fd) ; return -1 ; }
    r = read(fd, sa->s + sa->len, want) ;
    if (r < 0 && errno == EINTR) continue ;
    if (r < 0) { int e = errno ; close(fd) ; errno = e ; return -1 ; }
    if (!r) break ;
    sa->len += (size_t)r ;
  }
  close(fd) ;
  return 1 ;
}

static void warn (tern_mbox const *m, uint32_t uid, char const *what)
{
  char fmt[UINT32_FMT] ;
  fmt[uint32_fmt(fmt, uid)] = 0 ;
  tern_log_warn("junk-untrained", "mailbox", m->dir.s, "uid", fmt, "reason", what, TERN_LOG_END) ;
}

static int retrain (tern_junkdb *d, tern_junkopt const *o, tern_mbox *m, uint32_t uid, unsigned int cur, unsigned int *want)
{
  stralloc sa = STRALLOC_ZERO ;
  tern_junkwords w = TERN_JUNKWORDS_ZERO ;
  int r = slurp(m, uid, o->maxbytes ? o->maxbytes : SIZE_MAX, &sa), e ;
  if (r < 0) goto err ;
  if (!r)
  {
    warn(m, uid, cur ? "message file gone, its words stay counted until tern-retrain" : "message file gone") ;
    *want = TERN_TRAIN_NONE ;
    stralloc_free(&sa) ;
    return TERN_OK ;
  }
  tern_junkwords_key(&w, d->key) ;
  if (!tern_junkwords_message(&w, sa.s, sa.len, o)) goto err ;
  r = TERN_OK ;
  if (cur) r = tern_junkdb_train(d, &w, cur == TERN_TRAIN_SPAM, -1) ;
  if (!r && *want && w.badctype)
  {
    warn(m, uid, "unparsable Content-Type") ;
    *want = TERN_TRAIN_NONE ;
  }
  if (!r && *want) r = tern_junkdb_train(d, &w, *want == TERN_TRAIN_SPAM, 1) ;
  tern_junkwords_free(&w) ;
  stralloc_free(&sa) ;
  return r ;
 err:
  e = errno ;
  tern_junkwords_free(&w) ;
  stralloc_free(&sa) ;
  errno = e ;
  return TERN_TEMP ;
}

int tern_junk_sync (tern_junkdb *d, tern_junkopt const *o, tern_mbox *m, uint32_t uid, int gone)
{
  tern_rec rec ;
  size_t pos ;
  unsigned int cur, want ;
  uint32_t id ;
  int r = tern_mbox_find(m, uid, &rec, &pos) ;
  if (r == TERN_PERM) return TERN_OK ;   /* no record: nothing was kept for it */
  if (r) return r ;
  cur = TERN_F_TRAIN(rec.flags) ;
  want = gone || (rec.flags & TERN_F_EXPUNGED) ? TERN_TRAIN_NONE : tern_junk_wanted(rec.flags) ;
  if (cur == want) return TERN_OK ;
  r = retrain(d, o, m, uid, cur, &want) ;
  if (r) return r ;
  if (want == cur) return TERN_OK ;
  r = tern_junkdb_held(d, m) ;
  if (r) return r ;
  if (!tern_jdb_mboxid(m, &id)) return (errno = EINVAL, TERN_PERM) ;
  return tern_junkdb_setstate(d, id, m->hdr.uidvalidity, uid, want) ;
}
