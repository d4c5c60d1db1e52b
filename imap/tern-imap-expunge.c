/* tern-imap-expunge: leaving the selected state and removing messages:
   UNSELECT, CLOSE, EXPUNGE, UID EXPUNGE; and IDLE (inotify, else polling). */
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <skalibs/strerr.h>
#include "tern.h"
#include "tern_log.h"
#include "tern-imap.h"

void cmd_unselect (iargs *a)
{
  if (a->n) { out_tagged("BAD", "no arguments expected") ; return ; }
  sel_close() ;
  out_tagged("OK", "UNSELECT completed") ;
}

/* the session's messages with \Deleted (of the set idx, or all), each
   untrained (if it was trained) before its file goes; 0 if the lock
   failed */
static int expungeall (genalloc const *idx)
{
  size_t n = idx ? genalloc_len(size_t, idx) : sel_count() ;
  int r, e, any = 0 ;
  for (size_t k = 0 ; k < n && !any ; k++)
  {
    imsg const *m = sel_msgs() + (idx ? genalloc_s(size_t const, idx)[k] : k) ;
    any = (m->flags & TERN_F_DELETED) && !(m->flags & TERN_F_EXPUNGED) ;
  }
  junk_begin(any) ;
  r = tern_mbox_lock(&S.mbox, LOCK_EX) ;
  if (r) { e = errno ; junk_end() ; errno = e ; return 0 ; }
  for (size_t pass = 0 ; pass < 2 && !r ; pass++)
  {
    for (size_t k = 0 ; k < n && !r ; k++)
    {
      imsg *m = sel_msgs() + (idx ? genalloc_s(size_t const, idx)[k] : k) ;
      uint64_t ms ;
      if (!(m->flags & TERN_F_DELETED) || (m->flags & TERN_F_EXPUNGED)) continue ;
      if (!pass) { junk_sync(&S.mbox, m->uid, 1) ; continue ; }
      r = tern_mbox_expunge(&S.mbox, m->uid, &ms) ;
      if (r == TERN_PERM && errno == ENOENT) r = 0 ;
    }
    if (!pass) junk_commit() ;
  }
  e = errno ;
  if (!r) tern_mbox_compact(&S.mbox, 0) ;
  tern_mbox_unlock(&S.mbox) ;
  junk_end() ;
  errno = e ;
  return r ? -1 : 1 ;
}

/* expunges \Deleted messages (of the set idx, or all): 1, or 0 after NO */
int sel_expunge (genalloc const *idx, int silent)
{
  int r ;
  if (S.readonly) { out_tagged("NO", "[READ-ONLY] mailbox is read-only") ; return 0 ; }
  r = expungeall(idx) ;
  if (!r) { out_temp("[UNAVAILABLE] cannot lock the mailbox") ; return 0 ; }
  if (r < 0) { out_temp("[UNAVAILABLE] expunge failed") ; return 0 ; }
  (void)silent ;
  return 1 ;
}

void cmd_expunge (iargs *a)
{
  genalloc idx = GENALLOC_ZERO ;
  if (a->n != (unsigned int)a->uid) { out_tagged("BAD", a->uid ? "UID EXPUNGE set" : "no arguments expected") ; return ; }
  if (a->uid && !sel_set(&a->a[0], 1, &idx)) { out_tagged("BAD", "bad UID set") ; return ; }
  if (sel_expunge(a->uid ? &idx : 0, 0)) imap_ok("EXPUNGE completed") ;
  genalloc_free(size_t, &idx) ;
}

void cmd_close (iargs *a)
{
  if (a->n) { out_tagged("BAD", "no arguments expected") ; return ; }
  if (!S.readonly) expungeall(0) ;
  sel_close() ;
  out_tagged("OK", "CLOSE completed") ;
}

/* a watch on the selected mailbox's directory (its index and changes
   files change with every delivery, flag change and expunge): fd or -1 */
static int watch (void)
{
  int fd ;
  if (S.state != S_SELECTED) return -1 ;
  fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC) ;
  if (fd < 0) return -1 ;
  if (inotify_add_watch(fd, S.mbox.dir.s, IN_MODIFY | IN_ATTRIB | IN_CREATE | IN_MOVED_TO | IN_DELETE | IN_DELETE_SELF) < 0)
  { close(fd) ; return -1 ; }
  return fd ;
}

/* woken by inotify; polls every half second without it, and every 5 s
   with it (a change it cannot see, on a network file system) */
void cmd_idle (iargs *a)
{
  stralloc line = STRALLOC_ZERO ;
  unsigned int waited = 0, tick ;
  int wfd, got ;
  if (a->n) { out_tagged("BAD", "no arguments expected") ; return ; }
  wfd = watch() ;
  tick = wfd >= 0 ? 5000 : 500 ;
  out_puts("+ idling\r\n") ;
  out_flush() ;
  S.expok = 1 ;
  for (;;)
  {
    int r = in_idlefd(wfd, tick) ;
    if (r == 1) break ;
    if (r == 2)
    {
      char buf[4096] ;
      while (read(wfd, buf, sizeof buf) > 0) ;
    }
    else waited += tick ;
    if (waited / 1000 >= S.timeout) { out_untagged("BYE idle for too long") ; out_flush() ; strerr_dief(111, "timeout in IDLE") ; }
    if (S.state == S_SELECTED) { sel_sync() ; out_flush() ; }
  }
  if (wfd >= 0) close(wfd) ;
  got = in_line(&line) ;
  if (!got)
  {
    /* a client that leaves is no failure: the session ends as at EOF */
    tern_log_info("eof", "pid", S.pid, "account", S.account.s, "during", "IDLE", TERN_LOG_END) ;
    S.state = S_LOGOUT ;
  }
  else if (got > 0 && line.len == 4 && !strncasecmp(line.s, "DONE", 4)) imap_ok("IDLE terminated") ;
  else out_tagged("BAD", "expected DONE") ;
  stralloc_free(&line) ;
}
