/* tern_store_check: read-only consistency check of an account for verify:
   every problem goes to the callback as (path, what); *nproblems counts. */
#include <errno.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <skalibs/types.h>
#include <skalibs/djbunix.h>
#include "tern.h"
#include "tern_store.h"

typedef struct ctx_s ctx ;
struct ctx_s
{
  tern_store_problem_func *f ;
  void *data ;
  unsigned int n ;
  tern_mbox *m ;
  genalloc recs ;
  stralloc p ;
} ;

static void say (ctx *c, char const *sub, uint32_t uid, char const *name, char const *what)
{
  char fmt[UINT32_FMT] ;
  c->p.len = 0 ;
  if (stralloc_catb(&c->p, c->m->dir.s, c->m->dir.len)
   && (!sub || (stralloc_catb(&c->p, "/", 1) && stralloc_cats(&c->p, sub)))
   && (!uid || (stralloc_catb(&c->p, "/", 1) && stralloc_catb(&c->p, fmt, uint32_fmt(fmt, uid))))
   && (!name || (stralloc_catb(&c->p, "/", 1) && stralloc_cats(&c->p, name)))
   && stralloc_0(&c->p))
    (*c->f)(c->data, c->p.s, what) ;
  else (*c->f)(c->data, c->m->dir.s, what) ;
  c->n++ ;
}

static int cmp (void const *a, void const *b)
{
  uint32_t x = *(uint32_t const *)a, y = ((tern_rec const *)b)->uid ;
  return x < y ? -1 : x > y ;
}

static int curfile (void *data, char const *name, uint32_t uid)
{
  ctx *c = data ;
  if (!uid) say(c, "cur", 0, name, "unknown file") ;
  else if (!genalloc_len(tern_rec, &c->recs) || !bsearch(&uid, genalloc_s(tern_rec, &c->recs), genalloc_len(tern_rec, &c->recs), sizeof(tern_rec), &cmp))
    say(c, "cur", uid, 0, "message file without a record") ;
  return TERN_OK ;
}

static int tmpfile (void *data, char const *name, uint32_t uid)
{
  (void)uid ;
  say(data, "tmp", 0, name, "stale file older than 36 hours") ;
  return TERN_OK ;
}

static void records (ctx *c)
{
  tern_rec const *r = genalloc_s(tern_rec, &c->recs) ;
  size_t n = genalloc_len(tern_rec, &c->recs) ;
  uint32_t tomb = 0, prev = 0 ;
  int sorted = 1 ;
  for (size_t i = 0 ; i < n ; i++)
  {
    struct stat st ;
    int have ;
    if (r[i].uid <= prev) sorted = 0 ;
    prev = r[i].uid ;
    if (r[i].uid >= c->m->hdr.uidnext) say(c, "cur", r[i].uid, 0, "UID not below UIDNEXT") ;
    if (r[i].modseq > c->m->hdr.highestmodseq) say(c, "index", 0, 0, "record MODSEQ above HIGHESTMODSEQ") ;
    if (r[i].flags & ~(uint32_t)(TERN_F_USER | TERN_F_EXPUNGED | TERN_F_TRAINMASK) || TERN_F_TRAIN(r[i].flags) == 3)
      say(c, "cur", r[i].uid, 0, "unknown flag bits") ;
    if (!tern_mbox_path(&c->p, c->m, "cur", r[i].uid)) continue ;
    have = !stat(c->p.s, &st) ;
    if (r[i].flags & TERN_F_EXPUNGED)
    {
      tomb++ ;
      if (have) say(c, "cur", r[i].uid, 0, "expunged message file remains") ;
    }
    else if (!have) say(c, "cur", r[i].uid, 0, "message file missing") ;
    else if ((uint64_t)st.st_size != r[i].size) say(c, "cur", r[i].uid, 0, "size differs from the record") ;
  }
  if (!sorted) say(c, "index", 0, 0, "records not sorted by UID") ;
  if (tomb != c->m->hdr.tombstones) say(c, "index", 0, 0, "tombstone count differs") ;
}

static void sidefiles (ctx *c)
{
  stralloc sa = STRALLOC_ZERO ;
  tern_mbox *m = c->m ;
  struct stat st ;
  uint32_t gen ;
  if (fstat(m->fd, &st) == 0 && ((size_t)st.st_size - TERN_STORE_HDRSIZE) % TERN_STORE_RECSIZE)
    say(c, "index", 0, 0, "partial trailing record") ;
  if (tern_mbox_path(&c->p, m, "changes", 0) && openslurpclose(&sa, c->p.s))
  {
    if (sa.len < TERN_STORE_CHGHDR || !tern_chghdr_unpack(sa.s, &gen) || gen != m->hdr.generation)
      say(c, "changes", 0, 0, "bad header or generation") ;
    else if ((sa.len - TERN_STORE_CHGHDR) % TERN_STORE_CHGSIZE) say(c, "changes", 0, 0, "partial trailing entry") ;
  }
  else say(c, "changes", 0, 0, "unreadable") ;
  stralloc_free(&sa) ;
  if (tern_mbox_keywords(m) == TERN_PERM) say(c, "keywords", 0, 0, "bad keywords file") ;
}

