/* tern_store_repair: the full repair behind "tern verify -fix" (tern-store.5
   Recovery): rebuild every index from its cur/ files, keeping the records
   that still have a file and adopting files that lost their record; a
   mailbox whose UIDs changed gets a new UIDVALIDITY.  f hears each change. */
#include <errno.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <skalibs/types.h>
#include <skalibs/djbunix.h>
#include "tern.h"
#include "tern_store.h"

static int ucmp (void const *a, void const *b)
{
  uint32_t x = *(uint32_t const *)a, y = *(uint32_t const *)b ;
  return x < y ? -1 : x > y ;
}

static int rcmp (void const *a, void const *b)
{
  tern_rec const *x = a, *y = b ;
  if (x->uid != y->uid) return x->uid < y->uid ? -1 : 1 ;
  return x->modseq > y->modseq ? -1 : x->modseq < y->modseq ;  /* newest first */
}

typedef struct fix_s fix ;
struct fix_s
{
  tern_store_problem_func *f ;
  void *data ;
  tern_mbox *m ;
  stralloc p ;
  int changed ;   /* the set of UIDs changed */
} ;

static void tell (fix *x, char const *sub, uint32_t uid, char const *what)
{
  char fmt[UINT32_FMT] ;
  if (!x->f) return ;
  x->p.len = 0 ;
  if (stralloc_catb(&x->p, x->m->dir.s, x->m->dir.len)
   && (!sub || (stralloc_catb(&x->p, "/", 1) && stralloc_cats(&x->p, sub)))
   && (!uid || (stralloc_catb(&x->p, "/", 1) && stralloc_catb(&x->p, fmt, uint32_fmt(fmt, uid))))
   && stralloc_0(&x->p))
    (*x->f)(x->data, x->p.s, what) ;
  else (*x->f)(x->data, x->m->dir.s, what) ;
}

static int tmpgone (void *data, char const *name, uint32_t uid)
{
  fix *x = data ;
  (void)uid ;
  x->p.len = 0 ;
  if (x->f && stralloc_catb(&x->p, x->m->dir.s, x->m->dir.len) && stralloc_cats(&x->p, "/tmp/")
   && stralloc_cats(&x->p, name) && stralloc_0(&x->p))
    (*x->f)(x->data, x->p.s, "stale file removed") ;
  return TERN_OK ;
}

static int addfile (void *data, char const *name, uint32_t uid)
{
  (void)name ;
  if (uid && !genalloc_catb(uint32_t, (genalloc *)data, &uid, 1)) return TERN_TEMP ;
  return TERN_OK ;
}

/* the records (sorted) whose UID has no file (sorted): dropped */
static void dropped (fix *x, tern_rec const *r, size_t nr, uint32_t const *f, size_t nf)
{
  size_t k = 0 ;
  for (size_t j = 0 ; j < nr ; j++)
  {
    if (j && r[j].uid == r[j-1].uid) continue ;
    while (k < nf && f[k] < r[j].uid) k++ ;
    if (k < nf && f[k] == r[j].uid) continue ;
    if (r[j].flags & TERN_F_EXPUNGED) continue ;
    tell(x, "cur", r[j].uid, "record dropped, message file missing") ;
    x->changed = 1 ;
  }
}

