/* test-queue: the queue file formats (tern-queue.5), ids, the backoff. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <fcntl.h>
#include <unistd.h>
#include "tern.h"
#include "tern_queue.h"
#include "t.h"

#define H "tern-queue 1\ntime 1700000000\nfrom <a@b.example>\n"
static struct { char const *in ; int r ; unsigned int nrcpt ; } const envs[] =
{
  { H "rcpt <c@d.example>\n\nbody", TERN_OK, 1 },
  { H "account bob\nip 192.0.2.1\nhelo x y\n8bitmime\nsmtputf8\nrcpt <c@d>\nrcpt <\"e f\"@g>\n\n", TERN_OK, 2 },
  { "tern-queue 1\ntime 1\nfrom <>\nrcpt <x@y>\n\n", TERN_OK, 1 },
  { H "\n", TERN_PERM, 0 },                                  /* no recipient */
  { H "rcpt <c@d>\n", TERN_PERM, 0 },                        /* no blank line */
  { "tern-queue 2\ntime 1\nfrom <>\nrcpt <x@y>\n\n", TERN_PERM, 0 },
  { "tern-queue 1\nfrom <>\nrcpt <x@y>\n\n", TERN_PERM, 0 }, /* no time */
  { H "time 2\nrcpt <x@y>\n\n", TERN_PERM, 0 },              /* repeated */
  { H "rcpt x@y\n\n", TERN_PERM, 0 },                        /* brackets */
  { H "rcpt <x<@y>\n\n", TERN_PERM, 0 },
  { H "rcpt <x\t@y>\n\n", TERN_PERM, 0 },                    /* control */
  { H "colour red\nrcpt <x@y>\n\n", TERN_PERM, 0 },
  { H "8bitmime x\nrcpt <x@y>\n\n", TERN_PERM, 0 },
  { H "account a\naccount b\nrcpt <x@y>\n\n", TERN_PERM, 0 },
  { "tern-queue 1\ntime 99999999999999999999999\nfrom <>\nrcpt <x@y>\n\n", TERN_PERM, 0 },
} ;

#define S "tern-queue-state 1\nhold no\ntransport -\n"
static struct { char const *in ; unsigned int n ; int r ; } const states[] =
{
  { S "rcpt 0 pending 0 0 0\n", 1, TERN_OK },
  { S "rcpt 0 delivered 1 0 5\nrcpt 1 failed 8 0 7 no such address\n", 2, TERN_OK },
  { "tern-queue-state 1\nhold yes\ntransport relay-1\nrcpt 0 pending 3 100 50 x\n", 1, TERN_OK },
  { S "rcpt 0 pending 0 0 0\n", 2, TERN_PERM },            /* too few */
  { S "rcpt 1 pending 0 0 0\n", 1, TERN_PERM },            /* wrong index */
  { S "rcpt 0 waiting 0 0 0\n", 1, TERN_PERM },
  { S "rcpt 0 pending 0 0\n", 1, TERN_PERM },
  { S "rcpt 0 pending 0 0 0", 1, TERN_PERM },              /* no newline */
  { "tern-queue-state 1\nhold maybe\ntransport -\n", 0, TERN_PERM },
  { "tern-queue-state 1\nhold no\ntransport Bad\n", 0, TERN_PERM },
  { S "rcpt 0 pending 4294967296 0 0\n", 1, TERN_PERM },
  { "tern-queue-state 2\nhold no\ntransport -\nrcpt 0 bounce 1 0 5 550 no\nrcpt 1 delay 5 9 7 451 later\n", 2, TERN_OK },
  { "tern-queue-state 3\nhold no\ntransport -\nrcpt 0 pending 0 0 0\n", 1, TERN_PERM },
  { S "rcpt 0 bounced 1 0 5\n", 1, TERN_PERM },
} ;

