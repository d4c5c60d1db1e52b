/* tern_store_acct: account creation and the mailbox-list operations, each
   under the account lock ACCT/lock (tern-store.5 mailboxes). */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <skalibs/types.h>
#include <skalibs/djbunix.h>
#include "tern.h"
#include "tern_store.h"

int tern_store_lock (char const *acct)
{
  return tern_lock(acct) ;
}

/* idempotent: an existing valid index is kept */
int tern_store_mbox_init (char const *acct, uint32_t id, uint32_t uidvalidity)
{
  static char const *const sub[3] = { "/tmp", "/new", "/cur" } ;
  size_t n = strlen(acct) ;
  char path[n + 6 + UINT32_FMT + 10] ;
  char buf[TERN_STORE_HDRSIZE] ;
  size_t d ;
  tern_idxhdr h = { .version = TERN_STORE_VERSION, .uidvalidity = uidvalidity, .uidnext = 1, .generation = 1, .usage = 1 } ;
  memcpy(path, acct, n) ;
  memcpy(path + n, "/mail/", 6) ;
  d = n + 6 + uint32_fmt(path + n + 6, id) ;
  path[d] = 0 ;
  if (!tern_mkdirp(path, 0700)) return tern_errcode(errno) ;
  for (unsigned int i = 0 ; i < 3 ; i++)
  {
    memcpy(path + d, sub[i], 5) ;
    if (mkdir(path, 0700) < 0 && errno != EEXIST) return tern_errcode(errno) ;
  }
  memcpy(path + d, "/index", 7) ;
  if (openreadnclose(path, buf, sizeof buf) == (ssize_t)sizeof buf && tern_idxhdr_unpack(buf, &h)) return TERN_OK ;
  tern_idxhdr_pack(buf, &h) ;
  if (!tern_file_replace(path, buf, sizeof buf, 0600)) return tern_errcode(errno) ;
  memcpy(path + d, "/changes", 9) ;
  tern_chghdr_pack(buf, h.generation) ;
  if (!tern_file_replace(path, buf, TERN_STORE_CHGHDR, 0600)) return tern_errcode(errno) ;
  return TERN_OK ;
}

/* add an entry to l and make its directory; the caller writes l */
static int add (tern_mboxlist *l, char const *acct, char const *name, unsigned int su, uint32_t *id)
{
  tern_mboxent e = { .id = l->nextid, .uidvalidity = l->nextuidvalidity, .subscribed = 1, .specialuse = su } ;
  size_t n = strlen(name) ;
  int r ;
  if (!tern_store_namevalid(name, n) || su > TERN_SU_MAX) return (errno = EINVAL, TERN_PERM) ;
  if (tern_mboxlist_find(l, name)) return (errno = EEXIST, TERN_PERM) ;
  if (l->nextid == 0xffffffffu || l->nextuidvalidity == 0xffffffffu) return (errno = EOVERFLOW, TERN_PERM) ;
  if (tern_store_isinbox(name, n)) memcpy(e.name, "Inbox", 6) ;
  else memcpy(e.name, name, n + 1) ;
  r = tern_store_mbox_init(acct, e.id, e.uidvalidity) ;
  if (r) return r ;
  if (!genalloc_catb(tern_mboxent, &l->ents, &e, 1)) return TERN_TEMP ;
  l->nextid++ ; l->nextuidvalidity++ ;
  if (id) *id = e.id ;
  return TERN_OK ;
}

/* 1 if the directory has an entry besides . and .., 0 if not or absent */
static int hasentry (char const *path)
{
  DIR *d = opendir(path) ;
  struct dirent *de ;
  int r = 0 ;
  if (!d) return 0 ;
  while (!r && (de = readdir(d)))
    r = !(de->d_name[0] == '.' && (!de->d_name[1] || (de->d_name[1] == '.' && !de->d_name[2]))) ;
  closedir(d) ;
  return r ;
}

/* no list: left by a crash while the account was made (mail/ holds no
   message: make it), or lost (damage: a new list would hide or mix up
   the mailboxes) */
static int nolist (char const *acct)
{
  size_t n = strlen(acct) ;
  char path[n + 6 + UINT32_FMT + 5] ;
  char what[40 + UINT32_FMT] ;
  DIR *d ;
  struct dirent *de ;
  int r = TERN_OK ;
  memcpy(path, acct, n) ;
  memcpy(path + n, "/mail", 6) ;
  d = opendir(path) ;
  if (!d) return errno == ENOENT ? TERN_OK : tern_errcode(errno) ;
  while (!r && (de = readdir(d)))
  {
    uint32_t id = tern_store_uidscan(de->d_name) ;
    size_t k = n + 6 ;
    if (!id) continue ;
    path[n + 5] = '/' ;
    k += uint32_fmt(path + k, id) ;
    memcpy(path + k, "/cur", 5) ;
    if (!hasentry(path)) continue ;
    memcpy(what, "missing, yet mail/", 18) ;
    memcpy(what + 18 + uint32_fmt(what + 18, id), " holds messages", 16) ;
    r = tern_store_damage(acct, "mailboxes", 0, what) ;
  }
  closedir(d) ;
  return r ;
}

