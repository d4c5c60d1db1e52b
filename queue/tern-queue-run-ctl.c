/* tern-queue-run-ctl: the runner's lock on QDIR/lock and the commands of
   tern queue on the FIFO QDIR/control (tern-queue.5): "kick ID [TRANSPORT]",
   "hold ID", "release ID", "drop ID", one a line. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <skalibs/strerr.h>
#include "tern.h"
#include "tern_log.h"
#include "tern-queue-run.h"

int ctl_open (void)
{
  int fd ;
  if (tern_queue_lock(qdir.s) < 0)
  {
    if (errno == EAGAIN) strerr_dief(111, "another tern-queue-run holds ", qdir.s, "/lock") ;
    strerr_diefusys(111, "lock ", qdir.s, "/lock") ;
  }
  fd = open(qpath(0, "control", 0), O_RDONLY | O_NONBLOCK | O_CLOEXEC) ;
  /* our own write end: no EOF when a command closes its end */
  if (fd < 0 || open(qpath(0, "control", 0), O_WRONLY | O_NONBLOCK | O_CLOEXEC) < 0)
    strerr_diefusys(111, "open ", qpath(0, "control", 0)) ;
  return fd ;
}

static int tname_ok (char const *s)
{
  size_t n = strlen(s) ;
  if (!n || n > 64) return 0 ;
  for (size_t i = 0 ; i < n ; i++) if (!strchr("abcdefghijklmnopqrstuvwxyz0123456789._-", s[i])) return 0 ;
  return 1 ;
}

static void command (char *s, uint64_t now)
{
  char *arg = s + strcspn(s, " "), *arg2 ;
  size_t i ;
  msg *m ;
  if (*arg) *arg++ = 0 ;
  arg2 = arg + strcspn(arg, " ") ;
  if (*arg2) *arg2++ = 0 ;
  if (!tern_queue_idvalid(arg)) { tern_log_warn("control", "error", "bad command", TERN_LOG_END) ; return ; }
  i = msg_find(arg) ;
  if (i == (size_t)-1 && scan_one(arg)) i = msg_find(arg) ;
  if (i == (size_t)-1) { tern_log_warn("control", "command", s, "id", arg, "error", "no such message", TERN_LOG_END) ; return ; }
  m = MSG(i) ;
  if (!strcmp(s, "kick"))
  {
    if (*arg2 && !tname_ok(arg2)) { tern_log_warn("control", "error", "bad transport", TERN_LOG_END) ; return ; }
    if (*arg2) memcpy(m->st.transport, arg2, strlen(arg2) + 1) ;
    for (unsigned int k = 0 ; k < m->env.nrcpt ; k++)
      if (tern_qrcpt_pending(tern_qstate_rcpt(&m->st, k))) tern_qstate_rcpt(&m->st, k)->next = 0 ;
    m->dsnwake = 0 ;
  }
  else if (!strcmp(s, "hold")) m->st.hold = 1 ;
  else if (!strcmp(s, "release")) m->st.hold = 0 ;
  else if (!strcmp(s, "drop"))
  {
    m->dropped = 1 ;
    /* a remote attempt may stall for minutes: end it once all of its
       messages are dropped (a batch has several); local ones are quick */
    for (size_t ji = 0 ; ji < NJOBS ; ji++)
      if (JOB(ji)->kind == JOB_REMOTE && batch_dropped(JOB(ji))) kill(JOB(ji)->pid, SIGTERM) ;
    for (unsigned int k = 0 ; k < m->env.nrcpt ; k++)
    {
      tern_qrcpt *r = tern_qstate_rcpt(&m->st, k) ;
      if (r->state != TERN_QRCPT_DELIVERED) { r->state = TERN_QRCPT_FAILED ; tern_qrcpt_seterror(r, "dropped") ; }
    }
  }
  else { tern_log_warn("control", "error", "bad command", TERN_LOG_END) ; return ; }
  tern_log_info("control", "command", s, "id", m->id, "transport", *arg2 ? arg2 : 0, TERN_LOG_END) ;
  msg_wake(i, 0) ;
  m->dirty = 1 ;
  if (!m->running) msg_settle(i, now) ;
  else if (!tern_qstate_write(&m->st, qpath(1, "state", m->id)))
    tern_log_warn("record", "id", m->id, "error", strerror(errno), TERN_LOG_END) ;
}

void ctl_read (int fd, uint64_t now)
{
  static char buf[512] ;
  static size_t len = 0 ;
  static int skip = 0 ;  /* inside an overlong line */
  for (;;)
  {
    ssize_t r = read(fd, buf + len, sizeof buf - len) ;
    char *nl ;
    if (r <= 0) return ;
    len += r ;
    while ((nl = memchr(buf, '\n', len)))
    {
      size_t n = nl - buf ;
      *nl = 0 ;
      if (!skip) command(buf, now) ;
      skip = 0 ;
      memmove(buf, nl + 1, len - n - 1) ;
      len -= n + 1 ;
    }
    if (len == sizeof buf) { skip = 1 ; len = 0 ; }
  }
}
