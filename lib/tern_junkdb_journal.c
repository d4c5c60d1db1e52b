/* tern_junkdb_journal: the journal of tern-junk(5) (write, read, check)
   and setting the training states it names in the mailboxes' indexes. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/uint32.h>
#include <skalibs/uint64.h>
#include "tern.h"
#include "tern_junkdb_int.h"

#define JHDR 64

static size_t nreal (tern_jdb_state const *s, size_t n)
{
  size_t k = 0 ;
  for (size_t i = 0 ; i < n ; i++) k += s[i].state != TERN_JDB_HELD ;
  return k ;
}

static int fmt (stralloc *sa, tern_jdb_journal const *j)
{
  tern_jdb_pend const *p = genalloc_s(tern_jdb_pend, &j->words) ;
  tern_jdb_state const *s = genalloc_s(tern_jdb_state, &j->states) ;
  size_t np = genalloc_len(tern_jdb_pend, &j->words), ns = genalloc_len(tern_jdb_state, &j->states) ;
  size_t nr = nreal(s, ns) ;
  char *o ;
  if (np > UINT32_MAX || nr > UINT32_MAX) return (errno = EOVERFLOW, 0) ;
  if (!stralloc_ready(sa, JHDR + 16 * (np + nr) + 8)) return 0 ;
  o = sa->s ;
  memset(o, 0, JHDR) ;
  memcpy(o, "ternjrnl", 8) ;
  uint32_pack(o + 8, TERN_JDB_VERSION) ;
  uint32_pack(o + 12, j->kind) ;
  uint64_pack(o + 16, j->h.gen) ;
  uint32_pack(o + 24, j->h.nham) ;
  uint32_pack(o + 28, j->h.nspam) ;
  uint32_pack(o + 32, (uint32_t)np) ;
  uint32_pack(o + 36, (uint32_t)nr) ;
  uint64_pack(o + 40, j->h.key[0]) ;
  uint64_pack(o + 48, j->h.key[1]) ;
  uint32_pack(o + 56, j->h.used) ;
  o += JHDR ;
  for (size_t i = 0 ; i < np ; i++, o += 16) tern_jdb_slot_pack(o, p[i].h, p[i].ham, p[i].spam) ;
  for (size_t i = 0 ; i < ns ; i++)
  {
    if (s[i].state == TERN_JDB_HELD) continue ;
    uint32_pack(o, s[i].mboxid) ; uint32_pack(o + 4, s[i].uidvalidity) ;
    uint32_pack(o + 8, s[i].uid) ; uint32_pack(o + 12, s[i].state) ;
    o += 16 ;
  }
  uint64_pack(o, tern_jdb_sum(sa->s, (size_t)(o - sa->s))) ;
  sa->len = (size_t)(o - sa->s) + 8 ;
  return 1 ;
}

int tern_jdb_journal_write (tern_junkdb const *d, tern_jdb_journal const *j)
{
  stralloc sa = STRALLOC_ZERO, p = STRALLOC_ZERO ;
  int fd = -1, ok = 0, e ;
  if (!fmt(&sa, j) || !tern_jdb_path(d, "journal", &p)) goto end ;
  fd = open(p.s, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600) ;
  if (fd < 0) goto end ;
  if (allwrite(fd, sa.s, sa.len) != sa.len) { if (!errno) errno = EIO ; goto end ; }
  if (fsync(fd) < 0) goto end ;
  ok = tern_fsync_dir(d->dir.s, 1) ;
 end:
  e = errno ;
  if (fd >= 0) close(fd) ;
  stralloc_free(&sa) ;
  stralloc_free(&p) ;
  errno = e ;
  return ok ;
}

void tern_jdb_journal_free (tern_jdb_journal *j)
{
  genalloc_free(tern_jdb_pend, &j->words) ;
  genalloc_free(tern_jdb_state, &j->states) ;
}

static int parse (tern_jdb_journal *j, char const *s, size_t len)
{
  uint32_t v, nw, ns ;
  uint64_t sum ;
  if (len < JHDR + 8 || memcmp(s, "ternjrnl", 8)) return 0 ;
  uint32_unpack(s + 8, &v) ;
  uint32_unpack(s + 12, &j->kind) ;
  uint32_unpack(s + 32, &nw) ;
  uint32_unpack(s + 36, &ns) ;
  if (v != TERN_JDB_VERSION || (j->kind != TERN_JDB_UPDATE && j->kind != TERN_JDB_REPLACE)) return 0 ;
  if ((uint64_t)len != JHDR + 16 * ((uint64_t)nw + ns) + 8) return 0 ;
  uint64_unpack(s + len - 8, &sum) ;
  if (sum != tern_jdb_sum(s, len - 8)) return 0 ;
  uint64_unpack(s + 16, &j->h.gen) ;
  uint32_unpack(s + 24, &j->h.nham) ;
  uint32_unpack(s + 28, &j->h.nspam) ;
  uint64_unpack(s + 40, &j->h.key[0]) ;
  uint64_unpack(s + 48, &j->h.key[1]) ;
  uint32_unpack(s + 56, &j->h.used) ;
  if (!genalloc_ready(tern_jdb_pend, &j->words, nw) || !genalloc_ready(tern_jdb_state, &j->states, ns)) return -1 ;
  s += JHDR ;
  for (uint32_t i = 0 ; i < nw ; i++, s += 16)
  {
    tern_jdb_pend *p = genalloc_s(tern_jdb_pend, &j->words) + i ;
    tern_jdb_slot(s, 0, &p->h, &p->ham, &p->spam) ;
    if (!p->h) return 0 ;
  }
  genalloc_setlen(tern_jdb_pend, &j->words, nw) ;
  for (uint32_t i = 0 ; i < ns ; i++, s += 16)
  {
    tern_jdb_state *t = genalloc_s(tern_jdb_state, &j->states) + i ;
    uint32_unpack(s, &t->mboxid) ; uint32_unpack(s + 4, &t->uidvalidity) ;
    uint32_unpack(s + 8, &t->uid) ; uint32_unpack(s + 12, &t->state) ;
    t->m = 0 ;
    if (t->state > TERN_TRAIN_SPAM) return 0 ;
  }
  genalloc_setlen(tern_jdb_state, &j->states, ns) ;
  return 1 ;
}

/* 1 a complete journal in j, 0 none or torn, -1 error (errno) */
int tern_jdb_journal_read (tern_junkdb const *d, tern_jdb_journal *j)
{
  stralloc p = STRALLOC_ZERO, sa = STRALLOC_ZERO ;
  struct stat st ;
  int fd, r = -1, e ;
  if (!tern_jdb_path(d, "journal", &p)) return -1 ;
  fd = open(p.s, O_RDONLY | O_CLOEXEC) ;
  stralloc_free(&p) ;
  if (fd < 0) return errno == ENOENT ? 0 : -1 ;
  if (fstat(fd, &st) < 0) goto end ;
  r = 0 ;
  if (st.st_size < JHDR + 8 || (uint64_t)st.st_size > ((uint64_t)1 << 36)) goto end ;
  r = -1 ;
  if (!stralloc_ready(&sa, (size_t)st.st_size)) goto end ;
  if (allread(fd, sa.s, (size_t)st.st_size) != (size_t)st.st_size) { r = 0 ; goto end ; }
  r = parse(j, sa.s, (size_t)st.st_size) ;
 end:
  e = errno ;
  close(fd) ;
  stralloc_free(&sa) ;
  errno = e ;
  return r ;
}
