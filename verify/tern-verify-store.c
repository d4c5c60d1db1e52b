/* tern-verify-store: every directory of DATADIR/accounts is an account,
   checked by tern_store_checkst; with -fix its strays are moved aside, its
   indexes rebuilt (tern_store_repairf), and it is checked again. */
#include <errno.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include "tern.h"
#include "tern_store.h"
#include "tern-verify.h"

typedef struct actx_s actx ;
struct actx_s
{
  char const *name ;
  stralloc acct ;       /* DATADIR/accounts/NAME, NUL-terminated */
  tern_mboxlist list ;  /* for the names of mailboxes */
  stralloc moves ;      /* -fix: paths to move aside, NUL-terminated */
  stralloc a, b ;       /* the two parts of a line */
  uint64_t mailboxes, messages ;  /* before this account */
} ;

static char const *const movable[] =
{
  "unknown file", "not in the mailbox list", "stale file older than 36 hours", "expunged message file remains"
} ;

/* NAME/MAILBOX and "uid N" or the file, from a path under the account */
static void parts (actx *x, char const *path)
{
  size_t n = x->acct.len - 1 ;
  char const *rel ;
  uint32_t id = 0 ;
  size_t i = 5 ;
  x->a.len = x->b.len = 0 ;
  if (!stralloc_cats(&x->a, x->name)) goto nomem ;
  if (strncmp(path, x->acct.s, n) || (path[n] && path[n] != '/')) { if (!stralloc_cats(&x->b, path)) goto nomem ; goto end ; }
  if (!path[n]) goto end ;
  rel = path + n + 1 ;
  if (!strncmp(rel, "mail/", 5)) for (; rel[i] >= '0' && rel[i] <= '9' && id < 429496729 ; i++) id = id * 10 + (uint32_t)(rel[i] - '0') ;
  if (!id || rel[i] != '/') { if (!stralloc_cats(&x->b, rel)) goto nomem ; goto end ; }
  {
    tern_mboxent const *e = 0 ;
    for (size_t k = 0 ; k < tern_mboxlist_len(&x->list) ; k++)
      if (tern_mboxlist_ent(&x->list, k)->id == id) e = tern_mboxlist_ent(&x->list, k) ;
    if (!stralloc_catb(&x->a, "/", 1)) goto nomem ;
    if (e ? !stralloc_cats(&x->a, e->name) : !stralloc_catb(&x->a, rel, i)) goto nomem ;
  }
  rel += i + 1 ;
  if (!strncmp(rel, "cur/", 4) && tern_store_uidscan(rel + 4))
  {
    if (!stralloc_cats(&x->b, "uid ") || !stralloc_cats(&x->b, rel + 4)) goto nomem ;
  }
  else if (!stralloc_cats(&x->b, rel)) goto nomem ;
 end:
  if (stralloc_0(&x->a) && stralloc_0(&x->b)) return ;
 nomem:
  strerr_diefu1sys(111, "format a problem line") ;
}

static void problem (void *data, char const *path, char const *what)
{
  actx *x = data ;
  parts(x, path) ;
  v_problem3(x->a.s, x->b.len > 1 ? x->b.s : 0, what) ;
  if (!V.fix || V.again) return ;
  for (size_t i = 0 ; i < sizeof movable / sizeof *movable ; i++)
    if (!strcmp(what, movable[i]) && !stralloc_catb(&x->moves, path, strlen(path) + 1))
      strerr_diefu1sys(111, "remember a file to move") ;
}

static void changed (void *data, char const *path, char const *what)
{
  actx *x = data ;
  parts(x, path) ;
  v_fixed(x->a.s, x->b.len > 1 ? x->b.s : 0, what) ;
}

static void progress (void *data, tern_store_checkstat const *st)
{
  actx *x = data ;
  V.mailboxes = x->mailboxes + st->mailboxes ;
  V.messages = x->messages + st->messages ;
  v_progress(0) ;
}

static int check (actx *x, tern_store_checkstat *st)
{
  tern_mboxlist_free(&x->list) ;
  x->list = (tern_mboxlist)TERN_MBOXLIST_ZERO ;
  if (tern_mboxlist_read(&x->list, x->acct.s)) tern_mboxlist_free(&x->list) ;
  if (tern_store_checkst(x->acct.s, &problem, x, st, &progress))
  {
    v_warn("check account ", x->name, errno) ;
    return 0 ;
  }
  return 1 ;
}

/* under the account's lock: nothing creates or deletes a mailbox meanwhile */
static void moveaside (actx *x)
{
  int fd = tern_store_lock(x->acct.s) ;
  if (fd < 0) { v_warn("lock account ", x->name, errno) ; return ; }
  for (size_t i = 0 ; i < x->moves.len ; i += strlen(x->moves.s + i) + 1)
  {
    char const *p = x->moves.s + i ;
    if (access(p, F_OK) < 0) continue ;
    parts(x, p) ;
    if (v_move(p)) v_fixed(x->a.s, x->b.len > 1 ? x->b.s : 0, "moved to moved/") ;
    else v_warn("move aside ", p, errno) ;
  }
  close(fd) ;
}