/* the new account's set: its subscribed mailboxes (a crash before this
   leaves the file missing, which reads the same) */
static int subsinit (tern_mboxlist const *l, char const *acct)
{
  stralloc sa = STRALLOC_ZERO ;
  int r = tern_subs_read(&sa, acct, l, 0) ;
  if (!r) r = tern_subs_write(&sa, acct) ;
  stralloc_free(&sa) ;
  return r ;
}

int tern_store_create (char const *acct)
{
  static char const *const names[6] = { "Inbox", "Sent", "Archive", "Trash", "Drafts", "Junk" } ;
  static unsigned int const su[6] = { TERN_SU_NONE, TERN_SU_SENT, TERN_SU_ARCHIVE, TERN_SU_TRASH, TERN_SU_DRAFTS, TERN_SU_JUNK } ;
  tern_mboxlist l = TERN_MBOXLIST_ZERO ;
  int fd, r ;
  if (!tern_mkdirp(acct, 0700)) return tern_errcode(errno) ;
  fd = tern_store_lock(acct) ;
  if (fd < 0) return tern_errcode(errno) ;
  r = tern_mboxlist_read(&l, acct) ;
  if (r == TERN_TEMP && errno == ENOENT)
  {
    r = nolist(acct) ;
    for (unsigned int i = 0 ; i < 6 && !r ; i++) r = add(&l, acct, names[i], su[i], 0) ;
    if (!r) r = tern_mboxlist_write(&l, acct) ;
    if (!r) r = subsinit(&l, acct) ;
  }
  tern_mboxlist_free(&l) ;
  close(fd) ;
  return r ;
}

/* what the operations under the account lock change */
typedef struct lctx_s lctx ;
struct lctx_s { tern_mboxlist l ; stralloc subs ; int found ; int listch ; } ;
#define LCTX_ZERO { .l = TERN_MBOXLIST_ZERO, .subs = STRALLOC_ZERO, .found = 0, .listch = 1 }

static int lread (lctx *c, char const *acct)
{
  int r = tern_mboxlist_read(&c->l, acct) ;
  return r ? r : tern_subs_read(&c->subs, acct, &c->l, &c->found) ;
}

/* the set first (when it changed, or the file was missing: the
   migration of an older account), then the list with its fields in step */
static int lwrite (lctx *c, char const *acct, int subsch)
{
  int r = TERN_OK ;
  if (subsch || !c->found) r = tern_subs_write(&c->subs, acct) ;
  if (tern_subs_fields(&c->l, &c->subs)) c->listch = 1 ;
  if (!r && c->listch) r = tern_mboxlist_write(&c->l, acct) ;
  return r ;
}

static void lfree (lctx *c)
{
  tern_mboxlist_free(&c->l) ;
  stralloc_free(&c->subs) ;
}

/* run f on the locked, read list and set; write them back if f returns
   TERN_OK */
static int withlist (char const *acct, int (*f)(lctx *, char const *, void *), void *data)
{
  lctx c = LCTX_ZERO ;
  int fd = tern_store_lock(acct), r ;
  size_t len ;
  if (fd < 0) return tern_errcode(errno) ;
  r = lread(&c, acct) ;
  len = c.subs.len ;
  if (!r) r = (*f)(&c, acct, data) ;
  if (!r) r = lwrite(&c, acct, c.subs.len != len) ;
  lfree(&c) ;
  close(fd) ;
  return r ;
}

struct cargs { char const *name ; unsigned int su ; uint32_t *id ; } ;

/* a new mailbox is subscribed, as tern always did */
static int docreate (lctx *c, char const *acct, void *data)
{
  struct cargs *a = data ;
  int r = add(&c->l, acct, a->name, a->su, a->id) ;
  /* a full set (10000 names) leaves the new mailbox unsubscribed */
  if (!r && tern_subs_set(&c->subs, a->name, 1) < 0 && errno != EOVERFLOW) r = TERN_TEMP ;
  return r ;
}

int tern_store_mbox_create (char const *acct, char const *name, unsigned int su, uint32_t *id)
{
  struct cargs a = { name, su, id } ;
  return withlist(acct, &docreate, &a) ;
}

struct sargs { char const *name ; int on ; } ;

/* a name, with or without a mailbox (RFC 3501 6.3.6) */
static int dosub (lctx *c, char const *acct, void *data)
{
  struct sargs *a = data ;
  (void)acct ;
  c->listch = 0 ;
  if (tern_subs_set(&c->subs, a->name, a->on) < 0) return errno == ENOMEM ? TERN_TEMP : TERN_PERM ;
  return TERN_OK ;
}

int tern_store_subscribe (char const *acct, char const *name, int on)
{
  struct sargs a = { name, on } ;
  return withlist(acct, &dosub, &a) ;
}

int tern_store_mbox_lookup (char const *acct, char const *name, tern_mboxent *e)
{
  tern_mboxlist l = TERN_MBOXLIST_ZERO ;
  tern_mboxent *f ;
  int r = tern_mboxlist_read(&l, acct) ;
  if (r) { tern_mboxlist_free(&l) ; return r ; }
  f = tern_mboxlist_find(&l, name) ;
  if (f) *e = *f ;
  else { r = TERN_PERM ; errno = ENOENT ; }
  tern_mboxlist_free(&l) ;
  return r ;
}

