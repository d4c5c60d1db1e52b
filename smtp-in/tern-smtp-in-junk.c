/* tern-smtp-in-junk: junk-reject (tern-smtp-in.8, Junk).  Before the
   commit of a message whose recipients all belong to accounts with a
   junk filter and junk-reject, "tern-junk classify" reads the queue's
   tmp file for each; when all say junk the message is refused, after
   "tern-queue-local -m REJECTS -S -P -R" made the copies (one per
   message: its ACCT/rejects, tern-rejects(5), knows a retry's).  Programs, not the
   library: the filter's code would grow every idle session by 130 KiB.
   smtp_junk: 0 (accept) or the reply. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <skalibs/genalloc.h>
#include <skalibs/types.h>
#include <skalibs/djbunix.h>
#include <skalibs/allreadwrite.h>
#include "tern.h"
#include "tern_log.h"
#include "tern_store.h"
#include "tern-smtp-in.h"

#define REJECT_TEMP 1
#define REJECT_PERM 2

#define TEMPFAIL "451 4.3.0 temporary failure"

typedef struct jacct_s jacct ;
struct jacct_s
{
  size_t name ;         /* in names */
  int reject ;          /* 0, REJECT_TEMP, REJECT_PERM */
  int kept ;            /* the rejects mailbox had its copy already */
  char junk[16] ;       /* the verdict as logged */
  char copy[TERN_STORE_NAMEMAX + 1] ;  /* rejects mailbox, or "" */
} ;

static stralloc names = STRALLOC_ZERO ;  /* account names, NUL-terminated */
static genalloc accts = GENALLOC_ZERO ;  /* jacct */
static stralloc sock = STRALLOC_ZERO ;  /* junk-socket */
#define A(i) (genalloc_s(jacct, &accts) + (i))
#define NA genalloc_len(jacct, &accts)

/* the recipients' distinct accounts into accts: 1, 0 (one has none), -1 */
static int accounts (smtp *s)
{
  tern_addr a = TERN_ADDR_ZERO ;
  int r = 1 ;
  names.len = 0 ;
  genalloc_setlen(jacct, &accts, 0) ;
  for (size_t i = 0 ; r == 1 && i < s->rcpts.len ; i += strlen(s->rcpts.s + i) + 1)
  {
    jacct x = { .name = names.len, .reject = 0, .kept = 0, .junk = "", .copy = "" } ;
    size_t k = 0 ;
    r = tern_addr_parse(&a, s->rcpts.s + i, strlen(s->rcpts.s + i), TERN_ADDR_UTF8) == TERN_OK ? 1 : 0 ;
    if (r == 1) r = tern_conf_account(&s->conf, &a, &names) ;
    if (r != 1) break ;
    if (!stralloc_0(&names)) { r = -1 ; break ; }
    while (k < NA && strcmp(names.s + A(k)->name, names.s + x.name)) k++ ;
    if (k < NA) names.len = x.name ;
    else if (!genalloc_append(jacct, &accts, &x)) r = -1 ;
  }
  tern_addr_free(&a) ;
  return r ;
}

/* account name's KEY into d: 1, 0 absent, -1 error */
static int conf (smtp *s, char const *name, char const *key, cdb_data *d)
{
  stralloc k = STRALLOC_ZERO ;
  int r = stralloc_cats(&k, "A:") && stralloc_cats(&k, name) && stralloc_cats(&k, key)
    ? tern_conf_find(&s->conf, k.s, k.len, d) : -1 ;
  stralloc_free(&k) ;
  return r ;
}

