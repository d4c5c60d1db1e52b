/* synct.h: the harness of test-dirsync and test-fssync, the two tests of a
   sync shared through a state file.  Each test wraps its sync call (fsync
   of the directory d; syncfs) around t_synccall, which counts it in S
   (started on entry, done on return), never returns in process S->hang
   and fails once with EIO when S->eio is set.  Each gives t_syncsetup its
   once(state, w, i, &how): one file renamed into d, then the shared sync
   through state; 1 if a sync begun after the rename had ended when it
   returned (how: the library's answer), else 0 or -1. */
#ifndef TERN_T_SYNCT_H
#define TERN_T_SYNCT_H
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include "tern.h"
#include "t.h"

#define T_SYNC_WRITERS 8
#define T_SYNC_ROUNDS 40

typedef struct t_syncshm_s t_syncshm ;
struct t_syncshm_s
{
  uint64_t started, done ;  /* wrapped sync calls: begun, ended */
  uint64_t flushes ;        /* test-fssync: fdatasync calls */
  uint64_t ino ;            /* test-dirsync: d's inode */
  uint64_t bad, how[4] ;    /* the writers' commits: not covered; by answer */
  int hang ;  /* pid whose sync never returns */
  int eio ;   /* the next sync fails with EIO */
} ;
static t_syncshm *S = 0 ;

typedef int t_synconce (char const *, unsigned int, unsigned int, unsigned int *) ;
static t_synconce *t_once = 0 ;
static char const *t_state = 0 ;  /* the state file of the writers and of killed */

static inline uint64_t ld (uint64_t *p) { return __atomic_load_n(p, __ATOMIC_SEQ_CST) ; }

/* system call nr on fd, counted as above */
static inline int t_synccall (long nr, int fd)
{
  long r ;
  __atomic_add_fetch(&S->started, 1, __ATOMIC_SEQ_CST) ;
  if (S->hang == getpid()) for (;;) pause() ;
  if (S->eio) { S->eio = 0 ; __atomic_add_fetch(&S->done, 1, __ATOMIC_SEQ_CST) ; return (errno = EIO, -1) ; }
  r = syscall(nr, fd) ;
  __atomic_add_fetch(&S->done, 1, __ATOMIC_SEQ_CST) ;
  return (int)r ;
}

/* S in memory shared with the children, the directory d; 1, or 0 */
static inline int t_syncsetup (t_synconce *once, char const *state)
{
  t_syncshm *s = mmap(0, sizeof *s, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0) ;
  if (s == MAP_FAILED || mkdir("d", 0700) < 0) return 0 ;
  S = s ;
  t_once = once ;
  t_state = state ;
  return 1 ;
}

/* one commit through state: the library's answer, 0 if not covered */
static inline unsigned int how1 (char const *state)
{
  unsigned int how = 0 ;
  return (*t_once)(state, 99, 0, &how) == 1 ? how : 0 ;
}

/* T_SYNC_WRITERS processes commit T_SYNC_ROUNDS times each at once: each
   commit covered, on the shared path, some sharing a sync (what: the
   sync's name in the checks) */
static inline void t_syncwriters (unsigned int shared, unsigned int own, char const *what)
{
  pid_t pid[T_SYNC_WRITERS] ;
  char m[128] ;
  for (unsigned int w = 0 ; w < T_SYNC_WRITERS ; w++) if (!(pid[w] = fork()))
  {
    for (unsigned int i = 0 ; i < T_SYNC_ROUNDS ; i++)
    {
      unsigned int how = 0 ;
      if ((*t_once)(t_state, w, i, &how) != 1) __atomic_add_fetch(&S->bad, 1, __ATOMIC_SEQ_CST) ;
      else __atomic_add_fetch(&S->how[how & 3], 1, __ATOMIC_SEQ_CST) ;
    }
    _exit(0) ;
  }
  for (unsigned int w = 0 ; w < T_SYNC_WRITERS ; w++) { int wstat ; waitpid(pid[w], &wstat, 0) ; }
  snprintf(m, sizeof m, "every writer returned after %s begun after its rename", what) ;
  T(!S->bad, m) ;
  T(S->how[shared] + S->how[own] == T_SYNC_WRITERS * T_SYNC_ROUNDS, "all on the shared path") ;
  snprintf(m, sizeof m, "some shared %s", what) ;
  T(S->how[shared] > 0, m) ;
  fprintf(stderr, "%u writers x %u: %llu own syncs, %llu shared\n", T_SYNC_WRITERS, T_SYNC_ROUNDS,
    (unsigned long long)S->how[own], (unsigned long long)S->how[shared]) ;
}

/* A process killed inside a wrapped sync call (S->hang: the pid whose call
   never returns): a child with S->hang its own pid runs f(), which must
   reach that call; once the child is in it (started is done + 1, within
   60 s) it is killed with SIGKILL and its call counted out (done + 1).  1
   if the child was seen in its call. */
static inline int t_killinsync (void (*f)(void))
{
  int in, wstat ;
  pid_t pid = fork() ;
  if (!pid) { S->hang = getpid() ; f() ; _exit(0) ; }
  for (int i = 0 ; i < 60000 && ld(&S->started) == ld(&S->done) ; i++) usleep(1000) ;
  in = ld(&S->started) == ld(&S->done) + 1 ;
  kill(pid, SIGKILL) ;
  waitpid(pid, &wstat, 0) ;
  S->hang = 0 ;
  __atomic_add_fetch(&S->done, 1, __ATOMIC_SEQ_CST) ;
  return in ;
}

static void t_synchung (void) { how1(t_state) ; }

/* a committer killed in its sync, holding the lock, stops nobody */
static inline void t_synckilled (unsigned int own, char const *what)
{
  char m[128] ;
  snprintf(m, sizeof m, "a committer is in its %s, holding the lock", what) ;
  T(t_killinsync(&t_synchung), m) ;
  T(how1(t_state) == own, "the next committer is not blocked and syncs itself") ;
}

/* no state file, a missing, truncated or garbage one (of its size): a
   plain sync; init repairs it: the shared path again */
static inline void t_syncdamage (size_t size, int (*init)(char const *), unsigned int plain, unsigned int own)
{
  static char junk[65536] ;
  T(how1(0) == plain, "no state file given: a plain sync") ;
  T(how1("nothere") == plain, "missing: a plain sync") ;
  T(truncate(t_state, 100) == 0 && how1(t_state) == plain, "truncated: a plain sync") ;
  memset(junk, 'x', sizeof junk) ;
  T(size <= sizeof junk && tern_file_replace(t_state, junk, size, 0600) && how1(t_state) == plain,
    "garbage of the right size: a plain sync") ;
  T((*init)(t_state) && how1(t_state) == own, "init repairs it: the shared path again") ;
}
#endif
