/* tern-backup-acct: one account: its mailbox list read under ACCT/lock, its
   junk database copied under the junk lock (held while the mailboxes'
   indexes are read), each mailbox twice (state, then messages since). */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <skalibs/types.h>
#include "tern.h"
#include "tern_junk.h"
#include "tern-backup.h"

/* a shared flock on datadir/rel without creating it: fd, -1 absent, -2 error */
static int lockat (char const *rel)
{
  int fd = openat(B.src, rel, O_RDONLY | O_CLOEXEC) ;
  if (fd < 0) { if (errno == ENOENT) return -1 ; bk_err(rel, "open the lock", errno) ; return -2 ; }
  if (flock(fd, LOCK_SH) < 0) { bk_err(rel, "lock", errno) ; close(fd) ; return -2 ; }
  return fd ;
}

static char const *path (stralloc *sa, char const *rel, char const *s)
{
  sa->len = 0 ;
  if (!stralloc_cats(sa, rel) || !stralloc_catb(sa, "/", 1) || !stralloc_cats(sa, s) || !stralloc_0(sa)) return 0 ;
  return sa->s ;
}

static int listed (tern_mboxlist const *l, uint32_t id)
{
  for (size_t i = 0 ; i < tern_mboxlist_len(l) ; i++) if (tern_mboxlist_ent(l, i)->id == id) return 1 ;
  return 0 ;
}

/* mail/ID/ directories the list does not name: garbage of a crash
   (copied, warned), or created or deleted during the backup (skipped) */