/* name (valid, NUL-terminated, changed in place) as the store spells it:
   INBOX and the names under it in any case are Inbox and Inbox/x (RFC
   3501 5.1), unless a mailbox of that very spelling exists (one an older
   tern-imap made as INBOX/x).  IMAP, a delivery rule and a -m name all
   reach one mailbox this way. */
void tern_store_mbox_canon (char const *acct, char *name)
{
  tern_mboxent e ;
  size_t n = strlen(name) ;
  if (!tern_store_isinboxtree(name, n) || !memcmp(name, "Inbox", 5)) return ;
  if (n == 5 || tern_store_mbox_lookup(acct, name, &e)) memcpy(name, "Inbox", 5) ;
}

/* mark the index obsolete under its lock, so that a delivery waiting for
   the lock gives up, then remove the tree */
static int destroy (char const *acct, uint32_t id)
{
  tern_mbox m = TERN_MBOX_ZERO ;
  int r = tern_mbox_open(&m, acct, id) ;
  if (!r)
  {
    if (flock(m.fd, LOCK_EX) < 0) r = tern_errcode(errno) ;
    else
    {
      m.hdr.flags |= TERN_IDX_OBSOLETE ;
      r = tern_mbox_puthdr(&m) ;
    }
  }
  else if (r == TERN_PERM || errno == EUCLEAN) r = TERN_OK ;  /* no usable index: nothing waits on it */
  if (!r && rm_rf(m.dir.s) < 0 && errno != ENOENT) r = tern_errcode(errno) ;
  tern_mbox_close(&m) ;
  return r ;
}

/* the subscription stays (RFC 3501 6.3.9) */
int tern_store_mbox_delete (char const *acct, char const *name)
{
  lctx c = LCTX_ZERO ;
  tern_mboxent *e ;
  uint32_t id = 0 ;
  int fd, r ;
  if (tern_store_isinbox(name, strlen(name))) return (errno = EPERM, TERN_PERM) ;
  fd = tern_store_lock(acct) ;
  if (fd < 0) return tern_errcode(errno) ;
  r = lread(&c, acct) ;
  if (!r)
  {
    e = tern_mboxlist_find(&c.l, name) ;
    if (!e) { r = TERN_PERM ; errno = ENOENT ; }
    else
    {
      size_t i = (size_t)(e - tern_mboxlist_ent(&c.l, 0)), len = tern_mboxlist_len(&c.l) ;
      id = e->id ;
      memmove(e, e + 1, (len - i - 1) * sizeof *e) ;
      genalloc_setlen(tern_mboxent, &c.l.ents, len - 1) ;
      r = lwrite(&c, acct, 0) ;
    }
  }
  if (!r) r = destroy(acct, id) ;
  lfree(&c) ;
  close(fd) ;
  return r ;
}

struct rargs { char const *from ; char const *to ; } ;

/* the mailbox and its inferiors ("from/...") take the new prefix; the
   subscriptions stay with the names, as Dovecot's do */
static int dorename (lctx *c, char const *acct, void *data)
{
  struct rargs *a = data ;
  tern_mboxlist *l = &c->l ;
  size_t fl = strlen(a->from), tl = strlen(a->to), n = tern_mboxlist_len(l) ;
  (void)acct ;
  if (!tern_store_namevalid(a->to, tl) || tern_store_isinbox(a->to, tl)) return (errno = EINVAL, TERN_PERM) ;
  if (!tern_mboxlist_find(l, a->from)) return (errno = ENOENT, TERN_PERM) ;
  if (tern_mboxlist_find(l, a->to)) return (errno = EEXIST, TERN_PERM) ;
  if (tl > fl && !memcmp(a->to, a->from, fl) && a->to[fl] == '/') return (errno = EINVAL, TERN_PERM) ;
  for (size_t i = 0 ; i < n ; i++)
  {
    tern_mboxent *e = tern_mboxlist_ent(l, i) ;
    size_t el = strlen(e->name) ;
    char nn[TERN_STORE_NAMEMAX + 1] ;
    if (el < fl || memcmp(e->name, a->from, fl) || (el > fl && e->name[fl] != '/')) continue ;
    if (tl + el - fl > TERN_STORE_NAMEMAX) return (errno = ENAMETOOLONG, TERN_PERM) ;
    memcpy(nn, a->to, tl) ;
    memcpy(nn + tl, e->name + fl, el - fl + 1) ;
    if (tern_mboxlist_find(l, nn)) return (errno = EEXIST, TERN_PERM) ;
    memcpy(e->name, nn, tl + el - fl + 1) ;
  }
  return TERN_OK ;
}

/* Inbox cannot be renamed here: IMAP moves its messages instead */
int tern_store_mbox_rename (char const *acct, char const *from, char const *to)
{
  struct rargs a = { from, to } ;
  if (tern_store_isinbox(from, strlen(from))) return (errno = EPERM, TERN_PERM) ;
  return withlist(acct, &dorename, &a) ;
}
