/* tern-queue-run-dkim: the signing step (tern-queue-run(8), DKIM).  Before
   a message's first attempt, if it was submitted (an account, or no client
   address) and its From: domain has dkim keys, a signed copy, its envelope
   marked "dkim", replaces mess/ID atomically (tmp, fsync, rename, fsync). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/bytestr.h>
#include "tern.h"
#include "tern_dkim.h"
#include "tern_log.h"
#include "tern-queue-run.h"

#define AGAIN 300  /* a key unreadable: seconds to the next try (TERN_QUEUE_BASE_DELAY if set) */

typedef struct sig_s sig ;
struct sig_s { stralloc sigs ; stralloc sels ; stralloc hdr ; stralloc dom ; unsigned char bh[32] ; } ;

/* the configuration key of dom's dkim lines, "d:DOMAIN:dkim" */
static int confkey (stralloc *key, char const *dom)
{
  key->len = 0 ;
  return stralloc_cats(key, "d:") && stralloc_cats(key, dom) && stralloc_cats(key, ":dkim") ;
}

int dkim_wanted (msg const *m, int fd)
{
  static stralloc hdr = STRALLOC_ZERO, dom = STRALLOC_ZERO, key = STRALLOC_ZERO ;
  cdb_data v ;
  uint64_t body ;
  int r = tern_dkim_header(fd, m->env.hdrlen, &hdr, &body), want = 1 ;
  dom.len = 0 ;
  if (!r)
  {
    r = tern_dkim_fromdomain(&dom, hdr.s, hdr.len) ;
    if (r > 0 && confkey(&key, dom.s)) want = tern_conf_find(&conf, key.s, key.len, &v) != 0 ;
    else if (!r) want = 0 ;
  }
  if (hdr.a > 65536) stralloc_free(&hdr) ;
  return want ;
}

/* the signatures of every selector of s->dom into s->sigs: 0 ok (none is
   fine), else the key's file (errno and *why set) */
static char const *sign (sig *s, uint64_t now, char const **why)
{
  static tern_dkim_key k ;
  static stralloc key = STRALLOC_ZERO, file = STRALLOC_ZERO ;
  cdb_find_state st = CDB_FIND_STATE_ZERO ;
  cdb_data v ;
  if (!confkey(&key, s->dom.s)) { *why = strerror(errno) ; return "-" ; }
  for (int r ; (r = tern_conf_findnext(&conf, key.s, key.len, &v, &st)) ;)
  {
    size_t sp = r < 0 ? 0 : byte_chr(v.s, v.len, ' ') ;
    if (r < 0 || sp == v.len) { *why = "corrupt configuration" ; return "config.cdb" ; }
    file.len = 0 ;
    if (!stralloc_catb(&file, v.s + sp + 1, v.len - sp - 1) || !stralloc_0(&file)) { *why = strerror(errno) ; return "-" ; }
    *why = tern_dkim_key_read(&k, file.s) ;
    if (*why && !strcmp(*why, "unreadable")) *why = strerror(errno) ;
    if (*why) return file.s ;
    char sel[sp + 1] ;
    memcpy(sel, v.s, sp) ; sel[sp] = 0 ;
    if ((s->sels.len && !stralloc_catb(&s->sels, ",", 1)) || !stralloc_catb(&s->sels, sel, sp)
     || !tern_dkim_sign(&s->sigs, s->hdr.s, s->hdr.len, s->bh, s->dom.s, sel, now, &k))
    {
      *why = errno == EINVAL ? "the key cannot sign" : strerror(errno) ;
      tern_dkim_key_wipe(&k) ;
      return file.s ;
    }
    tern_dkim_key_wipe(&k) ;
  }
  if (!stralloc_0(&s->sels)) { *why = strerror(errno) ; return "-" ; }  /* for the log */
  return 0 ;
}

/* the first n bytes of fd into s: 1, 0 errno */
static int readall (int fd, char *s, size_t n)
{
  for (size_t off = 0 ; off < n ;)
  {
    ssize_t r = pread(fd, s + off, n - off, (off_t)off) ;
    if (r < 0 && errno == EINTR) continue ;
    if (r <= 0) { if (!r) errno = EIO ; return 0 ; }
    off += r ;
  }
  return 1 ;
}

/* the signed copy: the envelope with "dkim", the signatures, the message;
   *newhl its envelope's length */
