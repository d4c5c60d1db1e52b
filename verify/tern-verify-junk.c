/* tern-verify-junk: an account's junk filter (junk/tern-junk.5): the words
   file opens, no unknown file in junk/, no commit left unfinished, and its
   NHAM and NSPAM equal the training states of the account's messages.  A
   difference is read again under the junk lock (a commit under way). */
#include <errno.h>
#include <stdio.h>
#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include "tern.h"
#include "tern_store.h"
#include "tern_junk.h"
#include "tern_conf.h"
#include "tern-verify.h"

static stralloc p = STRALLOC_ZERO ;

static char const *path (char const *acct, char const *name)
{
  p.len = 0 ;
  if (!stralloc_cats(&p, acct) || !stralloc_cats(&p, "/junk") || (name && (!stralloc_catb(&p, "/", 1) || !stralloc_cats(&p, name)))
   || !stralloc_0(&p)) strerr_diefu1sys(111, "make a path") ;
  return p.s ;
}

/* the training states of every record, one mailbox at a time */
static int states (char const *acct, uint64_t *n)
{
  tern_mboxlist l = TERN_MBOXLIST_ZERO ;
  genalloc recs = GENALLOC_ZERO ;
  int r = tern_mboxlist_read(&l, acct) ;
  n[0] = n[1] = n[2] = n[3] = 0 ;
  for (size_t i = 0 ; !r && i < tern_mboxlist_len(&l) ; i++)
  {
    tern_mbox m = TERN_MBOX_ZERO ;
    r = tern_mbox_open(&m, acct, tern_mboxlist_ent(&l, i)->id) ;
    genalloc_setlen(tern_rec, &recs, 0) ;
    if (!r) r = tern_mbox_allrecords(&m, &recs) ;
    for (size_t k = 0 ; !r && k < genalloc_len(tern_rec, &recs) ; k++) n[TERN_F_TRAIN(genalloc_s(tern_rec, &recs)[k].flags)]++ ;
    tern_mbox_close(&m) ;
  }
  tern_mboxlist_free(&l) ;
  genalloc_free(tern_rec, &recs) ;
  return r ;
}

/* 0 done (*h, *s the counts), 1 damage reported, -1 could not */
static int counts (char const *acct, char const *name, uint32_t *h, uint32_t *s)
{
  tern_junkdb d = TERN_JUNKDB_ZERO ;
  tern_junkstats st ;
  int r = tern_junkdb_open(&d, acct, TERN_JUNKDB_READ) ;
  if (!r) r = tern_junkdb_stats(&d, &st) ;
  tern_junkdb_close(&d) ;
  if (r && errno == EUCLEAN)
  {
    char const *dp = tern_store_damage_path() ;
    size_t n = strlen(acct) ;
    v_problem3(name, strncmp(dp, acct, n) || dp[n] != '/' ? dp : dp + n + 1, tern_store_damage_what()) ;
    return 1 ;
  }
  if (r) { v_warn("read the junk filter of account ", name, errno) ; return -1 ; }
  *h = st.nham ; *s = st.nspam ;
  return 0 ;
}

static int leftover (char const *acct)
{
  return access(path(acct, "journal"), F_OK) == 0 || access(path(acct, "words.new"), F_OK) == 0 ;
}

static void unknown (char const *acct, char const *name)
{
  static char const *const known[] = { "lock", "words", "words.new", "journal" } ;
  DIR *d = opendir(path(acct, 0)) ;
  if (!d) { if (errno != ENOENT) v_warn("read ", p.s, errno) ; return ; }
  for (;;)
  {
    struct dirent *de = readdir(d) ;
    if (!de) break ;
    if (!v_known(de->d_name, known, sizeof known / sizeof *known))
    {
      char rel[8 + strlen(de->d_name)] ;
      memcpy(rel, "junk/", 5) ;
      strcpy(rel + 5, de->d_name) ;
      v_problem3(name, rel, "unknown file") ;
      if (V.fix && !V.again)
      {
        if (v_move(path(acct, de->d_name))) v_fixed(name, rel, "moved to moved/") ;
        else v_warn("move aside ", p.s, errno) ;
      }
    }
  }
  closedir(d) ;
}