static void roundtrip_state (void)
{
  tern_qstate st = TERN_QSTATE_ZERO, st2 = TERN_QSTATE_ZERO ;
  stralloc a = STRALLOC_ZERO, b = STRALLOC_ZERO ;
  T(tern_qstate_init(&st, 2), "init") ;
  st.hold = 1 ;
  strcpy(st.transport, "relay") ;
  tern_qstate_rcpt(&st, 0)->state = TERN_QRCPT_DELAY ;
  tern_qstate_rcpt(&st, 1)->state = TERN_QRCPT_BOUNCE ;
  tern_qstate_rcpt(&st, 1)->attempts = 8 ;
  tern_qrcpt_seterror(tern_qstate_rcpt(&st, 1), "550 5.1.1 no\r\nsuch user") ;
  T(!strcmp(tern_qstate_rcpt(&st, 1)->error, "550 5.1.1 no??such user"), "error cleaned") ;
  T(tern_qstate_fmt(&a, &st), "fmt") ;
  T(tern_qstate_parse(&st2, a.s, a.len, 2) == TERN_OK, "parse fmt") ;
  T(tern_qstate_fmt(&b, &st2) && a.len == b.len && !memcmp(a.s, b.s, a.len), "round trip") ;
  T(a.len > 18 && !memcmp(a.s, "tern-queue-state 2\n", 19), "version 2 written") ;
  T(tern_qstate_rcpt(&st2, 0)->state == TERN_QRCPT_DELAY && tern_qstate_rcpt(&st2, 1)->state == TERN_QRCPT_BOUNCE, "owed notices kept") ;
  T(tern_qstate_write(&st, "st") && tern_qstate_read(&st2, "st", 2) == TERN_OK && st2.hold == 1, "write, read") ;
  T(tern_qstate_read(&st2, "nosuch", 3) == TERN_OK && tern_qstate_len(&st2) == 3 && !st2.hold, "absent: all pending") ;
  tern_qstate_rcpt(&st, 0)->attempts = 3 ;
  T(tern_qstate_mark(&st, "st") && tern_qstate_read(&st2, "st", 2) == TERN_OK && tern_qstate_rcpt(&st2, 0)->attempts == 3, "mark replaces, read") ;
  {
    char tmp[40] ;
    snprintf(tmp, sizeof tmp, "st.tmp.%ld", (long)getpid()) ;
    T(access(tmp, F_OK) < 0 && errno == ENOENT, "mark: no temp file left") ;
  }
  T(!tern_qstate_mark(&st, "nosuchdir/st") && errno == ENOENT, "mark: error") ;
  tern_qstate_free(&st) ; tern_qstate_free(&st2) ;
  stralloc_free(&a) ; stralloc_free(&b) ;
}

static void envfile (void)
{
  tern_qenv e = TERN_QENV_ZERO ;
  stralloc sa = STRALLOC_ZERO ;
  int fd ;
  T(stralloc_cats(&sa, H), "alloc") ;
  /* an envelope longer than the first read */
  for (int i = 0 ; i < 500 ; i++) T(stralloc_cats(&sa, "rcpt <somebody.with.a.long.name@example.org>\n"), "alloc") ;
  T(stralloc_cats(&sa, "\nmessage"), "alloc") ;
  fd = open("env", O_RDWR | O_CREAT | O_TRUNC, 0600) ;
  T(fd >= 0 && write(fd, sa.s, sa.len) == (ssize_t)sa.len, "write env") ;
  T(tern_qenv_read(&e, fd) == TERN_OK && e.nrcpt == 500 && e.hdrlen == sa.len - 7, "read long envelope") ;
  T(ftruncate(fd, 100) == 0 && tern_qenv_read(&e, fd) == TERN_PERM, "truncated envelope") ;
  close(fd) ;
  tern_qenv_free(&e) ;
  stralloc_free(&sa) ;
}

/* tern_qenv_make: what inject and smtp-in queue, the runner must read */
static struct { char const *from ; char const *rcpts ; unsigned int n ; char const *acct ; unsigned int flags ; int r ; char const *what ; } const makes[] =
{
  { "a@B.Example", "c@d.example\0e@f.example", 2, "bob", 0, TERN_OK, 0 },
  { "", "c@d.example", 1, 0, TERN_QENV_8BIT, TERN_OK, 0 },
  { "\"e f\"@g.example", "c@d.example", 1, 0, 0, TERN_OK, 0 },
  { "\">\"@p1.m", "c@d.example", 1, 0, 0, TERN_PERM, "sender" },      /* fuzz: was queued, then unreadable */
  { "a@b.example", "\"x<y\"@d.example", 1, 0, 0, TERN_PERM, "recipient" },
  { "a@b.example", "c@", 1, 0, 0, TERN_PERM, "recipient" },
  { "b\303\270b@example.org", "c@d.example", 1, 0, 0, TERN_PERM, "sender" },  /* UTF-8 without SMTPUTF8 */
  { "b\303\270b@example.org", "c@d.example", 1, 0, TERN_QENV_UTF8, TERN_OK, 0 },
  { "a@b.example", "c@d.example", 1, "Bob", 0, TERN_PERM, "account" },
} ;