static int onembox (ctx *c, char const *acct, tern_mboxent const *e)
{
  tern_mbox m = TERN_MBOX_ZERO ;
  int r = tern_mbox_open(&m, acct, e->id) ;
  c->m = &m ;
  genalloc_setlen(tern_rec, &c->recs, 0) ;
  if (r && (!m.dir.s || (r == TERN_TEMP && errno == ENOMEM))) { tern_mbox_close(&m) ; return TERN_TEMP ; }
  if (r)
  {
    say(c, "index", 0, 0, "missing or unusable index") ;
    tern_mbox_close(&m) ;
    return TERN_OK ;
  }
  if (m.hdr.uidvalidity != e->uidvalidity) say(c, "index", 0, 0, "UIDVALIDITY differs from the mailbox list") ;
  r = tern_mbox_allrecords(&m, &c->recs) ;
  if (!r)
  {
    records(c) ;
    sidefiles(c) ;
    if (tern_mbox_curscan(&m, &curfile, c)) say(c, "cur", 0, 0, "unreadable directory") ;
    if (tern_mbox_tmpclean(&m, 1, &tmpfile, c)) say(c, "tmp", 0, 0, "unreadable directory") ;
  }
  tern_mbox_close(&m) ;
  return r ;
}

/* directories in mail/ that the list does not name */
static void strays (ctx *c, char const *acct, tern_mboxlist const *l)
{
  size_t n = strlen(acct) ;
  char path[n + 6] ;
  DIR *d ;
  memcpy(path, acct, n) ;
  memcpy(path + n, "/mail", 6) ;
  d = opendir(path) ;
  if (!d) { (*c->f)(c->data, path, "unreadable directory") ; c->n++ ; return ; }
  for (;;)
  {
    struct dirent *de = readdir(d) ;
    uint32_t id ;
    size_t k = 0 ;
    if (!de) break ;
    if (de->d_name[0] == '.' && (!de->d_name[1] || (de->d_name[1] == '.' && !de->d_name[2]))) continue ;
    id = tern_store_uidscan(de->d_name) ;
    for (; id && k < tern_mboxlist_len(l) ; k++) if (tern_mboxlist_ent(l, k)->id == id) break ;
    if (!id || k == tern_mboxlist_len(l))
    {
      c->p.len = 0 ;
      if (stralloc_cats(&c->p, path) && stralloc_catb(&c->p, "/", 1) && stralloc_cats(&c->p, de->d_name) && stralloc_0(&c->p))
        (*c->f)(c->data, c->p.s, "not in the mailbox list") ;
      c->n++ ;
    }
  }
  closedir(d) ;
}

int tern_store_check (char const *acct, tern_store_problem_func *f, void *data, unsigned int *nproblems)
{
  tern_mboxlist l = TERN_MBOXLIST_ZERO ;
  ctx c = { .f = f, .data = data, .n = 0, .m = 0, .recs = GENALLOC_ZERO, .p = STRALLOC_ZERO } ;
  int r = tern_mboxlist_read(&l, acct) ;
  *nproblems = 0 ;
  if (r)
  {
    int e = errno ;
    tern_mboxlist_free(&l) ;
    if (e == ENOMEM) return TERN_TEMP ;
    if (e == EUCLEAN)
    {
      char what[300] = "bad mailbox list: " ;
      size_t n = strlen(what), w = strlen(tern_store_damage_what()) ;
      if (w > sizeof what - 1 - n) w = sizeof what - 1 - n ;
      memcpy(what + n, tern_store_damage_what(), w) ;
      what[n + w] = 0 ;
      (*f)(data, tern_store_damage_path(), what) ;
    }
    else (*f)(data, acct, e == ENOENT ? "no mailbox list" : "bad mailbox list") ;
    *nproblems = 1 ;
    return TERN_OK ;
  }
  for (size_t i = 0 ; i < tern_mboxlist_len(&l) && !r ; i++) r = onembox(&c, acct, tern_mboxlist_ent(&l, i)) ;
  if (!r) strays(&c, acct, &l) ;
  *nproblems = c.n ;
  tern_mboxlist_free(&l) ;
  genalloc_free(tern_rec, &c.recs) ;
  stralloc_free(&c.p) ;
  return r ;
}