/* every account has a filter and refuses junk: 1; one does not: 0; -1 error */
static int refusing (smtp *s)
{
  for (size_t i = 0 ; i < NA ; i++)
  {
    char const *name = names.s + A(i)->name ;
    cdb_data d ;
    int r = conf(s, name, ":junk-filter", &d) ;
    if (r == 1) r = conf(s, name, ":junk-reject", &d) ;
    if (r < 1) return r ;
    if (d.len == 9 && !memcmp(d.s, "temporary", 9)) A(i)->reject = REJECT_TEMP ;
    else if (d.len == 9 && !memcmp(d.s, "permanent", 9)) A(i)->reject = REJECT_PERM ;
    else return 0 ;
    r = conf(s, name, ":rejects-mailbox", &d) ;
    if (r < 0) return r ;
    if (r && d.len && d.len <= TERN_STORE_NAMEMAX)
    {
      memcpy(A(i)->copy, d.s, d.len) ;
      A(i)->copy[d.len] = 0 ;
    }
  }
  return 1 ;
}

static void logjunk (smtp *s, size_t i, char const *action)
{
  tern_log_info("junk", "session", s->session, "account", names.s + A(i)->name, "junk", A(i)->junk,
    "action", action, A(i)->copy[0] && action[0] != 'a' ? "copy" : 0, A(i)->copy,
    A(i)->kept ? "kept" : 0, "earlier", TERN_LOG_END) ;
}

/* argv run with the message (fd from off) on its stdin: its exit code
   (-1 if it could not run or died), its first output line into out */
static int run (smtp *s, char const *const *argv, int fd, off_t off, char *out, size_t max)
{
  int p[2], wstat ;
  size_t n = 0 ;
  pid_t pid ;
  if (pipecoe(p) < 0) return -1 ;
  pid = fork() ;
  if (!pid)
  {
    signal(SIGPIPE, SIG_DFL) ;
    if (lseek(fd, off, SEEK_SET) < 0 || fd_copy(0, fd) < 0 || fd_move(1, p[1]) < 0) _exit(111) ;
    execvp(argv[0], (char *const *)argv) ;
    _exit(127) ;  /* not found, or not executable: said by the parent */
  }
  fd_close(p[1]) ;
  while (pid > 0 && n < max - 1)
  {
    ssize_t r = fd_read(p[0], out + n, max - 1 - n) ;
    if (r <= 0) break ;
    n += (size_t)r ;
  }
  fd_close(p[0]) ;
  out[n] = 0 ;
  out[strcspn(out, "\n")] = 0 ;
  if (pid < 0) { smtp_syserr(s, "fork", argv[0]) ; return -1 ; }
  while (waitpid(pid, &wstat, 0) < 0) if (errno != EINTR) return -1 ;
  return WIFEXITED(wstat) ? WEXITSTATUS(wstat) : -1 ;
}

/* With junk-socket, the request goes to the junk door instead (tern-door
   run as the store's owner by s6-sudod, tern-users(7)): argv is then
   "s6-ipcclient SOCKET s6-sudoc -e" and the request from dargv[4]. */
static char const *const *door (smtp *s, char const *const *argv, char const **dargv)
{
  sock.len = 0 ;
  if (tern_conf_global(&s->conf, "junk-socket", &sock) != 1 || !stralloc_0(&sock)) return argv ;
  dargv[0] = "s6-ipcclient" ; dargv[1] = sock.s ; dargv[2] = "s6-sudoc" ; dargv[3] = "-e" ;
  return dargv ;
}

/* account i's verdict on fd from off: 1 junk, 0 not, -1 error (its
   cause logged by tern-junk on our stderr) */
static int verdict (smtp *s, size_t i, int fd, off_t off)
{
  char const *argv[8] = { "tern-junk", "classify", "-c", s->confdir, "-a", names.s + A(i)->name, 0, 0 } ;
  char const *dargv[7] = { 0, 0, 0, 0, "classify", names.s + A(i)->name, 0 } ;
  char out[64] ;
  size_t n ;
  int r = run(s, door(s, argv, dargv), fd, off, out, sizeof out) ;
  int junk = !strncmp(out, "junk ", 5) ;
  if (!r && !junk && strncmp(out, "ham ", 4)) r = -1 ;
  if (r)
  {
    tern_log_warn("error", "session", s->session, "op", "classify", "account", names.s + A(i)->name,
      "error", r < 0 || r == 127 ? "tern-junk could not run (PATH?)" : "tern-junk failed (see its line)", TERN_LOG_END) ;
    return -1 ;
  }
  n = strcspn(out + 4 + junk, " ") ;
  if (n >= sizeof A(i)->junk) n = sizeof A(i)->junk - 1 ;
  memcpy(A(i)->junk, out + 4 + junk, n) ;
  A(i)->junk[n] = 0 ;
  if (strstr(out, " untrained")) strcpy(A(i)->junk, "unsure") ;
  return junk ;
}

