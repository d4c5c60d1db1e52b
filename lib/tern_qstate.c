/* tern_qstate: the per-recipient delivery state of a queued message
   (tern-queue.5, state/ID): init, text form, parser (hostile input safe). */
#include <stdlib.h>
#include <string.h>
#include <skalibs/types.h>
#include "tern.h"
#include "tern_queue.h"

char const *const tern_qrcpt_names[TERN_QRCPT_NSTATES] = { "pending", "delivered", "failed", "bounce", "delay" } ;
#define names tern_qrcpt_names

/* The errors are the only memory of a recipient: 10,000 queued messages
   with no error yet cost no error buffer (tern-queue-run's RSS). */
static void errors_free (tern_qstate *st)
{
  for (size_t i = 0 ; i < tern_qstate_len(st) ; i++)
  {
    free(tern_qstate_rcpt(st, i)->error) ;
    tern_qstate_rcpt(st, i)->error = 0 ;
  }
}

int tern_qstate_init (tern_qstate *st, unsigned int nrcpt)
{
  tern_qrcpt z = { .state = TERN_QRCPT_PENDING, .attempts = 0, .next = 0, .last = 0, .error = 0 } ;
  errors_free(st) ;
  st->hold = 0 ;
  st->transport[0] = 0 ;
  genalloc_setlen(tern_qrcpt, &st->rcpts, 0) ;
  if (!genalloc_ready(tern_qrcpt, &st->rcpts, nrcpt)) return 0 ;
  for (unsigned int i = 0 ; i < nrcpt ; i++) genalloc_append(tern_qrcpt, &st->rcpts, &z) ;
  return 1 ;
}

void tern_qstate_free (tern_qstate *st)
{
  errors_free(st) ;
  genalloc_free(tern_qrcpt, &st->rcpts) ;
}

void tern_qrcpt_seterror (tern_qrcpt *r, char const *s)
{
  size_t n = strlen(s) ;
  if (n > TERN_QUEUE_ERRMAX) n = TERN_QUEUE_ERRMAX ;
  free(r->error) ;
  r->error = n ? malloc(n + 1) : 0 ;
  if (!r->error) return ;
  memcpy(r->error, s, n) ;
  r->error[n] = 0 ;
  tern_queue_clean(r->error, n) ;
}

int tern_qstate_fmt (stralloc *sa, tern_qstate const *st)
{
  if (!stralloc_cats(sa, "tern-queue-state 2\nhold ") || !stralloc_cats(sa, st->hold ? "yes" : "no")
   || !stralloc_cats(sa, "\ntransport ") || !stralloc_cats(sa, st->transport[0] ? st->transport : "-")
   || !stralloc_catb(sa, "\n", 1)) return 0 ;
  for (size_t i = 0 ; i < tern_qstate_len(st) ; i++)
  {
    tern_qrcpt const *r = tern_qstate_rcpt(st, i) ;
    char num[4][UINT64_FMT + 1] ;
    num[0][uint64_fmt(num[0], i)] = 0 ;
    num[1][uint64_fmt(num[1], r->attempts)] = 0 ;
    num[2][uint64_fmt(num[2], r->next)] = 0 ;
    num[3][uint64_fmt(num[3], r->last)] = 0 ;
    if (!stralloc_cats(sa, "rcpt ") || !stralloc_cats(sa, num[0]) || !stralloc_catb(sa, " ", 1)
     || !stralloc_cats(sa, names[r->state >= TERN_QRCPT_NSTATES ? 0 : r->state])) return 0 ;
    for (unsigned int j = 1 ; j < 4 ; j++)
      if (!stralloc_catb(sa, " ", 1) || !stralloc_cats(sa, num[j])) return 0 ;
    if (r->error && r->error[0] && (!stralloc_catb(sa, " ", 1) || !stralloc_cats(sa, r->error))) return 0 ;
    if (!stralloc_catb(sa, "\n", 1)) return 0 ;
  }
  return 1 ;
}