/* one record per file: the old one if any (newest, not a tombstone) */
static int rebuild (fix *x, genalloc *old, genalloc *files, genalloc *out)
{
  tern_mbox *m = x->m ;
  uint32_t uidnext = m->hdr.uidnext ;
  tern_rec *r = genalloc_s(tern_rec, old) ;
  size_t nr = genalloc_len(tern_rec, old) ;
  uint32_t const *f = genalloc_s(uint32_t, files) ;
  stralloc p = STRALLOC_ZERO ;
  size_t j = 0 ;
  if (nr) qsort(r, nr, sizeof *r, &rcmp) ;
  if (genalloc_len(uint32_t, files)) qsort(genalloc_s(uint32_t, files), genalloc_len(uint32_t, files), sizeof *f, &ucmp) ;
  for (size_t i = 0 ; i < genalloc_len(uint32_t, files) ; i++)
  {
    struct stat st ;
    tern_rec rec = { .uid = f[i] } ;
    int adopted = 1 ;
    while (j < nr && r[j].uid < f[i]) j++ ;
    if (!tern_mbox_path(&p, m, "cur", f[i])) goto nomem ;
    if (j < nr && r[j].uid == f[i])
    {
      rec = r[j] ;
      adopted = 0 ;
      if (rec.flags & TERN_F_EXPUNGED)
      {
        if (!unlink(p.s)) tell(x, "cur", f[i], "expunged message file removed") ;
        continue ;
      }
    }
    else rec.modseq = ++m->hdr.highestmodseq ;
    if (stat(p.s, &st) < 0) continue ;
    if (adopted)
    {
      rec.internaldate = (int64_t)st.st_mtime ;
      tell(x, "cur", f[i], "record added for a message file without one") ;
      if (f[i] < uidnext) x->changed = 1 ;
    }
    else if (rec.size != (uint64_t)st.st_size) tell(x, "cur", f[i], "size taken from the message file") ;
    rec.size = (uint64_t)st.st_size ;
    if (rec.flags & ~(uint32_t)(TERN_F_USER | TERN_F_TRAINMASK) || TERN_F_TRAIN(rec.flags) == 3)
      tell(x, "cur", f[i], "unknown flag bits cleared") ;
    rec.flags &= TERN_F_USER | TERN_F_TRAINMASK ;
    if (TERN_F_TRAIN(rec.flags) == 3) rec.flags &= ~(uint32_t)TERN_F_TRAINMASK ;
    if (!genalloc_catb(tern_rec, out, &rec, 1)) goto nomem ;
  }
  dropped(x, r, nr, f, genalloc_len(uint32_t, files)) ;
  stralloc_free(&p) ;
  return TERN_OK ;
 nomem:
  stralloc_free(&p) ;
  return TERN_TEMP ;
}

/* keep valid lines at their bit, replace bad ones by a placeholder */
static int fixkeywords (fix *x)
{
  tern_mbox *m = x->m ;
  stralloc in = STRALLOC_ZERO, out = STRALLOC_ZERO, kw = STRALLOC_ZERO ;
  unsigned int n = 0, k ;
  size_t i = 0 ;
  int r = tern_mbox_keywords(m) ;
  if (r != TERN_PERM) return r ;
  r = TERN_TEMP ;
  if (!tern_mbox_path(&kw, m, "keywords", 0) || !openslurpclose(&in, kw.s)) goto end ;
  for (k = 0 ; k < TERN_STORE_KWMAX && i < in.len ; k++)
  {
    char const *nl = memchr(in.s + i, '\n', in.len - i) ;
    size_t l = nl ? (size_t)(nl - in.s) - i : in.len - i ;
    char fmt[UINT_FMT] ;
    size_t mark = out.len ;
    if (!stralloc_catb(&out, in.s + i, l) || !stralloc_catb(&out, "\n", 1)) goto end ;
    if (tern_keywords_parse(&m->kw, &n, out.s, out.len))
    {
      out.len = mark ;
      if (!stralloc_cats(&out, "broken-") || !stralloc_catb(&out, fmt, uint_fmt(fmt, k)) || !stralloc_catb(&out, "\n", 1)) goto end ;
    }
    i += l + 1 ;
  }
  r = tern_file_replace(kw.s, out.s, out.len, 0600) ? tern_mbox_keywords(m) : tern_errcode(errno) ;
  if (!r) tell(x, "keywords", 0, "bad lines replaced by broken-N") ;
 end:
  stralloc_free(&in) ; stralloc_free(&out) ; stralloc_free(&kw) ;
  return r ;
}

/* a new UIDVALIDITY for e, in the list first: a crash before the index is
   rewritten leaves the index to follow the list at the next repair */
static int newuidvalidity (fix *x, char const *acct, tern_mboxlist *l, tern_mboxent *e)
{
  char what[UINT32_FMT * 2 + 40] = "UIDVALIDITY " ;
  size_t n = 12 ;
  uint32_t old = e->uidvalidity ;
  int r ;
  if (l->nextuidvalidity == 0xffffffffu) return (errno = EOVERFLOW, TERN_PERM) ;
  e->uidvalidity = l->nextuidvalidity++ ;
  r = tern_mboxlist_write(l, acct) ;
  if (r) return r ;
  n += uint32_fmt(what + n, old) ;
  memcpy(what + n, " -> ", 4) ; n += 4 ;
  n += uint32_fmt(what + n, e->uidvalidity) ;
  memcpy(what + n, ", UIDs changed", 15) ;
  tell(x, "index", 0, what) ;
  return TERN_OK ;
}

