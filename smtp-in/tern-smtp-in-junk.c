/* tern-smtp-in-junk: junk-reject (tern-smtp-in.8, Junk).  Before the
   commit of a message whose recipients all belong to accounts with a
   junk filter and junk-reject, each account's filter reads the queue's
   tmp file; when all say junk the message is refused (copies into the
   rejects mailboxes first).  smtp_junk: 0 (accept) or the reply. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <skalibs/genalloc.h>
#include "tern.h"
#include "tern_log.h"
#include "tern_store.h"
#include "tern_junkdeliver.h"
#include "tern-smtp-in.h"

#define TEMPFAIL "451 4.3.0 temporary failure"

typedef struct jacct_s jacct ;
struct jacct_s
{
  size_t name ;         /* in names */
  int reject ;          /* TERN_JUNKREJECT_* */
  char junk[16] ;       /* the verdict as logged */
  char copy[TERN_STORE_NAMEMAX + 1] ;  /* rejects mailbox, or "" */
} ;

static stralloc names = STRALLOC_ZERO ;  /* account names, NUL-terminated */
static genalloc accts = GENALLOC_ZERO ;  /* jacct */
static stralloc dir = STRALLOC_ZERO ;
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
    jacct x = { .name = names.len, .reject = 0, .junk = "", .copy = "" } ;
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

/* every account refuses junk: 1; one does not: 0; -1 error */
static int refusing (smtp *s)
{
  stralloc key = STRALLOC_ZERO ;
  int r = 1 ;
  for (size_t i = 0 ; r == 1 && i < NA ; i++)
  {
    tern_junkdeliver j ;
    char const *name = names.s + A(i)->name ;
    cdb_data d ;
    r = tern_junkdeliver_conf(&j, &s->conf, name) ? j.on && j.reject : -1 ;
    A(i)->reject = j.reject ;
    tern_junkdeliver_free(&j) ;
    key.len = 0 ;
    if (r == 1 && (!stralloc_cats(&key, "A:") || !stralloc_cats(&key, name) || !stralloc_cats(&key, ":rejects-mailbox"))) r = -1 ;
    if (r == 1 && tern_conf_find(&s->conf, key.s, key.len, &d) == 1 && d.len <= TERN_STORE_NAMEMAX)
    {
      memcpy(A(i)->copy, d.s, d.len) ;
      A(i)->copy[d.len] = 0 ;
    }
  }
  stralloc_free(&key) ;
  return r ;
}

static int accountdir (smtp *s, size_t i)
{
  dir.len = 0 ;
  return tern_conf_accountdir(&s->conf, names.s + A(i)->name, &dir) && (!dir.len || dir.s[dir.len - 1] || stralloc_0(&dir)) ;
}

static void logjunk (smtp *s, size_t i, char const *action)
{
  tern_log_info("junk", "session", s->session, "account", names.s + A(i)->name, "junk", A(i)->junk,
    "action", action, A(i)->copy[0] && action[0] != 'a' ? "copy" : 0, A(i)->copy, TERN_LOG_END) ;
}

/* account i's verdict on fd from off: 1 junk, 0 not, -1 error (said) */
static int verdict (smtp *s, size_t i, int fd, off_t off)
{
  tern_junkdeliver j ;
  tern_junkresult res ;
  int r = tern_junkdeliver_conf(&j, &s->conf, names.s + A(i)->name) && accountdir(s, i) ? TERN_OK : TERN_TEMP ;
  if (!r) r = tern_junkdeliver_classify(dir.s, &j.o, fd, off, &res) ;
  tern_junkdeliver_free(&j) ;
  if (r && errno == EUCLEAN)
    tern_log_warn("error", "session", s->session, "op", "classify", "path", tern_store_damage_path(),
      "error", tern_store_damage_what(), TERN_LOG_END) ;
  else if (r) smtp_syserr(s, "classify", dir.len ? dir.s : names.s + A(i)->name) ;
  if (r) return -1 ;
  if (res.significant) snprintf(A(i)->junk, sizeof A(i)->junk, "%.2f", res.prob) ;
  else strcpy(A(i)->junk, "unsure") ;
  return res.significant && res.junk ;
}

/* a copy into account i's rejects mailbox: 1, or 0 (said) */
static int copy (smtp *s, size_t i, int fd, off_t off)
{
  tern_junkdeliver j ;
  uint32_t flags ;
  int terr = 0 ;
  int r = tern_junkdeliver_conf(&j, &s->conf, names.s + A(i)->name) && accountdir(s, i) ? TERN_OK : TERN_TEMP ;
  if (!r && lseek(fd, off, SEEK_SET) < 0) r = tern_errcode(errno) ;
  if (!r) r = tern_junkdeliver_store(dir.s, &j, A(i)->copy, fd, TERN_F_SEEN, 0, &flags, &terr) ;
  tern_junkdeliver_free(&j) ;
  if (r && errno == EUCLEAN)
    tern_log_warn("error", "session", s->session, "op", "copy", "path", tern_store_damage_path(),
      "error", tern_store_damage_what(), TERN_LOG_END) ;
  else if (r) smtp_syserr(s, "copy", dir.len ? dir.s : names.s + A(i)->name) ;
  else if (terr) tern_log_warn("error", "session", s->session, "op", "train", "path", dir.s,
    "error", "copy kept untrained (tern retrain repairs it)", TERN_LOG_END) ;
  return !r ;
}

/* the accounts all said junk: the copies, then the refusal */
static char const *refuse (smtp *s, int fd, off_t off)
{
  int perm = 1 ;
  for (size_t i = 0 ; i < NA ; i++)
  {
    if (A(i)->copy[0] && !copy(s, i, fd, off)) return TEMPFAIL ;
    if (A(i)->reject != TERN_JUNKREJECT_PERM) perm = 0 ;
  }
  for (size_t i = 0 ; i < NA ; i++) logjunk(s, i, A(i)->reject == TERN_JUNKREJECT_PERM ? "permanent" : "temporary") ;
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
