/* tern-queue-run-scan: the queue's directories.  At start: whole files
   that a crash left in pool/ or tmp/ into todo/ (tern-queue.5, "Recovery"),
   tmp/ garbage older than 36 h, state files without a message, the
   messages of mess/.
   Then, on each wake-up, todo/: each new message moves to mess/.
   At most queue-active-max messages are in memory.  When it is full, idle
   messages not due for a minute leave it (their state is on disk, its
   mtime their next attempt); if that is not enough, new messages wait in
   todo/ and old ones in mess/.  mess/ is read again when one of those is
   due (the earliest state mtime seen; at most every 5 seconds), or when
   room was lacking and a tenth of it is free again (or a minute passed). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <skalibs/direntry.h>
#include "tern.h"
#include "tern_log.h"
#include "tern-queue-run.h"

char const *qpath (unsigned int slot, char const *sub, char const *name)
{
  static stralloc p[3] = { STRALLOC_ZERO, STRALLOC_ZERO, STRALLOC_ZERO } ;
  stralloc *sa = p + slot ;
  sa->len = 0 ;
  if (!stralloc_catb(sa, qdir.s, qdir.len) || !stralloc_catb(sa, "/", 1) || !stralloc_cats(sa, sub)
   || (name && (!stralloc_catb(sa, "/", 1) || !stralloc_cats(sa, name))) || !stralloc_0(sa))
    return "/nonexistent/tern-queue-run-nomem" ;
  return sa->s ;
}

/* f(name) for each entry of QDIR/sub but . and .. ; 0 if unreadable */
static int each (char const *sub, void (*f)(char const *))
{
  DIR *dir = opendir(qpath(2, sub, 0)) ;
  if (!dir) return 0 ;
  for (;;)
  {
    direntry *d ;
    errno = 0 ;
    d = readdir(dir) ;
    if (!d) break ;
    if (d->d_name[0] == '.') continue ;
    (*f)(d->d_name) ;
  }
  dir_close(dir) ;
  return !errno ;
}

/* a file of pool/ or tmp/ that is not empty: a whole one into todo/ */
static int recover (char const *sub, char const *name)
{
  char id[TERN_QUEUE_IDMAX] ;
  char const *p = qpath(0, sub, name) ;
  struct stat st ;
  int fd = -1, r = tern_qleft_check(AT_FDCWD, p, LOCK_EX, &fd, &st, id) ;
  if (r == TERN_QREC_WHOLE) r = tern_qfile_place(qdir.s, p, &st, id) ;
  if (r == TERN_QREC_DONE) tern_log_info("recovered", "file", p, "id", id, TERN_LOG_END) ;
  else if (r == TERN_QREC_DUP) tern_log_info("cleanup", "file", p, "id", id, "reason", "a second link of the message", TERN_LOG_END) ;
  else if (r == TERN_QREC_CLASH) tern_log_warn("recover", "file", p, "id", id, "error", "another message has its id", "action", "left", TERN_LOG_END) ;
  else if (r == TERN_QREC_NOTREG) tern_log_warn("recover", "file", p, "error", "not a regular file", "action", "left", TERN_LOG_END) ;
  else if (r == -1) tern_log_warn("recover", "file", p, "error", strerror(errno), "action", "left", TERN_LOG_END) ;
  if (fd >= 0) close(fd) ;
  return r ;
}

/* torn (not whole, not empty): its commit never returned; empty and an
   hour old: left by a process that made it and exited (or by a maker
   killed before it named its batch: n.*), or kept that long by an idle
   one, which skips it when it is gone */
static void inpool (char const *name)
{
  struct stat st ;
  char const *p ;
  int r = name[0] == 'n' && name[1] == '.' ? TERN_QREC_EMPTY : recover("pool", name) ;
  p = qpath(0, "pool", name) ;
  if (r == TERN_QREC_TORN)
  {
    if (!unlink(p)) tern_log_warn("torn", "file", p, "action", "removed", TERN_LOG_END) ;
  }
  else if (r == TERN_QREC_EMPTY && !stat(p, &st) && !st.st_size && st.st_mtime + TERN_QUEUE_NEWAGE < time(0))
    unlink(p) ;
}

/* a whole one is recovered, never removed; others go once 36 h old */
static void intmp (char const *name)
{
  struct stat st ;
  char const *p ;
  int r = recover("tmp", name) ;
  if (r != TERN_QREC_EMPTY && r != TERN_QREC_TORN) return ;
  p = qpath(0, "tmp", name) ;
  if (!stat(p, &st) && st.st_mtime + TERN_QUEUE_TMPAGE < time(0) && !unlink(p))
    tern_log_info("cleanup", "file", p, TERN_LOG_END) ;
}

static void orphan (char const *name)
{
  struct stat st ;
  if (tern_queue_idvalid(name)
   && (!stat(qpath(0, "mess", name), &st) || !stat(qpath(0, "todo", name), &st))) return ;
  /* no message, or a state.tmp.PID of a killed write */
  unlink(qpath(1, "state", name)) ;
}

