/* tern-queue-local-deliver: the local delivery itself: fd 0 (from its
   offset) into ACCOUNT's Inbox, or its Junk mailbox when the account's
   junk filter says so (tern-queue-local.8).  Shared by tern-queue-local
   and by the runner's workers (forks without an exec: an exec per message
   was a fifth of the runner's CPU in smtp.bench) and the notices.
   local_deliver dies with 100 or 111, local_deliver_r returns them. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <skalibs/types.h>
#include <skalibs/strerr.h>
#include <skalibs/buffer.h>
#include <skalibs/djbunix.h>
#include "tern.h"
#include "tern_conf.h"
#include "tern_log.h"
#include "tern_store.h"
#include "tern_junkdeliver.h"
#include "tern_rejects.h"
#include "tern-queue-local.h"

/* the filter's verdict on fd 0: the mailbox in note->mailbox ("" for the
   Inbox), the probability or "unsure" in note->junk; 0 or 111 said */
static int classify (tern_junkdeliver const *j, char const *dir, char const *account, local_note *note)
{
  tern_junkresult res ;
  off_t off = lseek(0, 0, SEEK_CUR) ;
  unsigned int su ;
  int r = off < 0 ? tern_errcode(errno) : tern_junkdeliver_classify(dir, &j->o, 0, off, &res) ;
  if (r && errno == EUCLEAN)
    strerr_warnwu("classify for account ", account, ": damaged junk filter: ", tern_store_damage_path(), ": ",
      tern_store_damage_what(), " (the message waits in the queue)") ;
  else if (r) strerr_warnwu3sys("classify for account ", account, " (the message waits in the queue)") ;
  if (r) return 111 ;
  if (!res.significant) { strcpy(note->junk, "unsure") ; return 0 ; }
  snprintf(note->junk, sizeof note->junk, "%.2f", res.prob) ;
  if (!res.junk) return 0 ;
  r = tern_junkdeliver_junkbox(dir, note->mailbox, &su) ;
  if (r && errno == EUCLEAN)
    strerr_warnwu("deliver to account ", account, ": damaged store: ", tern_store_damage_path(), ": ",
      tern_store_damage_what(), " (the message waits in the queue)") ;
  else if (r) strerr_warnwu3sys("find the Junk mailbox of account ", account, " (the message waits in the queue)") ;
  return r ? 111 : 0 ;
}

static int store (tern_junkdeliver const *j, char const *dir, char const *account, uint64_t date, unsigned int opts, local_note *note)
{
  uint32_t flags ;
  int terr ;
  int r = tern_junkdeliver_store(dir, j, note->mailbox[0] ? note->mailbox : "Inbox", 0, (opts & LOCAL_SEEN) ? TERN_F_SEEN : 0,
    (int64_t)date, &flags, &terr) ;
  if (r && errno == EUCLEAN)
    strerr_warnwu("deliver to account ", account, ": damaged store: ", tern_store_damage_path(), ": ",
      tern_store_damage_what(), " (the message waits in the queue)") ;
  else if (r) strerr_warnwusys("deliver to account ", account) ;
  else if (terr && errno == EUCLEAN)
    strerr_warnw("delivered to account ", account, " but not trained: damaged junk filter: ", tern_store_damage_path(), ": ",
      tern_store_damage_what(), " (tern retrain repairs it)") ;
  else if (terr) strerr_warnwu3sys("train the junk filter of account ", account, " (delivered; tern retrain repairs it)") ;
  return r ? 111 : 0 ;
}

/* -P: the mailbox's copies older than 14 days go; a failure only warns
   (the copy is made; the next one prunes again) */
static void prune (tern_junkdeliver const *j, char const *dir, char const *account, char const *mailbox)
{
  unsigned int n ;
  time_t now = time(0) ;
  if (tern_rejects_prune(dir, mailbox, j, (int64_t)now - TERN_REJECTS_DAYS * 86400, &n))
    strerr_warnwu4sys("remove the old messages of ", mailbox, " of account ", account) ;
  else if (n)
  {
    char fmt[UINT_FMT] ;
    fmt[uint_fmt(fmt, n)] = 0 ;
    tern_log_info("prune", "account", account, "mailbox", mailbox, "removed", fmt, TERN_LOG_END) ;
  }
}

/* -R: the ring's verdict on fd 0 (after note->skip bytes), the file
   locked at *lk from here until the copy's key is added (two retries at
   once make one copy): 1 the ring holds the key (note->kept), else 0.  A
   ring that cannot say is a warning and a copy: one too many, never one
   lost. */
static int ring (char const *dir, char const *account, local_note *note, unsigned char *key, int *lk)
{
  off_t off = lseek(0, 0, SEEK_CUR) ;
  int r ;
  *lk = -1 ;
  if (off < 0 || !tern_rejects_key(key, 0, off + (off_t)note->skip))
  {
    strerr_warnwu3sys("read the message for ACCT/rejects of account ", account, " (a copy is made)") ;
    return 0 ;
  }
  *lk = tern_lockat(dir, "rejects") ;
  r = *lk < 0 ? -1 : tern_rejects_seen(*lk, key) ;
  if (r < 0) strerr_warnwu3sys("read ACCT/rejects of account ", account, " (a copy is made)") ;
  note->kept = r == 1 ;
  return note->kept ;
}