static int rewrite (msg const *m, int fd, struct stat const *st, sig const *s, size_t *newhl)
{
  stralloc tmp = STRALLOC_ZERO, env = STRALLOC_ZERO ;
  char buf[65536] ;
  uint64_t off = 0 ;
  int out = -1, ok = 0 ;
  size_t hl = m->env.hdrlen ;
  if (!stralloc_ready(&env, hl + 5) || !stralloc_cats(&tmp, qpath(0, "tmp", "dkim.")) || !stralloc_cats(&tmp, m->id) || !stralloc_0(&tmp)) goto end ;
  if (!readall(fd, env.s, hl)) goto end ;
  off = hl ;
  if (hl < 2 || env.s[hl - 1] != '\n' || env.s[hl - 2] != '\n') { errno = EINVAL ; goto end ; }
  memcpy(env.s + hl - 1, "dkim\n\n", 6) ; env.len = hl + 5 ;
  if (tern_qseal_is(env.s, env.len))
  {
    /* the seal would not match the signed copy, which its own fsync and
       rename make durable: it goes back to the unsealed first line */
    size_t cut = (size_t)((char *)memchr(env.s, '\n', env.len) - env.s) + 1 ;
    memmove(env.s + 13, env.s + cut, env.len - cut) ;
    memcpy(env.s, "tern-queue 1\n", 13) ;
    env.len -= cut - 13 ;
  }
  out = open(tmp.s, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, st->st_mode & 0777) ;
  if (out < 0 || allwrite(out, env.s, env.len) < env.len || allwrite(out, s->sigs.s, s->sigs.len) < s->sigs.len) goto end ;
  for (ssize_t r ;; off += r)
  {
    r = pread(fd, buf, sizeof buf, off) ;
    if (r < 0 && errno == EINTR) { r = 0 ; continue ; }
    if (r < 0 || (r && allwrite(out, buf, r) < (size_t)r)) goto end ;
    if (!r) break ;
  }
  if (fsync(out) < 0 || close(out) < 0) { out = -1 ; goto end ; }
  out = -1 ;
  if (rename(tmp.s, qpath(1, "mess", m->id)) < 0) goto end ;
  ok = 1 ;
  *newhl = env.len ;
  if (tern_fsync_dir(qpath(1, "mess", 0), 1) < 0) tern_log_warn("fsync", "dir", qpath(1, "mess", 0), "error", strerror(errno), TERN_LOG_END) ;
 end:
  if (!ok) { int e = errno ; if (out >= 0) close(out) ; if (tmp.len) unlink(tmp.s) ; errno = e ; }
  stralloc_free(&tmp) ; stralloc_free(&env) ;
  return ok ;
}

static uint64_t later (uint64_t now)
{
  return now + (basedelay >= 0 ? (uint64_t)basedelay : AGAIN) ;
}

static void sigfree (sig *s)
{
  stralloc_free(&s->sigs) ; stralloc_free(&s->sels) ; stralloc_free(&s->hdr) ; stralloc_free(&s->dom) ;
}

int dkim_step (size_t i, uint64_t now, uint64_t *wake)
{
  msg *m = MSG(i) ;
  sig s = { .sigs = STRALLOC_ZERO, .sels = STRALLOC_ZERO, .hdr = STRALLOC_ZERO, .dom = STRALLOC_ZERO } ;
  struct stat st ;
  char const *file = 0, *why = 0 ;
  size_t hl ;
  int fd = open(qpath(0, "mess", m->id), O_RDONLY | O_CLOEXEC), r = TERN_TEMP, done = 0 ;
  if (fd >= 0 && fstat(fd, &st) == 0) r = tern_dkim_read(fd, m->env.hdrlen, &s.hdr, s.bh) ;
  if (r == TERN_PERM) tern_log_warn("dkim", "id", m->id, "result", "unsigned", "reason", "header section over 1 MiB", TERN_LOG_END) ;
  if (r) { done = r == TERN_PERM ; why = strerror(errno) ; goto end ; }
  r = tern_dkim_fromdomain(&s.dom, s.hdr.s, s.hdr.len) ;
  if (r <= 0) { done = !r ; why = strerror(errno) ; goto end ; }
  file = sign(&s, now, &why) ;
  if (file || !s.sigs.len) { done = !file ; goto end ; }
  if (!rewrite(m, fd, &st, &s, &hl)) { why = strerror(errno) ; goto end ; }
  m->size += s.sigs.len ;
  m->env.hdrlen = hl ;  /* "dkim\n" more, the seal's line perhaps shorter */
  m->env.flags |= TERN_QENV_DKIM ;
  tern_log_info("dkim", "id", m->id, "domain", s.dom.s, "selectors", s.sels.s, TERN_LOG_END) ;
  done = 1 ;
 end:
  if (fd >= 0) close(fd) ;
  if (done) m->sign = 0 ;
  else
  {
    *wake = later(now) ;
    if (file) tern_log_warn("dkim", "id", m->id, "domain", s.dom.s, "key", file, "error", why, "action", "the message waits", TERN_LOG_END) ;
    else tern_log_warn("dkim", "id", m->id, "error", why, "action", "the message waits", TERN_LOG_END) ;
  }
  sigfree(&s) ;
  return done ;
}