/* "N " at s: the number, *i moved past the space (or to the end) */
static int num (char const *s, size_t n, size_t *i, uint64_t *u)
{
  size_t k = 0 ;
  while (*i + k < n && s[*i + k] >= '0' && s[*i + k] <= '9') k++ ;
  if (!k || k > 20 || uint64_scan(s + *i, u) != k) return 0 ;
  *i += k ;
  if (*i < n) { if (s[*i] != ' ') return 0 ; (*i)++ ; }
  return 1 ;
}

static int rcptline (tern_qrcpt *r, uint64_t want, char const *s, size_t n)
{
  uint64_t u[4] ;
  size_t i = 0 ;
  unsigned int k = 0 ;
  if (!num(s, n, &i, &u[0]) || u[0] != want) return 0 ;
  for (; k < TERN_QRCPT_NSTATES ; k++)
  {
    size_t l = strlen(names[k]) ;
    if (n - i > l && !memcmp(s + i, names[k], l) && s[i + l] == ' ') break ;
  }
  if (k == TERN_QRCPT_NSTATES) return 0 ;
  r->state = k ;
  i += strlen(names[k]) + 1 ;
  for (unsigned int j = 1 ; j < 4 ; j++)
    if (i >= n || !num(s, n, &i, &u[j])) return 0 ;
  if (u[1] > 0xffffffffu || n - i > TERN_QUEUE_ERRMAX) return 0 ;
  r->attempts = (uint32_t)u[1] ; r->next = u[2] ; r->last = u[3] ;
  free(r->error) ;
  r->error = n > i ? malloc(n - i + 1) : 0 ;
  if (r->error)  /* without memory, the error text only is lost */
  {
    memcpy(r->error, s + i, n - i) ;
    r->error[n - i] = 0 ;
  }
  return 1 ;
}

static int header (tern_qstate *st, char const *s, size_t n, unsigned int line)
{
  if (line == 0) return n == 18 && !memcmp(s, "tern-queue-state ", 17) && (s[17] == '1' || s[17] == '2') ;
  if (line == 1)
  {
    if (n == 8 && !memcmp(s, "hold yes", 8)) st->hold = 1 ;
    else if (n != 7 || memcmp(s, "hold no", 7)) return 0 ;
    return 1 ;
  }
  if (n < 11 || n > 10 + 64 || memcmp(s, "transport ", 10)) return 0 ;
  if (n == 11 && s[10] == '-') return 1 ;
  for (size_t i = 10 ; i < n ; i++) if (!strchr("abcdefghijklmnopqrstuvwxyz0123456789._-", s[i]) || !s[i]) return 0 ;
  memcpy(st->transport, s + 10, n - 10) ;
  st->transport[n - 10] = 0 ;
  return 1 ;
}

int tern_qstate_parse (tern_qstate *st, char const *s, size_t len, unsigned int nrcpt)
{
  size_t i = 0 ;
  unsigned int line = 0 ;
  if (!tern_qstate_init(st, nrcpt)) return TERN_TEMP ;
  for (; i < len ; line++)
  {
    char const *nl = memchr(s + i, '\n', len - i) ;
    size_t n ;
    if (!nl) return TERN_PERM ;
    n = nl - (s + i) ;
    for (size_t j = 0 ; j < n ; j++) if ((unsigned char)s[i + j] < 32 || s[i + j] == 127) return TERN_PERM ;
    if (line < 3) { if (!header(st, s + i, n, line)) return TERN_PERM ; }
    else if (line - 3 >= nrcpt || n < 5 || memcmp(s + i, "rcpt ", 5)
      || !rcptline(tern_qstate_rcpt(st, line - 3), line - 3, s + i + 5, n - 5)) return TERN_PERM ;
    i += n + 1 ;
  }
  return line == nrcpt + 3 ? TERN_OK : TERN_PERM ;
}