static void strays (char const *rel, tern_mboxlist const *l, tern_mboxlist const *gone)
{
  stralloc p = STRALLOC_ZERO ;
  DIR *d ;
  int fd = path(&p, rel, "mail") ? openat(B.src, p.s, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1 ;
  if (fd < 0 || !(d = fdopendir(fd)))
  {
    if (fd >= 0) close(fd) ;
    if (errno != ENOENT) bk_err(p.s ? p.s : rel, "read the directory", errno) ;
    stralloc_free(&p) ;
    return ;
  }
  for (;;)
  {
    struct dirent *de ;
    uint32_t id ;
    errno = 0 ;
    if (!(de = readdir(d))) { if (errno) bk_err(p.s, "read the directory", errno) ; break ; }
    if (de->d_name[0] == '.' && (!de->d_name[1] || (de->d_name[1] == '.' && !de->d_name[2]))) continue ;
    id = tern_store_uidscan(de->d_name) ;
    if (id && (listed(l, id) || listed(gone, id) || id >= l->nextid)) continue ;
    {
      stralloc q = STRALLOC_ZERO ;
      if (path(&q, p.s, de->d_name)) bk_tree(q.s, BK_LINK | BK_WARN) ;
      stralloc_free(&q) ;
    }
  }
  closedir(d) ;
  stralloc_free(&p) ;
}

/* files of the account directory tern does not know */
static void unknown (char const *rel)
{
  static char const *const known[] = { "lock", "mailboxes", "subscriptions", "credentials", "mail", "junk", "rejects", 0 } ;
  stralloc p = STRALLOC_ZERO ;
  DIR *d ;
  int fd = openat(B.src, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC) ;
  if (fd < 0 || !(d = fdopendir(fd))) { if (fd >= 0) close(fd) ; bk_err(rel, "read the directory", errno) ; return ; }
  for (;;)
  {
    struct dirent *de ;
    errno = 0 ;
    if (!(de = readdir(d))) { if (errno) bk_err(rel, "read the directory", errno) ; break ; }
    if (de->d_name[0] == '.' && (!de->d_name[1] || (de->d_name[1] == '.' && !de->d_name[2]))) continue ;
    if (bk_isname(de->d_name, known) || !strncmp(de->d_name, "mailboxes.tmp.", 14) || !strncmp(de->d_name, "subscriptions.tmp.", 18)) continue ;
    if (path(&p, rel, de->d_name)) bk_tree(p.s, BK_LINK | BK_WARN) ;
  }
  closedir(d) ;
  stralloc_free(&p) ;
}

/* the list under the account lock: 1 parsed, 0 the account was copied as
   it is (no list, or damage: reported) */
static int readlist (char const *rel, stralloc *raw, stralloc *subs, tern_mboxlist *l)
{
  stralloc p = STRALLOC_ZERO ;
  int fd = lockat(path(&p, rel, "lock") ? p.s : rel), ok, e ;
  ok = fd != -2 && path(&p, rel, "mailboxes") && bk_slurp(raw, B.src, p.s) ;
  e = errno ;
  /* the subscriptions of the same moment (absent in an older account) */
  subs->len = 0 ;
  if (ok && path(&p, rel, "subscriptions") && !bk_slurp(subs, B.src, p.s))
  {
    if (errno != ENOENT) bk_err(p.s, "read", errno) ;
    stralloc_free(subs) ;
  }
  else if (ok && !subs->s && !stralloc_ready(subs, 1)) bk_err(rel, "allocate", errno) ;
  if (ok) path(&p, rel, "mailboxes") ;
  if (fd >= 0) close(fd) ;
  if (ok && tern_mboxlist_parse(l, raw->s, raw->len))
  {
    bk_storeerr(p.s, errno, "account copied as it is") ;
    ok = 0 ;
  }
  else if (!ok && fd != -2 && e != ENOENT) bk_err(p.s ? p.s : rel, "read", e) ;
  stralloc_free(&p) ;
  return ok ;
}

/* the junk database as one state (tern-junk.5): opened to write, which
   takes the junk lock and finishes a crash's journal, then words copied;
   the lock stays held (d open) while the indexes are read, so the totals
   agree with the training states copied.  Damage: copied as it is. */
static void junk (char const *rel, tern_junkdb *d)
{
  stralloc p = STRALLOC_ZERO, acct = STRALLOC_ZERO ;
  struct stat st ;
  int r ;
  if (!path(&p, rel, "junk") || fstatat(B.src, p.s, &st, 0) < 0) goto end ;
  if (!bk_mkdir(p.s, 0700)) { bk_err(p.s, "create", errno) ; goto end ; }
  if (!path(&p, rel, "junk/words") || (fstatat(B.src, p.s, &st, 0) < 0
   && (!path(&p, rel, "junk/journal") || fstatat(B.src, p.s, &st, 0) < 0)))
  {
    if (path(&p, rel, "junk")) bk_tree(p.s, 0) ;   /* no database: what is there */
    goto end ;
  }
  if (!stralloc_cats(&acct, B.datadir) || !stralloc_catb(&acct, "/", 1) || !stralloc_cats(&acct, rel) || !stralloc_0(&acct))
  { bk_err(rel, "junk", errno) ; goto end ; }
  r = tern_junkdb_open(d, acct.s, TERN_JUNKDB_WRITE) ;
  if (r)
  {
    bk_storeerr(path(&p, rel, "junk") ? p.s : rel, errno, "junk database copied as it is") ;
    tern_junkdb_close(d) ;
    if (path(&p, rel, "junk")) bk_tree(p.s, 0) ;
    goto end ;
  }
  if (!path(&p, rel, "junk/words") || !bk_file(B.src, B.dst, p.s, 0)) bk_err(p.s ? p.s : rel, "copy", errno) ;
  else B.bytes += (uint64_t)d->maplen ;
  if (!path(&p, rel, "junk/lock") || !bk_put(p.s, "", 0, 0600)) bk_err(p.s ? p.s : rel, "write", errno) ;
 end:
  stralloc_free(&p) ;
  stralloc_free(&acct) ;
}

static void putlist (char const *rel, stralloc const *raw, stralloc const *subs, tern_mboxlist *l, tern_mboxlist const *gone)
{
  stralloc p = STRALLOC_ZERO, s = STRALLOC_ZERO ;
  int ok = 1 ;
  if (subs->s && (!path(&p, rel, "subscriptions") || !bk_put(p.s, subs->s, subs->len, 0600))) bk_err(p.s ? p.s : rel, "write", errno) ;
  if (!tern_mboxlist_len(gone)) ok = path(&p, rel, "mailboxes") && bk_put(p.s, raw->s, raw->len, 0600) ;
  else
  {
    size_t k = 0 ;
    for (size_t i = 0 ; i < tern_mboxlist_len(l) ; i++)
      if (!listed(gone, tern_mboxlist_ent(l, i)->id)) *tern_mboxlist_ent(l, k++) = *tern_mboxlist_ent(l, i) ;
    genalloc_setlen(tern_mboxent, &l->ents, k) ;
    ok = !tern_mboxlist_fmt(&s, l) && path(&p, rel, "mailboxes") && bk_put(p.s, s.s, s.len, 0600) ;
  }
  if (ok) ok = path(&p, rel, "lock") && bk_put(p.s, "", 0, 0600) ;
  if (!ok) bk_err(p.s ? p.s : rel, "write", errno) ;
  stralloc_free(&p) ;
  stralloc_free(&s) ;
}

void bk_account (char const *name)
{
  stralloc rel = STRALLOC_ZERO, raw = STRALLOC_ZERO, p = STRALLOC_ZERO, subs = STRALLOC_ZERO ;
  tern_mboxlist l = TERN_MBOXLIST_ZERO, gone = TERN_MBOXLIST_ZERO ;
  unsigned char *st = 0 ;
  size_t n ;
  unsigned int missed ;
  tern_junkdb jd = TERN_JUNKDB_ZERO ;
  B.accounts++ ;
  if (!path(&rel, "accounts", name) || !bk_mkdir(rel.s, 0700)) { bk_err(rel.s ? rel.s : name, "create", errno) ; goto end ; }
  if (!readlist(rel.s, &raw, &subs, &l)) { bk_tree(rel.s, BK_LINK) ; goto end ; }
  if (!path(&p, rel.s, "mail") || !bk_mkdir(p.s, 0700)) { bk_err(p.s ? p.s : rel.s, "create", errno) ; goto end ; }
  if (path(&p, rel.s, "credentials")) bk_tree(p.s, 0) ;
  junk(rel.s, &jd) ;
  n = tern_mboxlist_len(&l) ;
  st = n ? malloc(n) : 0 ;
  if (n && !st) { bk_err(rel.s, "allocate", errno) ; tern_junkdb_close(&jd) ; goto end ; }
  for (size_t i = 0 ; i < n ; i++)
  {
    st[i] = (unsigned char)bk_mbox(rel.s, tern_mboxlist_ent(&l, i)) ;
    if (st[i] == BK_MBOX_GONE && !genalloc_append(tern_mboxent, &gone.ents, tern_mboxlist_ent(&l, i)))
      bk_err(rel.s, "allocate", errno) ;
  }
  tern_junkdb_close(&jd) ;
  bk_pause("files", rel.s) ;
  for (size_t i = 0 ; i < n ; i++)
    if (st[i] == BK_MBOX_OK) bk_mbox_files(rel.s, tern_mboxlist_ent(&l, i)) ;
  missed = n > 1 ;
  for (unsigned int round = 0 ; missed && round < BK_ROUNDS ; round++)
  {
    missed = 0 ;
    for (size_t i = 0 ; i < n ; i++)
      if (st[i] == BK_MBOX_OK) missed += bk_mbox_topup(rel.s, tern_mboxlist_ent(&l, i)) ;
    if (round + 1 > B.rounds) B.rounds = round + 1 ;
  }
  /* still moving after the last round: say so, the run ends with 111 */
  if (missed) bk_err(rel.s, "messages still moving after the last round: a moved message may be missing", 0) ;
  putlist(rel.s, &raw, &subs, &l, &gone) ;
  strays(rel.s, &l, &gone) ;
  unknown(rel.s) ;
 end:
  bk_links_free() ;
  free(st) ;
  tern_mboxlist_free(&l) ;
  tern_mboxlist_free(&gone) ;
  stralloc_free(&rel) ;
  stralloc_free(&raw) ;
  stralloc_free(&subs) ;
  stralloc_free(&p) ;
}