/* the junk filter after the store (and its repairs) */
static void junk (actx *x, tern_store_checkstat const *st)
{
  unsigned int found = V.found ;
  v_junk(x->acct.s, x->name, st->trained) ;
  if (!V.fix || V.found == found) return ;
  V.again = 1 ;
  v_junk(x->acct.s, x->name, st->trained) ;
  V.again = 0 ;
}

static void account (char const *name)
{
  actx x = { .name = name, .acct = STRALLOC_ZERO, .list = TERN_MBOXLIST_ZERO, .moves = STRALLOC_ZERO,
    .a = STRALLOC_ZERO, .b = STRALLOC_ZERO, .mailboxes = V.mailboxes, .messages = V.messages } ;
  tern_store_checkstat st = TERN_STORE_CHECKSTAT_ZERO ;
  int ok ;
  if (!stralloc_catb(&x.acct, V.datadir, V.dlen) || !stralloc_cats(&x.acct, "/accounts/")
   || !stralloc_cats(&x.acct, name) || !stralloc_0(&x.acct)) strerr_diefu1sys(111, "make a path") ;
  V.accounts++ ;
  ok = check(&x, &st) ;
  if (ok && V.fix && st.problems)
  {
    int r ;
    moveaside(&x) ;
    r = tern_store_repairf(x.acct.s, &changed, &x) ;
    if (r && errno != EUCLEAN) v_warn("repair account ", name, errno) ;
    V.again = 1 ;
    st = (tern_store_checkstat)TERN_STORE_CHECKSTAT_ZERO ;
    ok = check(&x, &st) ;
    V.again = 0 ;
  }
  if (ok) junk(&x, &st) ;
  V.mailboxes = x.mailboxes + st.mailboxes ;
  V.messages = x.messages + st.messages ;
  v_progress(0) ;
  tern_mboxlist_free(&x.list) ;
  stralloc_free(&x.acct) ; stralloc_free(&x.moves) ; stralloc_free(&x.a) ; stralloc_free(&x.b) ;
}

static int scmp (void const *a, void const *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b) ;
}

/* names first (sorted, so that the output does not depend on the file system) */
void v_accounts (void)
{
  stralloc dir = STRALLOC_ZERO, names = STRALLOC_ZERO ;
  genalloc idx = GENALLOC_ZERO ;  /* size_t offsets */
  DIR *d ;
  if (!stralloc_catb(&dir, V.datadir, V.dlen) || !stralloc_cats(&dir, "/accounts") || !stralloc_0(&dir))
    strerr_diefu1sys(111, "make a path") ;
  d = opendir(dir.s) ;
  if (!d)
  {
    if (errno != ENOENT) v_warn("read ", dir.s, errno) ;
    stralloc_free(&dir) ;
    return ;
  }
  for (;;)
  {
    struct dirent *de ;
    struct stat st ;
    errno = 0 ;
    de = readdir(d) ;
    if (!de) { if (errno) v_warn("read ", dir.s, errno) ; break ; }
    if (de->d_name[0] == '.') continue ;
    dir.len-- ;
    if (!stralloc_catb(&dir, "/", 1) || !stralloc_cats(&dir, de->d_name) || !stralloc_0(&dir)) strerr_diefu1sys(111, "make a path") ;
    if (stat(dir.s, &st) < 0) v_warn("read ", dir.s, errno) ;
    else if (!S_ISDIR(st.st_mode)) v_problem3("accounts", de->d_name, "not an account directory") ;
    else if (!genalloc_catb(size_t, &idx, &names.len, 1) || !stralloc_catb(&names, de->d_name, strlen(de->d_name) + 1))
      strerr_diefu1sys(111, "list accounts") ;
    dir.len -= strlen(de->d_name) + 2 ;
    dir.s[dir.len++] = 0 ;
  }
  closedir(d) ;
  {
    size_t n = genalloc_len(size_t, &idx) ;
    char const **v = malloc((n + 1) * sizeof *v) ;
    if (!v) strerr_diefu1sys(111, "list accounts") ;
    for (size_t i = 0 ; i < n ; i++) v[i] = names.s + genalloc_s(size_t, &idx)[i] ;
    if (n) qsort(v, n, sizeof *v, &scmp) ;
    for (size_t i = 0 ; i < n ; i++) account(v[i]) ;
    free(v) ;
  }
  genalloc_free(size_t, &idx) ;
  stralloc_free(&names) ; stralloc_free(&dir) ;
}