static void ringadd (char const *account, int lk, unsigned char const *key)
{
  if (lk < 0) return ;
  if (!tern_rejects_add(lk, key)) strerr_warnwu3sys("write ACCT/rejects of account ", account, " (a retry will make another copy)") ;
  fd_close(lk) ;
}

int local_keepjunk = 0 ;

/* the last account's junk settings (local_keepjunk): a worker delivering
   to the same account compiled its junk-flags regexes and parsed its
   junk-filter once per config.cdb, not once per message */
static struct
{
  int ok ;
  dev_t dev ;
  ino_t ino ;
  stralloc acct ;  /* NUL-terminated */
  tern_junkdeliver j ;
} kept = { .ok = 0, .acct = STRALLOC_ZERO } ;

/* j: account's settings in c; 1, or 0 with errno (j freed either way by
   junkdone) */
static int junkconf (tern_junkdeliver *j, tern_conf const *c, char const *account)
{
  if (!local_keepjunk) return tern_junkdeliver_conf(j, c, account) ;
  if (kept.ok && kept.dev == c->dev && kept.ino == c->ino && !strcmp(kept.acct.s, account))
  {
    *j = kept.j ;
    return 1 ;
  }
  if (kept.ok) tern_junkdeliver_free(&kept.j) ;
  kept.ok = 0 ;
  if (!tern_junkdeliver_conf(j, c, account)) return 0 ;
  kept.acct.len = 0 ;
  if (!stralloc_cats(&kept.acct, account) || !stralloc_0(&kept.acct)) return 1 ;  /* not kept: freed after */
  kept.j = *j ;
  kept.dev = c->dev ;
  kept.ino = c->ino ;
  kept.ok = 1 ;
  return 1 ;
}

static void junkdone (tern_junkdeliver *j)
{
  if (!local_keepjunk || !kept.ok) tern_junkdeliver_free(j) ;
}

/* fd 0 into the account, the account looked up in c: 0 done, 100 (no
   such account) or 111 with a warning said.  The store never makes a
   delivery fail for good: damage (named by path) and doubt defer it;
   so does a junk filter that cannot say, never an Inbox instead. */
int local_deliver_conf (tern_conf const *c, char const *account, uint64_t date, unsigned int opts, local_note *note)
{
  stralloc dir = STRALLOC_ZERO ;
  tern_junkdeliver j ;
  unsigned char key[TERN_REJECTS_KEY] ;
  int lk = -1 ;
  int r = tern_conf_account_exists(c, account) ;
  int forced = !!note->mailbox[0] ;
  note->junk[0] = 0 ;
  note->kept = 0 ;
  if (r == 1 && (!tern_conf_accountdir(c, account, &dir) || (dir.s[dir.len - 1] && !stralloc_0(&dir)))) r = -1 ;
  if (r != 1)
  {
    if (!r) strerr_warnw2x("no such account: ", account) ;
    else strerr_warnwu4sys("find account ", account, " in the configuration in ", c->path.s) ;
    stralloc_free(&dir) ;
    return r ? 111 : 100 ;
  }
  /* inbox/x is IMAP's INBOX/x: spelt once, here, for all that follows
     (junk flags, delivery, training, pruning, the note) */
  if (forced) tern_store_mbox_canon(dir.s, note->mailbox) ;
  if (!junkconf(&j, c, account))
  {
    strerr_warnwu4sys("read the junk filter settings of account ", account, " in ", c->path.s) ;
    r = 111 ;
  }
  else r = j.on && (opts & LOCAL_CLASSIFY) && !forced ? classify(&j, dir.s, account, note) : 0 ;
  if (!r && forced && (opts & LOCAL_RING) && ring(dir.s, account, note, key, &lk)) ;
  else if (!r && !(r = store(&j, dir.s, account, date, opts, note)) && lk >= 0) { ringadd(account, lk, key) ; lk = -1 ; }
  if (lk >= 0) fd_close(lk) ;
  if (!r && forced && (opts & LOCAL_PRUNE)) prune(&j, dir.s, account, note->mailbox) ;
  junkdone(&j) ;
  stralloc_free(&dir) ;
  return r ;
}

/* the same with CONFDIR's configuration opened for this one delivery */
int local_deliver_r (char const *confdir, char const *account, uint64_t date, unsigned int opts, local_note *note)
{
  tern_conf c = TERN_CONF_ZERO ;
  int r ;
  if (!tern_conf_open(&c, confdir))
  {
    strerr_warnwu4sys("find account ", account, " in the configuration in ", confdir) ;
    return 111 ;
  }
  r = local_deliver_conf(&c, account, date, opts, note) ;
  tern_conf_close(&c) ;
  return r ;
}

void local_deliver (char const *confdir, char const *account, uint64_t date, unsigned int opts, char const *mailbox, uint64_t skip)
{
  local_note note = { .junk = "", .mailbox = "", .skip = skip, .kept = 0 } ;
  int r ;
  strcpy(note.mailbox, mailbox) ;  /* checked by the caller: TERN_STORE_NAMEMAX at most */
  r = local_deliver_r(confdir, account, date, opts, &note) ;
  if (r) _exit(r) ;
  if (note.kept && buffer_putsflush(buffer_1, "kept\n") < 0) strerr_diefu1sys(111, "write to stdout") ;
  if (note.junk[0])
    tern_log_info("junk", "account", account, "junk", note.junk, note.mailbox[0] ? "mailbox" : 0, note.mailbox, TERN_LOG_END) ;
}