/* a copy into account i's rejects mailbox, once per message: with -R,
   tern-queue-local keeps ACCT/rejects (tern-rejects.5), locked over the
   copy, and says "kept" when a retry's copy is there already (through the
   junk door too: it runs as the store's owner).  1, or 0 (said). */
static int copy (smtp *s, size_t i, int fd, off_t off)
{
  char skip[UINT64_FMT] ;
  char const *argv[12] = { "tern-queue-local", "-S", "-P", "-m", A(i)->copy, "-R", skip, "-c", s->confdir, "--", names.s + A(i)->name, 0 } ;
  char const *dargv[9] = { 0, 0, 0, 0, "copy", A(i)->copy, names.s + A(i)->name, skip, 0 } ;
  char out[8] ;
  int r ;
  skip[uint64_fmt(skip, (uint64_t)s->recvlen)] = 0 ;
  r = run(s, door(s, argv, dargv), fd, off, out, sizeof out) ;
  if (r) tern_log_warn("error", "session", s->session, "op", "copy", "account", names.s + A(i)->name,
    "error", r < 0 || r == 127 ? "tern-queue-local could not run (PATH?)" : "tern-queue-local failed (see its line)", TERN_LOG_END) ;
  else A(i)->kept = !strcmp(out, "kept") ;
  return !r ;
}

/* the accounts all said junk: the copies, then the refusal */
static char const *refuse (smtp *s, int fd, off_t off)
{
  int perm = 1 ;
  for (size_t i = 0 ; i < NA ; i++)
  {
    if (A(i)->copy[0] && !copy(s, i, fd, off)) return TEMPFAIL ;
    if (A(i)->reject != REJECT_PERM) perm = 0 ;
  }
  for (size_t i = 0 ; i < NA ; i++) logjunk(s, i, A(i)->reject == REJECT_PERM ? "permanent" : "temporary") ;
  return perm ? "550 5.7.1 message looks like junk, rejected" : "451 4.7.1 message looks like junk, not accepted" ;
}

char const *smtp_junk (smtp *s)
{
  char const *reply = 0 ;
  struct stat st ;
  off_t off ;
  int fd = -1, r ;
  if (s->submission || !s->inq || s->injfail) return 0 ;
  r = accounts(s) ;
  if (r == 1) r = refusing(s) ;
  if (r < 0) { smtp_syserr(s, "config", s->conf.path.s) ; return TEMPFAIL ; }
  if (!r) return 0 ;
  if (tern_qfile_flush(&s->q) || (fd = open(s->q.tmp.s, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &st) < 0)
  {
    smtp_syserr(s, "read", s->q.tmp.len ? s->q.tmp.s : s->qdir.s) ;
    if (fd >= 0) close(fd) ;
    return TEMPFAIL ;
  }
  off = st.st_size - (off_t)s->q.size ;
  for (size_t i = 0 ; !reply && i < NA ; i++)
  {
    r = verdict(s, i, fd, off) ;
    if (r < 0) reply = TEMPFAIL ;
    else if (!r) { logjunk(s, i, "accept") ; break ; }
    else if (i + 1 == NA) reply = refuse(s, fd, off) ;
  }
  close(fd) ;
  return reply ;
}

void smtp_junk_wipe (void)
{
  if (accts.s) explicit_bzero(accts.s, accts.a) ;
  genalloc_free(jacct, &accts) ;
  smtp_wipesa(&names) ;
  smtp_wipesa(&sock) ;
}
