/* tern_store_checkacct: the account-level part of tern_store_check: the
   subscriptions file, the directories of mail/ that the list does not name and unknown files in
   ACCT (read again under a shared account lock before any report), and an
   account without a list (being made, or lost while mail/ holds mail). */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <skalibs/stralloc.h>
#include "tern.h"
#include "tern_store.h"

typedef struct ctx_s ctx ;
struct ctx_s
{
  tern_store_problem_func *f ;
  void *data ;
  unsigned int n ;
  int quiet ;
  stralloc p ;
} ;

static int isdots (char const *s)
{
  return s[0] == '.' && (!s[1] || (s[1] == '.' && !s[2])) ;
}

static void sayacct (ctx *c, char const *acct, char const *sub, char const *name, char const *what)
{
  c->n++ ;
  if (c->quiet) return ;
  c->p.len = 0 ;
  if (stralloc_cats(&c->p, acct) && stralloc_catb(&c->p, "/", 1) && stralloc_cats(&c->p, sub)
   && (!name || (stralloc_catb(&c->p, "/", 1) && stralloc_cats(&c->p, name))) && stralloc_0(&c->p))
    (*c->f)(c->data, c->p.s, what) ;
  else (*c->f)(c->data, acct, what) ;
}

/* directories in mail/ that the list does not name, unknown files in ACCT */
static void strays (ctx *c, char const *acct, tern_mboxlist const *l)
{
  static char const *const known[] = { "lock", "mailboxes", "subscriptions", "mail", "junk", "credentials", "rejects" } ;
  size_t n = strlen(acct) ;
  char path[n + 6] ;
  DIR *d ;
  memcpy(path, acct, n) ;
  memcpy(path + n, "/mail", 6) ;
  d = opendir(path) ;
  /* no mail/ yet: an account being made (tern_store_create makes ACCT,
     then its lock, mailboxes and list), or one a crash stopped there,
     which its next use completes; nothing in it can be a stray, and a
     mailbox the list names is checked on its own */
  if (!d && errno == ENOENT) return ;
  if (!d) { sayacct(c, acct, "mail", 0, "unreadable directory") ; return ; }
  for (;;)
  {
    struct dirent *de = readdir(d) ;
    uint32_t id ;
    size_t k = 0 ;
    if (!de) break ;
    if (isdots(de->d_name)) continue ;
    id = tern_store_uidscan(de->d_name) ;
    for (; id && k < tern_mboxlist_len(l) ; k++) if (tern_mboxlist_ent(l, k)->id == id) break ;
    if (!id || k == tern_mboxlist_len(l)) sayacct(c, acct, "mail", de->d_name, "not in the mailbox list") ;
  }
  closedir(d) ;
  path[n] = 0 ;
  d = opendir(path) ;
  if (!d) { sayacct(c, acct, ".", 0, "unreadable directory") ; return ; }
  for (;;)
  {
    struct dirent *de = readdir(d) ;
    size_t k = 0 ;
    if (!de) break ;
    if (isdots(de->d_name)) continue ;
    for (; k < sizeof known / sizeof *known ; k++) if (!strcmp(de->d_name, known[k])) break ;
    if (k == sizeof known / sizeof *known && !tern_file_replacing(de->d_name)) sayacct(c, acct, de->d_name, 0, "unknown file") ;
  }
  closedir(d) ;
}

/* the subscriptions file (tern-store.5): damage is reported, not repaired */
static void subs (ctx *c, char const *acct, tern_mboxlist const *l)
{
  stralloc sa = STRALLOC_ZERO ;
  int r = tern_subs_read(&sa, acct, l, 0) ;
  if (r && errno == EUCLEAN) sayacct(c, acct, "subscriptions", 0, tern_store_damage_what()) ;
  else if (r) sayacct(c, acct, "subscriptions", 0, "unreadable file") ;
  stralloc_free(&sa) ;
}

/* the account's directories: quietly; again under a shared account lock
   (mailbox create and delete hold it) with the list read again */
int tern_store_checkacct (char const *acct, tern_mboxlist const *l, tern_store_problem_func *f, void *data, unsigned int *nproblems)
{
  ctx c = { .f = f, .data = data, .n = 0, .quiet = 1, .p = STRALLOC_ZERO } ;
  tern_mboxlist l2 = TERN_MBOXLIST_ZERO ;
  size_t len = strlen(acct) ;
  char path[len + 6] ;
  int fd, r = TERN_OK ;
  c.quiet = 0 ;
  subs(&c, acct, l) ;
  *nproblems += c.n ;
  c.n = 0 ;
  c.quiet = 1 ;
  strays(&c, acct, l) ;
  c.quiet = 0 ;
  if (!c.n) goto end ;
  c.n = 0 ;
  memcpy(path, acct, len) ;
  memcpy(path + len, "/lock", 6) ;
  fd = open(path, O_RDONLY | O_CLOEXEC) ;
  if (fd >= 0 && flock(fd, LOCK_SH) < 0) { r = tern_errcode(errno) ; close(fd) ; goto end ; }
  if (tern_mboxlist_read(&l2, acct)) strays(&c, acct, l) ;
  else strays(&c, acct, &l2) ;
  if (fd >= 0) close(fd) ;
  tern_mboxlist_free(&l2) ;
  *nproblems += c.n ;
 end:
  stralloc_free(&c.p) ;
  return r ;
}

/* 1 if a directory mail/ID/cur/ holds a file */
static int hasmail (char const *acct)
{
  size_t n = strlen(acct) ;
  char path[n + 6 + 12 + 5] ;
  int found = 0 ;
  DIR *d ;
  memcpy(path, acct, n) ;
  memcpy(path + n, "/mail", 6) ;
  d = opendir(path) ;
  if (!d) return 0 ;
  for (struct dirent *de ; !found && (de = readdir(d)) ;)
  {
    DIR *cur ;
    if (!tern_store_uidscan(de->d_name)) continue ;
    path[n + 5] = '/' ;
    memcpy(path + n + 6, de->d_name, strlen(de->d_name)) ;
    memcpy(path + n + 6 + strlen(de->d_name), "/cur", 5) ;
    cur = opendir(path) ;
    path[n + 5] = 0 ;
    if (!cur) continue ;
    for (struct dirent *e ; !found && (e = readdir(cur)) ;) found = !isdots(e->d_name) ;
    closedir(cur) ;
  }
  closedir(d) ;
  return found ;
}

/* no list: an account being made (its creation holds the account lock) or
   without mail has none yet; one whose mail/ holds messages lost it */
int tern_store_checknolist (char const *acct, tern_mboxlist *l)
{
  size_t n = strlen(acct) ;
  char path[n + 6] ;
  int fd, r ;
  memcpy(path, acct, n) ;
  memcpy(path + n, "/lock", 6) ;
  fd = open(path, O_RDONLY | O_CLOEXEC) ;
  if (fd >= 0 && flock(fd, LOCK_SH) < 0) { r = tern_errcode(errno) ; close(fd) ; return r ; }
  tern_mboxlist_free(l) ;
  *l = (tern_mboxlist)TERN_MBOXLIST_ZERO ;
  r = tern_mboxlist_read(l, acct) ;
  if (r && errno == ENOENT)
    r = hasmail(acct) ? tern_store_damage(acct, "mailboxes", 0, "missing, yet mail/ holds messages") : TERN_OK ;
  if (fd >= 0) close(fd) ;
  return r ;
}

