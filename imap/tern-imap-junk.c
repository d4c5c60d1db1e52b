/* tern-imap-junk: automatic junk flags and training that follows flags
   (tern_junk.h) for the commands that store, flag or remove messages; the
   junk lock before any mailbox lock; a training error is logged, never
   fails the command (the states then wait for tern-retrain). */
#include <errno.h>
#include <string.h>
#include <sys/file.h>
#include "tern.h"
#include "tern_log.h"
#include "tern_junk.h"
#include "tern-imap.h"

static tern_junkopt opt ;
static tern_junkflags jf ;
static int filter = 0 ;      /* the account has a junk filter */
static int confread = 0 ;
static dev_t cdev ;
static ino_t cino ;
static tern_junkdb db = TERN_JUNKDB_ZERO ;
static int dbopen = 0 ;      /* training in this command */
static int failed = 0 ;      /* an error: nothing of this command is committed */

static void warn (char const *what, char const *error)
{
  tern_log_warn("junk-train", "pid", S.pid, "account", S.account.s, "tag", S.tag, "step", what, "error", error,
    "action", "skipped", TERN_LOG_END) ;
}

static void warnerr (char const *what)
{
  if (errno == EUCLEAN)
  {
    tern_log_warn("junk-train", "pid", S.pid, "account", S.account.s, "tag", S.tag, "step", what,
      "path", tern_store_damage_path(), "error", tern_store_damage_what(), "action", "skipped", TERN_LOG_END) ;
  }
  else warn(what, strerror(errno)) ;
}

/* the account's settings, read again when config.cdb was replaced */
static void junkconf (void)
{
  int r ;
  imap_conf() ;
  if (confread && S.conf.dev == cdev && S.conf.ino == cino) return ;
  if (confread) tern_junkflags_free(&jf) ;
  memset(&jf, 0, sizeof jf) ;
  if (!tern_junkflags_conf(&jf, &S.conf, S.account.s))
  {
    warn("junk-flags", strerror(errno)) ;
    memset(&jf, 0, sizeof jf) ;   /* only the \Junk special-use rule */
  }
  r = tern_junkopt_conf(&S.conf, S.account.s, &opt) ;
  if (r < 0) warn("junk-filter", strerror(errno)) ;
  filter = r > 0 ;
  cdev = S.conf.dev ; cino = S.conf.ino ;
  confread = 1 ;
}

uint32_t junk_flags (char const *mailbox, unsigned int su, uint32_t flags)
{
  if (!confread) junkconf() ;
  return tern_junkflags_apply(&jf, mailbox, su, flags) ;
}

int junk_begin (int train)
{
  junkconf() ;
  failed = 0 ;
  if (!train || !filter) return 0 ;
  db = (tern_junkdb)TERN_JUNKDB_ZERO ;
  if (tern_junkdb_open(&db, S.acct.s, TERN_JUNKDB_WRITE))
  {
    warnerr("open") ;
    tern_junkdb_close(&db) ;
    return 0 ;
  }
  dbopen = 1 ;
  return 1 ;
}

int junk_training (void) { return dbopen && !failed ; }

void junk_sync (tern_mbox *m, uint32_t uid, int gone)
{
  int r ;
  if (!dbopen || failed) return ;
  r = tern_junk_sync(&db, &opt, m, uid, gone) ;
  if (r == TERN_PERM && errno == ENOENT) return ;   /* expunged and compacted by another */
  if (r) { warnerr("sync") ; failed = 1 ; }
}

/* all of this command's training, or (after an error) none of it */
void junk_commit (void)
{
  if (!dbopen) return ;
  if (!failed && tern_junkdb_commit(&db)) { warnerr("commit") ; failed = 1 ; }
  if (failed)
  {
    /* what a failed sync buffered is dropped with the rest: open again */
    tern_junkdb_close(&db) ;
    dbopen = 0 ;
  }
}

void junk_end (void)
{
  if (dbopen) tern_junkdb_close(&db) ;
  dbopen = 0 ;
}

/* training of messages just put in mailbox e (APPEND, COPY, MOVE): under
   its EX lock, committed before it goes */
void junk_syncbox (tern_mboxent const *e, uint32_t const *uids, size_t n)
{
  tern_mbox m = TERN_MBOX_ZERO ;
  if (!junk_training() || !n) return ;
  if (tern_mbox_openent(&m, S.acct.s, e) || tern_mbox_lock(&m, LOCK_EX))
  {
    warnerr("lock") ;
    failed = 1 ;
  }
  else
  {
    for (size_t i = 0 ; i < n ; i++) junk_sync(&m, uids[i], 0) ;
    junk_commit() ;
    tern_mbox_unlock(&m) ;
  }
  tern_mbox_close(&m) ;
}

/* every message of mailbox name synced (gone: untrained, for DELETE and
   RENAME INBOX, while the junk lock keeps others from training more) */
void junk_syncall (char const *name, int gone)
{
  tern_mboxent e ;
  tern_mbox m = TERN_MBOX_ZERO ;
  genalloc recs = GENALLOC_ZERO ;
  if (!junk_training() || tern_store_mbox_lookup(S.acct.s, name, &e)) return ;
  if (tern_mbox_openent(&m, S.acct.s, &e) || tern_mbox_lock(&m, LOCK_EX) || tern_mbox_records(&m, 0, &recs))
  {
    warnerr("mailbox") ;
    failed = 1 ;
  }
  else
  {
    for (size_t i = 0 ; i < genalloc_len(tern_rec, &recs) ; i++)
    {
      tern_rec const *x = genalloc_s(tern_rec, &recs) + i ;
      if (x->flags & TERN_F_EXPUNGED) continue ;
      if (TERN_F_TRAIN(x->flags) != (gone ? TERN_TRAIN_NONE : tern_junk_wanted(x->flags))) junk_sync(&m, x->uid, gone) ;
    }
    junk_commit() ;
  }
  if (m.locked) tern_mbox_unlock(&m) ;
  tern_mbox_close(&m) ;
  genalloc_free(tern_rec, &recs) ;
}