static int onembox (fix *x, char const *acct, tern_mboxlist *l, tern_mboxent *e)
{
  tern_mbox m = TERN_MBOX_ZERO ;
  genalloc old = GENALLOC_ZERO, files = GENALLOC_ZERO, out = GENALLOC_ZERO ;
  int r = tern_store_mbox_init(acct, e->id, e->uidvalidity) ;
  if (r) return r ;
  x->m = &m ;
  x->changed = 0 ;
  r = tern_mbox_open(&m, acct, e->id) ;
  if (!r && (m.hdr.flags & TERN_IDX_OBSOLETE))
  {
    /* a listed mailbox is never obsolete: a stray flag would lock it out */
    m.hdr.flags = 0 ;
    r = tern_mbox_puthdr(&m) ;
    if (!r) tell(x, "index", 0, "stray obsolete flag cleared") ;
  }
  if (!r) r = tern_mbox_lock(&m, LOCK_EX) ;
  if (!r) r = tern_mbox_allrecords(&m, &old) ;
  if (!r) r = tern_mbox_curscan(&m, &addfile, &files) ;
  if (!r) r = rebuild(x, &old, &files, &out) ;
  if (!r) r = fixkeywords(x) ;
  if (!r) r = tern_mbox_tmpclean(&m, 0, &tmpgone, x) ;
  if (!r && x->changed) r = newuidvalidity(x, acct, l, e) ;
  if (!r)
  {
    size_t n = genalloc_len(tern_rec, &out) ;
    uint32_t next = m.hdr.uidnext ;
    if (n && genalloc_s(tern_rec, &out)[n - 1].uid >= next) next = genalloc_s(tern_rec, &out)[n - 1].uid + 1 ;
    if (!next) { r = TERN_PERM ; errno = EOVERFLOW ; }
    else r = tern_mbox_rewrite(&m, genalloc_s(tern_rec, &out), n, next, e->uidvalidity) ;
  }
  tern_mbox_close(&m) ;
  x->m = 0 ;
  genalloc_free(tern_rec, &old) ;
  genalloc_free(uint32_t, &files) ;
  genalloc_free(tern_rec, &out) ;
  return r ;
}

/* NEXTID above every directory in mail/, so an ID is never reused */
static int maxid (char const *acct, uint32_t *max)
{
  size_t n = strlen(acct) ;
  char path[n + 6] ;
  DIR *d ;
  memcpy(path, acct, n) ;
  memcpy(path + n, "/mail", 6) ;
  if (!tern_mkdirp(path, 0700)) return tern_errcode(errno) ;
  d = opendir(path) ;
  if (!d) return tern_errcode(errno) ;
  for (;;)
  {
    struct dirent *de = readdir(d) ;
    uint32_t id ;
    if (!de) break ;
    id = tern_store_uidscan(de->d_name) ;
    if (id > *max) *max = id ;
  }
  closedir(d) ;
  return TERN_OK ;
}

int tern_store_repair (char const *acct)
{
  return tern_store_repairf(acct, 0, 0) ;
}

int tern_store_repairf (char const *acct, tern_store_problem_func *f, void *data)
{
  tern_mboxlist l = TERN_MBOXLIST_ZERO ;
  fix x = { .f = f, .data = data, .m = 0, .p = STRALLOC_ZERO, .changed = 0 } ;
  uint32_t max = 0 ;
  int fd = tern_store_lock(acct), r ;
  if (fd < 0) return tern_errcode(errno) ;
  r = tern_mboxlist_read(&l, acct) ;
  if (!r) r = maxid(acct, &max) ;
  for (size_t i = 0 ; i < tern_mboxlist_len(&l) && !r ; i++) r = onembox(&x, acct, &l, tern_mboxlist_ent(&l, i)) ;
  if (!r && max >= l.nextid)
  {
    if (max == 0xffffffffu) { r = TERN_PERM ; errno = EOVERFLOW ; }
    else
    {
      l.nextid = max + 1 ;
      r = tern_mboxlist_write(&l, acct) ;
      if (!r && f) (*f)(data, acct, "NEXTID raised above every directory of mail/") ;
    }
  }
  tern_mboxlist_free(&l) ;
  stralloc_free(&x.p) ;
  close(fd) ;
  return r ;
}
