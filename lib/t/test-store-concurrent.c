/* test-store-concurrent: four processes deliver into one mailbox while a
   fifth expunges and compacts; every delivery gets its own UID and the
   account checks clean afterwards. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/wait.h>
#include "tern.h"
#include "tern_store.h"
#include "t.h"

#define A "acct"
#define WRITERS 4
#define EACH 150

static void writer (int fd, unsigned int w)
{
  for (unsigned int i = 0 ; i < EACH ; i++)
  {
    char b[64] ;
    uint32_t uid ;
    int n = snprintf(b, sizeof b, "writer %u message %u\r\n", w, i) ;
    if (tern_store_deliver(A, "Inbox", b, (size_t)n, 0, 0, 0, 0, 0, &uid)) _exit(1) ;
    if (write(fd, &uid, sizeof uid) != sizeof uid) _exit(1) ;
  }
  _exit(0) ;
}

/* expunge every odd UID it can see, compacting as it goes */
static void expunger (void)
{
  tern_mbox m = TERN_MBOX_ZERO ;
  genalloc g = GENALLOC_ZERO ;
  if (tern_mbox_open(&m, A, 1)) _exit(1) ;
  for (unsigned int round = 0 ; round < 50 ; round++)
  {
    genalloc_setlen(tern_rec, &g, 0) ;
    if (tern_mbox_lock(&m, LOCK_EX) || tern_mbox_records(&m, 0, &g)) _exit(1) ;
    for (size_t i = 0 ; i < genalloc_len(tern_rec, &g) ; i++)
    {
      tern_rec const *r = genalloc_s(tern_rec, &g) + i ;
      if (r->uid & 1 && !(r->flags & TERN_F_EXPUNGED) && tern_mbox_expunge(&m, r->uid, 0)) _exit(1) ;
    }
    if (tern_mbox_compact(&m, 0)) _exit(1) ;
    tern_mbox_unlock(&m) ;
    usleep(2000) ;
  }
  _exit(0) ;
}

static void problem (void *data, char const *path, char const *what)
{
  (void)data ;
  fprintf(stderr, "problem: %s: %s\n", path, what) ;
}

int main (void)
{
  static unsigned char seen[WRITERS * EACH + 2] ;
  pid_t pids[WRITERS + 1] ;
  int p[2], ok = 1, dup = 0 ;
  unsigned int n = 0, nprob = 99 ;
  uint32_t uid ;
  tern_mbox m = TERN_MBOX_ZERO ;
  T(tern_store_create(A) == TERN_OK && pipe(p) == 0, "setup") ;
  for (unsigned int w = 0 ; w <= WRITERS ; w++)
  {
    pids[w] = fork() ;
    if (!pids[w]) { close(p[0]) ; if (w < WRITERS) writer(p[1], w) ; else expunger() ; }
  }
  close(p[1]) ;
  while (read(p[0], &uid, sizeof uid) == sizeof uid)
  {
    n++ ;
    if (!uid || uid > WRITERS * EACH || seen[uid]++) dup++ ;
  }
  for (unsigned int w = 0 ; w <= WRITERS ; w++)
  {
    int st ;
    if (waitpid(pids[w], &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st)) ok = 0 ;
  }
  T(ok, "all processes succeeded") ;
  T(n == WRITERS * EACH && !dup, "every delivery got its own UID, 1..N") ;
  T(tern_mbox_open(&m, A, 1) == TERN_OK && m.hdr.uidnext == WRITERS * EACH + 1, "UIDNEXT") ;
  T(tern_store_check(A, &problem, 0, &nprob) == TERN_OK && !nprob, "checks clean") ;
  printf("# %u deliveries, %zu records left, generation %u\n", n, m.count, m.hdr.generation) ;
  tern_mbox_close(&m) ;
  return tdone() ;
}
