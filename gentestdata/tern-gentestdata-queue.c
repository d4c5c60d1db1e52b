/* tern-gentestdata-queue: a queue (tern-queue.5) with four messages in
   different states, envelopes and states made by the queue's functions;
   ids and times from the seed instead of the clock and the inode. */
#include <string.h>
#include <time.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <skalibs/strerr.h>
#include "tern.h"
#include "tern_queue.h"
#include "tern-gentestdata.h"

#define HELD 2147483647u   /* 2038-01-19: the runner's time for a held message */

typedef struct qmsg_s qmsg ;
struct qmsg_s
{
  char const *from ;
  char const *account ;
  char const *rcpts ;   /* NUL-separated */
  unsigned int nrcpt ;
  int kind ;            /* 0 todo, 1 held, 2 transport, 3 deferred */
} ;

static qmsg const qmsgs[] =
{
  { "alice@tern.example", "alice", "carol@friends.example", 1, 0 },
  { "bob@tern.example", "bob", "dave@remote.example", 1, 1 },
  { "alice@tern.example", "alice", "erin@remote.example", 1, 2 },
  { "j\xc3\xbcrgen@b\xc3\xbc" "cher.example", "juergen", "anna@b\xc3\xbc" "cher.example\0frank@remote.example", 2, 3 },
} ;

static stralloc qdir = STRALLOC_ZERO ;
static stralloc states[4] = { STRALLOC_ZERO, STRALLOC_ZERO, STRALLOC_ZERO, STRALLOC_ZERO } ;
static uint64_t nexts[4] ;

/* the state of a message that has one: its next attempt goes to nexts[i] */
static void state (unsigned int i, qmsg const *q, uint64_t t, char const *id)
{
  tern_qstate st = TERN_QSTATE_ZERO ;
  tern_qrcpt *r ;
  if (!tern_qstate_init(&st, q->nrcpt)) strerr_diefusys(111, "allocate") ;
  r = tern_qstate_rcpt(&st, 0) ;
  if (q->kind == 1) { st.hold = 1 ; nexts[i] = HELD ; }
  else if (q->kind == 2) { memcpy(st.transport, "smarthost", 10) ; r->next = t ; nexts[i] = t ; }
  else
  {
    r->state = TERN_QRCPT_DELIVERED ; r->attempts = 1 ; r->last = t + 60 ;
    r = tern_qstate_rcpt(&st, 1) ;
    r->attempts = 3 ;
    r->last = t + 60 + tern_queue_backoff(0, 0) + tern_queue_backoff(1, 0) ;
    r->next = r->last + tern_queue_backoff(2, (int)gen_below(10) - 5) ;
    tern_qrcpt_seterror(r, "451 4.4.1 smtp.remote.example: connection timed out") ;
    nexts[i] = r->next ;
  }
  if (!stralloc_cats(&states[i], qdir.s) || !stralloc_cats(&states[i], "/state/") || !stralloc_cats(&states[i], id)
   || !stralloc_0(&states[i])) strerr_diefusys(111, "allocate") ;
  if (!tern_qstate_write(&st, states[i].s)) strerr_diefusys(111, "write ", states[i].s) ;
  tern_qstate_free(&st) ;
}

static void one (unsigned int i, qmsg const *q, uint64_t t)
{
  tern_qenv e = TERN_QENV_ZERO ;
  stralloc sa = STRALLOC_ZERO, p = STRALLOC_ZERO ;
  char const *what, *bad ;
  char id[TERN_QUEUE_IDMAX] ;
  char const *to = q->rcpts ;
  unsigned int flags = q->kind == 3 ? TERN_QENV_8BIT | TERN_QENV_UTF8 : 0 ;
  if (tern_qenv_make(&e, q->from, q->rcpts, q->nrcpt, q->account, "127.0.0.1", "localhost", flags, &what, &bad))
    strerr_dief(111, "bad ", what, " ", bad, " (a bug)") ;
  e.time = t ;
  tern_queue_idfmt(id, t, gen_below(1000000), 0x1000 + gen_below(0xfffff)) ;
  if (!tern_qenv_fmt(&sa, &e) || !stralloc_cats(&sa, "Received: from localhost (127.0.0.1) by mail.tern.example with ESMTPSA\r\n"))
    strerr_diefusys(111, "allocate") ;
  gen_message(&sa, q->kind == 3 ? "J\xc3\xbcrgen <j\xc3\xbcrgen@b\xc3\xbc" "cher.example>" : 0, to, q->kind == 3 ? GEN_UTF8 : GEN_HAM, t, 100 + i) ;
  if (!stralloc_cats(&p, qdir.s) || !stralloc_cats(&p, q->kind ? "/mess/" : "/todo/") || !stralloc_cats(&p, id)
   || !stralloc_0(&p)) strerr_diefusys(111, "allocate") ;
  if (!tern_file_replace(p.s, sa.s, sa.len, 0600)) strerr_diefusys(111, "write ", p.s) ;
  if (q->kind) state(i, q, t, id) ;
  tern_qenv_free(&e) ;
  stralloc_free(&sa) ; stralloc_free(&p) ;
}

void gen_queue (void)
{
  uint64_t t = gen_t0 - 3u * 3600u ;
  if (!stralloc_cats(&qdir, gen_dest) || !stralloc_cats(&qdir, "/data/queue") || !stralloc_0(&qdir)) strerr_diefusys(111, "allocate") ;
  if (!tern_queue_init(qdir.s)) strerr_diefusys(111, "create the queue in ", qdir.s) ;
  for (unsigned int i = 0 ; i < sizeof qmsgs / sizeof *qmsgs ; i++)
  {
    t += 60 + gen_below(600) ;
    one(i, qmsgs + i, t) ;
  }
}

void gen_queue_times (void)
{
  for (unsigned int i = 0 ; i < 4 ; i++)
  {
    struct timespec ts[2] = { { .tv_sec = (time_t)gen_t0, .tv_nsec = 0 }, { .tv_sec = (time_t)nexts[i], .tv_nsec = 0 } } ;
    if (!states[i].len) continue ;
    if (utimensat(AT_FDCWD, states[i].s, ts, 0) < 0) strerr_diefusys(111, "set the time of ", states[i].s) ;
  }
}
