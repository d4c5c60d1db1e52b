/* tern-queue-run-report: reading what a tern-smtp-out run reported, one
   line per recipient, into the recipients' results; those without a line
   fail temporarily with why the run ended. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <skalibs/types.h>
#include "tern.h"
#include "tern-queue-run.h"

#define REPORTMAX (1 << 20)

/* the report file into sa, at most REPORTMAX bytes */
static int slurp (int fd, stralloc *sa)
{
  if (lseek(fd, 0, SEEK_SET) < 0) return 0 ;
  for (;;)
  {
    ssize_t r ;
    if (sa->len >= REPORTMAX) return 1 ;
    if (!stralloc_readyplus(sa, 4096)) return 0 ;
    r = read(fd, sa->s + sa->len, 4096) ;
    if (r < 0) { if (errno == EINTR) continue ; return 0 ; }
    if (!r) return 1 ;
    sa->len += r ;
  }
}

/* one report line "[N ]ok|temp|perm RCPT CODE TEXT" (N: the message's
   number in a batch): the result of that recipient if not given yet
   (done[] marks the job's recipients that have one) */
static void line (job const *j, char *s, size_t len, char *done, char const *name, int batch)
{
  unsigned int const *ks = genalloc_s(unsigned int, &j->rcpts) ;
  part one = { .m = j->m, .off = 0, .n = genalloc_len(unsigned int, &j->rcpts) } ;
  part const *p = &one ;
  char *rcpt, *reply ;
  int code ;
  s[len] = 0 ;
  if (batch)
  {
    unsigned int pi ;
    size_t k = uint_scan(s, &pi) ;
    if (!k || s[k] != ' ' || pi >= genalloc_len(part, &j->parts)) return ;
    p = genalloc_s(part, &j->parts) + pi ;
    s += k + 1 ;
  }
  if (!strncmp(s, "ok ", 3)) code = 0 ;
  else if (!strncmp(s, "temp ", 5)) code = 111 ;
  else if (!strncmp(s, "perm ", 5)) code = 100 ;
  else return ;
  rcpt = s + strcspn(s, " ") + 1 ;
  reply = rcpt + strcspn(rcpt, " ") ;
  if (!*reply) return ;
  *reply++ = 0 ;
  for (unsigned int i = p->off ; i < p->off + p->n ; i++)
    if (!done[i] && !strcmp(rcpt, rcpt_addr(MSG(p->m), ks[i])))
    {
      done[i] = 1 ;
      rcpt_result(p->m, ks[i], code, reply, "transport", name) ;
      return ;
    }
}

/* why the recipients without a report line failed */
static void whynot (int wstat, char *why)
{
  size_t w = 0 ;
  int sig = WIFSIGNALED(wstat), code = WIFEXITED(wstat) ? WEXITSTATUS(wstat) : 0 ;
  char const *t = sig ? "451 4.3.0 tern: tern-smtp-out killed by signal " : code ? "451 4.3.0 tern: tern-smtp-out failed, exit "
    : "451 4.3.0 tern: no report from tern-smtp-out" ;
  memcpy(why, t, strlen(t)) ; w = strlen(t) ;
  if (sig || code) w += uint_fmt(why + w, (unsigned int)(sig ? WTERMSIG(wstat) : code)) ;
  why[w] = 0 ;
}

void report_read (job const *j, int wstat, char const *name)
{
  static stralloc rep = STRALLOC_ZERO ;
  unsigned int n = genalloc_len(unsigned int, &j->rcpts) ;
  size_t np = genalloc_len(part, &j->parts) ;
  int batch = np > 1 ;
  char done[n ? n : 1], why[80] ;
  memset(done, 0, sizeof done) ;
  rep.len = 0 ;
  if ((batch || (WIFEXITED(wstat) && !WEXITSTATUS(wstat))) && slurp(j->out, &rep))
    for (size_t i = 0 ; i < rep.len ;)
    {
      char *nl = memchr(rep.s + i, '\n', rep.len - i) ;
      size_t l = nl ? (size_t)(nl - (rep.s + i)) : rep.len - i ;
      if (nl || !batch) line(j, rep.s + i, l, done, name, batch) ;  /* a cut last line is no result */
      i += l + 1 ;
    }
  whynot(wstat, why) ;
  for (size_t pi = 0 ; pi < np ; pi++)
  {
    part const *p = genalloc_s(part, &j->parts) + pi ;
    for (unsigned int i = p->off ; i < p->off + p->n ; i++)
      if (!done[i]) rcpt_result(p->m, genalloc_s(unsigned int, &j->rcpts)[i], 111, why, "transport", name) ;
  }
}