static void make (void)
{
  for (size_t i = 0 ; i < sizeof makes / sizeof *makes ; i++)
  {
    tern_qenv e = TERN_QENV_ZERO, f = TERN_QENV_ZERO ;
    stralloc a = STRALLOC_ZERO ;
    char const *what = 0, *bad = 0 ;
    int r = tern_qenv_make(&e, makes[i].from, makes[i].rcpts, makes[i].n, makes[i].acct, "192.0.2.1", "h\tx", makes[i].flags, &what, &bad) ;
    T(r == makes[i].r && (r ? !strcmp(what, makes[i].what) : 1), makes[i].from) ;
    if (!r)
      T(tern_qenv_fmt(&a, &e) && tern_qenv_parse(&f, a.s, a.len) == TERN_OK && f.nrcpt == makes[i].n
        && !strcmp(f.helo.s, "h?x") && f.flags == makes[i].flags, "made envelope parses back") ;
    tern_qenv_free(&e) ; tern_qenv_free(&f) ;
    stralloc_free(&a) ;
  }
}

int main (void)
{
  char id[TERN_QUEUE_IDMAX] ;
  for (size_t i = 0 ; i < sizeof envs / sizeof *envs ; i++)
  {
    tern_qenv e = TERN_QENV_ZERO, f = TERN_QENV_ZERO ;
    stralloc a = STRALLOC_ZERO, b = STRALLOC_ZERO ;
    int r = tern_qenv_parse(&e, envs[i].in, strlen(envs[i].in)) ;
    T(r == envs[i].r, envs[i].in) ;
    if (!r)
    {
      T(e.nrcpt == envs[i].nrcpt, "nrcpt") ;
      T(tern_qenv_fmt(&a, &e) && tern_qenv_parse(&f, a.s, a.len) == TERN_OK && tern_qenv_fmt(&b, &f)
        && a.len == b.len && !memcmp(a.s, b.s, a.len) && !strncmp(envs[i].in, a.s, a.len), "envelope round trip") ;
    }
    tern_qenv_free(&e) ; tern_qenv_free(&f) ;
    stralloc_free(&a) ; stralloc_free(&b) ;
  }
  for (size_t i = 0 ; i < sizeof states / sizeof *states ; i++)
  {
    tern_qstate st = TERN_QSTATE_ZERO ;
    T(tern_qstate_parse(&st, states[i].in, strlen(states[i].in), states[i].n) == states[i].r, states[i].in) ;
    tern_qstate_free(&st) ;
  }
  roundtrip_state() ;
  envfile() ;
  make() ;
  T(tern_queue_idfmt(id, 0x6701ab3c, 999999, 0x2f1a9) == 19 && !strcmp(id, "6701ab3cf423f.2f1a9"), "idfmt") ;
  T(tern_queue_idfmt(id, 5, 1, 0) == 15 && !strcmp(id, "0000000500001.0"), "idfmt pads the time and microseconds") ;
  T(tern_queue_idfmt(id, 0xffffffff, 999999, UINT64_MAX) == TERN_QUEUE_IDMAX - 1 && tern_queue_idvalid(id), "idfmt: the longest fits") ;
  T(tern_queue_idvalid("6701ab3cf423f.2f1a9") && tern_queue_idvalid("6701ab3c.2f1a9") && !tern_queue_idvalid("6701ab3c.")
    && !tern_queue_idvalid("6701ab3c") && !tern_queue_idvalid("6701ab3c0.1") && !tern_queue_idvalid("6701ab3c0a1b2c.1")
    && !tern_queue_idvalid("6701AB3C.1") && !tern_queue_idvalid("6701ab3c.1.tmp.12") && !tern_queue_idvalid("6701ab3cf423f.")
    && !tern_queue_idvalid("6701ab3c.2f1a9.tmp.1") && !tern_queue_idvalid("") && !tern_queue_idvalid("6701ab3c.12345678901234567"), "idvalid") ;
  /* REFERENCE 1.4: 7.5 min doubling, jitter in [-5, 4] */
  T(tern_queue_backoff(0, 0) == 450 && tern_queue_backoff(1, 0) == 900 && tern_queue_backoff(7, 0) == 57600, "backoff") ;
  T(tern_queue_backoff(0, -5) == 445 && tern_queue_backoff(0, 4) == 454 && tern_queue_backoff(2, -9) == 1780, "jitter") ;
  T(tern_queue_backoff(1000, 0) == (uint64_t)450 << 20, "capped") ;
  return tdone() ;
}