static int todowait = 0 ;      /* todo/ was left unread for want of room */
static int messwait = 0 ;      /* mess/ too */
static int ondisk = 0 ;        /* messages of mess/ are not in memory */
static uint64_t messnext = WAKE_NEVER ;  /* the earliest of them due, if !messwait */
static uint64_t lastpass = 0 ;
static uint64_t scannow ;
static uint64_t poolswept = 0 ;  /* the last sweep of pool/ (at most hourly) */
#define PASS_EVERY 5

/* 1 if one more message fits, after idle ones left memory if needed */
static int room (void)
{
  if (msg_loaded() < activemax) return 1 ;
  return msg_evict(scannow, activemax / 10 + 1) && msg_loaded() < activemax ;
}

/* a message of mess/: into memory if due and not there yet */
static void old (char const *name)
{
  struct stat st ;
  if (!tern_queue_idvalid(name)) return ;
  if (messwait) { ondisk = 1 ; return ; }
  if (msg_find(name) != (size_t)-1) return ;
  if (!stat(qpath(0, "state", name), &st) && (uint64_t)st.st_mtime > scannow)
  {
    ondisk = 1 ;
    if ((uint64_t)st.st_mtime < messnext) messnext = (uint64_t)st.st_mtime ;
    return ;
  }
  if (!room()) { messwait = ondisk = 1 ; return ; }
  msg_load(name, 0) ;
}

/* mess/ read, skipping the messages in memory (a message evicted during
   the pass is stamped with a later due time, so it stays on disk) */
static void pass (void)
{
  ondisk = messwait = 0 ;
  messnext = WAKE_NEVER ;
  lastpass = scannow ;
  if (!each("mess", &old))
  {
    tern_log_warn("scan", "dir", qpath(2, "mess", 0), "error", strerror(errno), TERN_LOG_END) ;
    ondisk = messwait = 1 ;
  }
}

void scan_start (uint64_t now)
{
  scannow = now ;
  poolswept = now ;
  if (!each("pool", &inpool)) tern_log_warn("scan", "dir", qpath(2, "pool", 0), "error", strerror(errno), TERN_LOG_END) ;
  if (!each("tmp", &intmp)) tern_log_warn("scan", "dir", qpath(2, "tmp", 0), "error", strerror(errno), TERN_LOG_END) ;
  if (!each("state", &orphan)) tern_log_warn("scan", "dir", qpath(2, "state", 0), "error", strerror(errno), TERN_LOG_END) ;
  pass() ;
}

static void movein (char const *name)
{
  /* no fsync: after a crash the message is in todo/ or mess/, both fine */
  if (rename(qpath(0, "todo", name), qpath(1, "mess", name)) < 0)
  {
    if (errno != ENOENT) tern_log_warn("scan", "id", name, "error", strerror(errno), TERN_LOG_END) ;
    return ;
  }
  msg_load(name, 1) ;
}

static int straylog = 0 ;  /* this read of todo/ is a periodic pass: name strays */

static void new (char const *name)
{
  if (!tern_queue_idvalid(name))
  {
    /* never a message (tern-queue.5): left alone, said once per pass,
       not on every trigger */
    if (straylog) tern_log_warn("stray", "dir", "todo", "file", qpath(0, "todo", name), "error", "not a message id", "action", "ignored", TERN_LOG_END) ;
    return ;
  }
  if (todowait) return ;
  if (room()) movein(name) ;
  else todowait = 1 ;
}

int scan_one (char const *id)
{
  struct stat st ;
  if (!stat(qpath(0, "todo", id), &st)) movein(id) ;
  else if (!stat(qpath(0, "mess", id), &st)) msg_load(id, 0) ;
  else return 0 ;
  return 1 ;
}

static int roomback (void)
{
  return msg_loaded() <= activemax - activemax / 10 ;
}

int scan_due (uint64_t now)
{
  if ((todowait || (ondisk && messwait)) && roomback()) return 1 ;
  return ondisk && !messwait && now >= messnext && now >= lastpass + PASS_EVERY ;
}

uint64_t scan_next (void)
{
  uint64_t t ;
  if (!ondisk || messwait) return WAKE_NEVER ;
  t = lastpass + PASS_EVERY ;
  return messnext > t ? messnext : t ;
}

void scan_todo (uint64_t now, int periodic)
{
  scannow = now ;
  if (periodic && now >= poolswept + TERN_QUEUE_NEWAGE)
  {
    poolswept = now ;
    if (!each("pool", &inpool)) tern_log_warn("scan", "dir", qpath(2, "pool", 0), "error", strerror(errno), TERN_LOG_END) ;
  }
  todowait = 0 ;
  straylog = periodic ;
  if (!each("todo", &new)) tern_log_warn("scan", "dir", qpath(2, "todo", 0), "error", strerror(errno), TERN_LOG_END) ;
  if (ondisk && (messwait ? roomback() || now >= lastpass + 60 : now >= messnext && now >= lastpass + PASS_EVERY))
    pass() ;
}
