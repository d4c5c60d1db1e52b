/* tern-queue-run-batch: several messages in one tern-smtp-out run (-m):
   the list it reads (one line per message: FILE OFFSET FLAGS SENDER
   RCPT..., tab-separated), and the job's bookkeeping per message. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <skalibs/types.h>
#include <skalibs/allreadwrite.h>
#include "tern.h"
#include "tern-queue-run.h"

static int plain (char const *s)
{
  return !s[strcspn(s, "\t\n")] ;
}

int batch_ok (msg const *m)
{
  char const *rcpt = m->env.rcpts.s ;
  if (!plain(m->env.from.s)) return 0 ;
  for (unsigned int k = 0 ; k < m->env.nrcpt ; k++, rcpt += strlen(rcpt) + 1)
    if (!plain(rcpt)) return 0 ;
  return 1 ;
}

static int add (stralloc *sa, job const *j, part const *p)
{
  msg const *m = MSG(p->m) ;
  char off[UINT64_FMT] ;
  off[uint64_fmt(off, m->env.hdrlen)] = 0 ;
  if (!stralloc_cats(sa, qpath(0, "mess", m->id)) || !stralloc_catb(sa, "\t", 1) || !stralloc_cats(sa, off)
   || !stralloc_cats(sa, (m->env.flags & TERN_QENV_UTF8) ? "\tu\t" : "\t-\t") || !stralloc_cats(sa, m->env.from.s))
    return 0 ;
  for (unsigned int i = p->off ; i < p->off + p->n ; i++)
    if (!stralloc_catb(sa, "\t", 1) || !stralloc_cats(sa, rcpt_addr(m, genalloc_s(unsigned int, &j->rcpts)[i]))) return 0 ;
  return stralloc_catb(sa, "\n", 1) ;
}

int batch_list (job const *j)
{
  static stralloc sa = STRALLOC_ZERO ;
  int fd ;
  sa.len = 0 ;
  for (size_t pi = 0 ; pi < genalloc_len(part, &j->parts) ; pi++)
    if (!add(&sa, j, genalloc_s(part, &j->parts) + pi)) return -1 ;
  fd = tmpfile_open() ;
  if (fd < 0) return -1 ;
  if (allwrite(fd, sa.s, sa.len) != sa.len)
  {
    int e = errno ;
    close(fd) ;
    errno = e ;
    return -1 ;
  }
  return fd ;
}

void batch_add (job *j)
{
  unsigned int const *ks = genalloc_s(unsigned int, &j->rcpts) ;
  for (size_t pi = 0 ; pi < genalloc_len(part, &j->parts) ; pi++)
  {
    part const *p = genalloc_s(part, &j->parts) + pi ;
    msg *m = MSG(p->m) ;
    for (unsigned int i = p->off ; i < p->off + p->n ; i++) m->busy.s[ks[i]] = 1 ;
    m->running++ ;
  }
  genalloc_append(job, &jobs, j) ;  /* cannot fail: genalloc_ready before the fork */
}

void batch_undo (job const *j)
{
  for (size_t pi = 0 ; pi < genalloc_len(part, &j->parts) ; pi++)
  {
    size_t mi = genalloc_s(part, &j->parts)[pi].m ;
    MSG(mi)->dirty = 1 ;
    msg_wake(mi, 0) ;
  }
}

int batch_dropped (job const *j)
{
  for (size_t pi = 0 ; pi < genalloc_len(part, &j->parts) ; pi++)
    if (!MSG(genalloc_s(part, &j->parts)[pi].m)->dropped) return 0 ;
  return 1 ;
}