/* -fix: a WRITE open finishes (or drops) a commit left by a crash */
static void finish (char const *acct, char const *name)
{
  tern_junkdb d = TERN_JUNKDB_ZERO ;
  int r = tern_junkdb_open(&d, acct, TERN_JUNKDB_WRITE) ;
  tern_junkdb_close(&d) ;
  if (r) v_warn("finish the junk filter's commit of account ", name, errno) ;
  else v_fixed(name, "junk", "interrupted commit finished") ;
}

/* -fix: counts that differ from the training states: rebuilt from the
   messages' $Junk/$NotJunk flags (tern-retrain's code), with the
   account's options from -c's configuration, else the defaults */
static void retrain (char const *acct, char const *name, uint32_t h, uint32_t s)
{
  tern_junkopt o ;
  tern_junkretrain st ;
  char what[200] ;
  tern_junkopt_default(&o) ;
  if (V.confdir)
  {
    tern_conf c = TERN_CONF_ZERO ;
    int r = tern_conf_open(&c, V.confdir) ? tern_junkopt_conf(&c, name, &o) : -1 ;
    tern_conf_close(&c) ;
    if (r < 0) { v_warn("read the junk filter options of account ", name, errno) ; return ; }
  }
  if (tern_junk_retrain(acct, &o, 0, 0, &st)) { v_warn("retrain the junk filter of account ", name, errno) ; return ; }
  snprintf(what, sizeof what, "retrained from the messages' flags: %llu ham and %llu spam (the database counted %u and %u)",
    (unsigned long long)st.ham, (unsigned long long)st.spam, (unsigned int)h, (unsigned int)s) ;
  v_fixed(name, "junk", what) ;
}

void v_junk (char const *acct, char const *name, uint64_t const *trained)
{
  uint32_t h, s ;
  uint64_t n[4] ;
  int fd ;
  unknown(acct, name) ;
  if (counts(acct, name, &h, &s)) return ;
  if (h == trained[TERN_TRAIN_HAM] && s == trained[TERN_TRAIN_SPAM] && !leftover(acct)) return ;
  /* again, with no commit under way (commits hold the junk lock) */
  fd = open(path(acct, "lock"), O_RDONLY | O_CLOEXEC) ;
  if (fd >= 0 && flock(fd, LOCK_SH) < 0) { v_warn("lock ", p.s, errno) ; close(fd) ; return ; }
  if (states(acct, n)) v_warn("read the training states of account ", name, errno) ;
  else if (!counts(acct, name, &h, &s))
  {
    int left = leftover(acct) ;
    if (left) v_problem3(name, "junk", "a commit left unfinished by a crash") ;
    if (h != n[TERN_TRAIN_HAM] || s != n[TERN_TRAIN_SPAM])
    {
      char what[160] = "the database counts " ;
      size_t k = strlen(what) ;
      k += uint32_fmt(what + k, h) ; memcpy(what + k, " ham and ", 9) ; k += 9 ;
      k += uint32_fmt(what + k, s) ; memcpy(what + k, " spam, the messages' training states ", 37) ; k += 37 ;
      k += uint64_fmt(what + k, n[TERN_TRAIN_HAM]) ; memcpy(what + k, " and ", 5) ; k += 5 ;
      k += uint64_fmt(what + k, n[TERN_TRAIN_SPAM]) ; what[k] = 0 ;
      v_problem3(name, "junk", what) ;
      if (V.fix && !V.again && !left)
      {
        if (fd >= 0) close(fd) ;
        fd = -1 ;
        retrain(acct, name, h, s) ;
      }
    }
    if (left && V.fix && !V.again)
    {
      if (fd >= 0) close(fd) ;
      fd = -1 ;
      finish(acct, name) ;
    }
  }
  if (fd >= 0) close(fd) ;
}
