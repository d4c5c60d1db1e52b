/* test-fssync: tern_fssync, the shared syncfs.  syncfs and fdatasync are
   counted here (wrapped): every committer returns only after a syncfs that
   began after its rename, and a flush after it; concurrent committers
   share; a leader's descriptor younger than our marks, a failed sync that
   may have met our writes, another generation or file system are never
   shared; a patient leader's sync covers commits that arrive while it
   waits; a killed leader stops nobody; damaged state still syncs. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
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
#include "tern_fssync.h"
#include "synct.h"

/* syncfs counted (synct.h), and the fdatasync after it */
int syncfs (int fd)
{
  return S ? t_synccall(SYS_syncfs, fd) : (int)syscall(SYS_syncfs, fd) ;
}

int fdatasync (int fd)
{
  if (S) __atomic_add_fetch(&S->flushes, 1, __ATOMIC_SEQ_CST) ;
  return (int)syscall(SYS_fdatasync, fd) ;
}

/* one file written and renamed into d, then the shared sync: was a
   syncfs begun after the rename done when it returned?  0 if not, -1 if
   the call failed */
static int once (char const *state, unsigned int w, unsigned int i, unsigned int *how)
{
  char a[64], b[64] ;
  tern_fssync m ;
  uint64_t before ;
  int fd, r ;
  snprintf(a, sizeof a, "t.%u.%u", w, i) ;
  snprintf(b, sizeof b, "d/m.%u.%u", w, i) ;
  fd = open(a, O_WRONLY | O_CREAT | O_TRUNC, 0600) ;
  if (fd < 0) return 0 ;
  tern_fssync_begin(state, fd, &m) ;
  if (write(fd, "x", 1) != 1 || rename(a, b) < 0) { close(fd) ; return 0 ; }
  before = ld(&S->started) ;
  r = tern_fssync_wait(state, fd, &m, how) ;
  close(fd) ;
  if (!r) return -1 ;
  /* syncfs are serialized under the lock: done > before means the one
     numbered before + 1, begun after the rename, has ended */
  return ld(&S->done) > before ;
}

/* the index of the slot of d's file system */
static unsigned int slotof (void)
{
  int fd = open("fssync", O_RDONLY) ;
  unsigned int k = 63 ;
  for (unsigned int i = 0 ; fd >= 0 && i < 63 ; i++)
  {
    uint64_t c[8] ;
    if (pread(fd, c, sizeof c, 64 + 64 * i) == sizeof c && (c[0] | c[4])) k = i ;
  }
  if (fd >= 0) close(fd) ;
  return k ;
}

static int slotrw (unsigned int i, uint64_t *c, int put)
{
  int fd = open("fssync", O_RDWR) ;
  int ok = fd >= 0 && (put ? pwrite(fd, c, 64, 64 + 64 * i) : pread(fd, c, 64, 64 + 64 * i)) == 64 ;
  if (fd >= 0) close(fd) ;
  return ok ;
}

/* a lock line on the state file's inode in /proc/locks: a blocked
   request if blocked, else any */
static int lockline (int blocked)
{
  char buf[65536], ino[32] ;
  struct stat st ;
  int fd = open("/proc/locks", O_RDONLY) ;
  ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1) ;
  if (fd >= 0) close(fd) ;
  if (n <= 0 || stat("fssync", &st) < 0) return 0 ;
  buf[n] = 0 ;
  snprintf(ino, sizeof ino, ":%llu ", (unsigned long long)st.st_ino) ;
  for (char *l = buf ; l && *l ; )
  {
    char *e = strchr(l, '\n') ;
    if (e) *e++ = 0 ;
    if (strstr(l, ino) && (!blocked || strstr(l, "->"))) return 1 ;
    l = e ;
  }
  return 0 ;
}
static int waiter (void) { return lockline(1) ; }
static int held (void) { return lockline(0) ; }

/* a committer that read started and waits for the slot's lock (held
   here); meanwhile the slot is set as if a sync numbered above its read
   had ended (or failed), with field k set to v: its answer (how, or 9
   for EIO) */
static unsigned int blocked (unsigned int k, int64_t dv)
{
  struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_len = 64 } ;
  unsigned int i = slotof() ;
  uint64_t c[8], before ;
  int fd = open("fssync", O_RDWR), wstat ;
  pid_t pid ;
  fl.l_start = 64 + 64 * (off_t)i ;
  if (i >= 63 || fd < 0 || fcntl(fd, F_OFD_SETLK, &fl) < 0) return 0 ;
  pid = fork() ;
  if (!pid)
  {
    unsigned int how = 0 ;
    /* no syncfs after its rename but the one simulated here: once's own
       check cannot hold, the answer tells */
    int r = once("fssync", 98, k, &how) ;
    _exit(r < 0 && errno == EIO ? 9 : r >= 0 ? (int)how : 0) ;
  }
  for (int n = 0 ; n < 60000 && !waiter() ; n++) usleep(1000) ;
  before = ld(&S->started) ;
  if (slotrw(i, c, 0))
  {
    c[TERN_FSSYNC_STARTED]++ ;
    if (k == TERN_FSSYNC_FAILED) c[k] = c[TERN_FSSYNC_STARTED] ;
    else c[TERN_FSSYNC_DONE] = c[TERN_FSSYNC_STARTED] ;
    c[TERN_FSSYNC_DTICKET] = c[TERN_FSSYNC_TICKETS] - 1 ;  /* older than the child's */
    if (k != TERN_FSSYNC_FAILED) c[k] = (uint64_t)((int64_t)c[k] + dv) ;
    slotrw(i, c, 1) ;
  }
  fl.l_type = F_UNLCK ;
  fcntl(fd, F_OFD_SETLK, &fl) ;
  close(fd) ;
  if (waitpid(pid, &wstat, 0) != pid || !WIFEXITED(wstat)) return 0 ;
  if (WEXITSTATUS(wstat) == TERN_FSSYNC_SHARED && ld(&S->started) != before) return 0 ;  /* it synced all the same */
  return WEXITSTATUS(wstat) ;
}

/* a patient leader (tern_fssync_patience) holds the lock before its
   sync: a commit renamed meanwhile shares that sync, one syncfs for both */
static void patience (void)
{
  uint64_t before = ld(&S->started) ;
  int wstat ;
  pid_t l, f ;
  l = fork() ;
  if (!l) { tern_fssync_patience = 300000 ; _exit(how1("fssync") == TERN_FSSYNC_OWN ? 0 : 1) ; }
  for (int n = 0 ; n < 60000 && !held() ; n++) usleep(1000) ;
  f = fork() ;
  if (!f) { unsigned int how = 0 ; _exit(once("fssync", 96, 0, &how) == 1 && how == TERN_FSSYNC_SHARED ? 0 : 1) ; }
  T(waitpid(l, &wstat, 0) == l && WIFEXITED(wstat) && !WEXITSTATUS(wstat), "a patient leader syncs") ;
  T(waitpid(f, &wstat, 0) == f && WIFEXITED(wstat) && !WEXITSTATUS(wstat), "a commit renamed while it waits shares its sync") ;
  T(ld(&S->started) == before + 1, "one syncfs for both") ;
}

static void rules (void)
{
  T(blocked(TERN_FSSYNC_DTICKET, 0) == TERN_FSSYNC_SHARED, "a sync begun after the rename, through an older descriptor: shared, no syncfs") ;
  T(blocked(TERN_FSSYNC_DTICKET, 2) == TERN_FSSYNC_OWN, "its descriptor younger than our marks: our own sync") ;
  T(blocked(TERN_FSSYNC_FAILED, 0) == 9, "a sync that may have met our writes failed: EIO") ;
  T(how1("fssync") == TERN_FSSYNC_OWN, "a committer that began after the failure syncs and succeeds") ;
  T(blocked(TERN_FSSYNC_GEN, 1) == TERN_FSSYNC_OWN, "another generation: our own sync") ;
  T(blocked(TERN_FSSYNC_DEV, 1) == TERN_FSSYNC_OWN, "another file system's sync: our own") ;
}

static void eio (void)
{
  unsigned int how = 0 ;
  uint64_t c[8] ;
  S->eio = 1 ;
  errno = 0 ;
  T(once("fssync", 97, 0, &how) < 0 && errno == EIO, "a syncfs failing: 0, errno EIO") ;
  T(slotrw(slotof(), c, 0) && c[TERN_FSSYNC_FAILED] == c[TERN_FSSYNC_STARTED] && c[TERN_FSSYNC_DONE] < c[TERN_FSSYNC_STARTED],
    "recorded as failed, not done") ;
  T(how1("fssync") == TERN_FSSYNC_OWN, "the next committer syncs itself") ;
  S->eio = 1 ;
  errno = 0 ;
  T(once(0, 97, 1, &how) < 0 && errno == EIO, "without state, a failing syncfs: 0, errno EIO") ;
}

static void killed (void) { t_synckilled(TERN_FSSYNC_OWN, "syncfs") ; }

static void damage (void)
{
  uint64_t c[8] ;
  t_syncdamage(TERN_FSSYNC_SIZE, &tern_fssync_init, TERN_FSSYNC_PLAIN, TERN_FSSYNC_OWN) ;
  T(slotrw(slotof(), c, 0), "slot read") ;
  c[TERN_FSSYNC_DONE] = c[TERN_FSSYNC_STARTED] + 1000 ;
  T(slotrw(slotof(), c, 1) && how1("fssync") == TERN_FSSYNC_OWN, "done above started: its own sync") ;
  T(slotrw(slotof(), c, 0) && c[TERN_FSSYNC_DONE] == c[TERN_FSSYNC_STARTED] && c[TERN_FSSYNC_GEN] > 0,
    "the slot starts again, a new generation") ;
}

/* a file opened, marked and written: its fd (its marks in *m), -1 */
static int marked (char const *name, tern_fssync *m)
{
  int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0600) ;
  if (fd < 0) return -1 ;
  tern_fssync_begin("fssync", fd, m) ;
  if (write(fd, "x", 1) != 1) { close(fd) ; return -1 ; }
  return fd ;
}

/* written: a sync begun after it (through an older descriptor) stands
   for the writes even though it began before the wait; without it, only
   one begun after the wait does.  again: new marks on an old descriptor
   keep its age, so a sync through it still stands for younger ones */
static void later (void)
{
  tern_fssync a, b, c ;
  unsigned int how = 0 ;
  uint64_t before ;
  int fb = marked("t.b", &b), fa = marked("t.a", &a), fc ;
  tern_fssync_written("fssync", fa, &a) ;
  T(a.aok && tern_fssync_wait("fssync", fb, &b, &how) && how == TERN_FSSYNC_OWN, "written, then an older descriptor's sync") ;
  before = ld(&S->started) ;
  T(tern_fssync_wait("fssync", fa, &a, &how) && how == TERN_FSSYNC_SHARED && ld(&S->started) == before,
    "a sync begun after written but before the wait stands for it") ;
  close(fa) ;
  fa = marked("t.a", &a) ;
  T(tern_fssync_wait("fssync", fb, &b, &how) && how == TERN_FSSYNC_OWN, "not written, then a sync") ;
  T(tern_fssync_wait("fssync", fa, &a, &how) && how == TERN_FSSYNC_OWN, "one begun before the wait does not") ;
  close(fa) ;
  /* b is old now; c younger; b's new marks (again), then its sync */
  fc = marked("t.c", &c) ;
  tern_fssync_written("fssync", fc, &c) ;
  tern_fssync_again("fssync", fb, &b) ;
  T(b.dticket < b.ticket && b.dticket < c.ticket, "again: a new ticket, the descriptor's kept") ;
  T(tern_fssync_wait("fssync", fb, &b, &how) && how == TERN_FSSYNC_OWN, "the old descriptor's second sync") ;
  before = ld(&S->started) ;
  T(tern_fssync_wait("fssync", fc, &c, &how) && how == TERN_FSSYNC_SHARED && ld(&S->started) == before,
    "it stands for a younger descriptor's writes") ;
  close(fc) ;
  fc = marked("t.c", &c) ;
  tern_fssync_written("fssync", fc, &c) ;
  tern_fssync_begin("fssync", fb, &b) ;  /* new marks that forget the age */
  T(tern_fssync_wait("fssync", fb, &b, &how) && how == TERN_FSSYNC_OWN, "a sync through fresh marks") ;
  T(tern_fssync_wait("fssync", fc, &c, &how) && how == TERN_FSSYNC_OWN, "does not stand for them") ;
  close(fc) ;
  close(fb) ;
}

/* covered: while another holds the slot's lock (a patient leader), a
   committer that the last sync covers returns at once, without waiting */
static void nolock (void)
{
  struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_len = 64 } ;
  tern_fssync a, b ;
  unsigned int i, how = 0 ;
  int fb = marked("t.b", &b), fa = marked("t.a", &a), fd ;
  pid_t pid ;
  int wstat = 0, reaped = 0 ;
  tern_fssync_written("fssync", fa, &a) ;
  T(tern_fssync_wait("fssync", fb, &b, &how) && how == TERN_FSSYNC_OWN, "a sync after the writes") ;
  close(fb) ;
  i = slotof() ;
  fd = open("fssync", O_RDWR) ;
  fl.l_start = 64 + 64 * (off_t)i ;
  T(i < 63 && fd >= 0 && fcntl(fd, F_OFD_SETLK, &fl) == 0, "the slot's lock held") ;
  pid = fork() ;
  if (!pid) _exit(tern_fssync_wait("fssync", fa, &a, &how) && how == TERN_FSSYNC_SHARED ? 0 : 1) ;
  for (int n = 0 ; n < 60000 && !waiter() && !reaped ; n++)
    if (waitpid(pid, &wstat, WNOHANG) == pid) reaped = 1 ; else usleep(1000) ;
  T(reaped && !waiter(), "the covered committer returned while the lock was held") ;
  fl.l_type = F_UNLCK ;
  fcntl(fd, F_OFD_SETLK, &fl) ;
  close(fd) ;
  T((reaped || waitpid(pid, &wstat, 0) == pid) && WIFEXITED(wstat) && !WEXITSTATUS(wstat), "and shared that sync") ;
  close(fa) ;
}

/* descriptors of this process open on the state file (replaced or not) */
static unsigned int statefds (void)
{
  char path[64], link[4096] ;
  unsigned int n = 0 ;
  for (int fd = 0 ; fd < 1024 ; fd++)
  {
    ssize_t r ;
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd) ;
    r = readlink(path, link, sizeof link - 1) ;
    if (r <= 0) continue ;
    link[r] = 0 ;
    if (strstr(link, "/fssync")) n++ ;
  }
  return n ;
}

/* in a child: 20 commits (begin, written, wait); the state's descriptors
   open after them, or 99 if a commit failed */
static unsigned int commits (int keep)
{
  int wstat ;
  pid_t pid = fork() ;
  if (!pid)
  {
    int fd = open("d", O_RDONLY | O_DIRECTORY) ;
    unsigned int ok = fd >= 0 ;
    tern_fssync_keepmap = keep ;
    for (unsigned int i = 0 ; i < 20 && ok ; i++)
    {
      tern_fssync m ;
      tern_fssync_begin("fssync", fd, &m) ;
      tern_fssync_written("fssync", fd, &m) ;
      ok = m.ok && m.aok && tern_fssync_wait("fssync", fd, &m, 0) ;
    }
    _exit(ok ? statefds() : 99) ;
  }
  return waitpid(pid, &wstat, 0) == pid && WIFEXITED(wstat) ? (unsigned int)WEXITSTATUS(wstat) : 98 ;
}

/* tern_fssync_keepmap: one descriptor of the state for all the calls of
   a process; writers that keep theirs still share syncs and exclude each
   other; a state found damaged is mapped again from its path (replaced
   by init) */
static void keptmap (void)
{
  int wstat, fd ;
  pid_t pid ;
  T(commits(0) == 0, "without keepmap: the state closed after each call") ;
  T(commits(1) == 1, "with keepmap: one descriptor kept open for 20 commits") ;
  memset(S->how, 0, sizeof S->how) ;
  S->bad = 0 ;
  tern_fssync_keepmap = 1 ;  /* set before the forks, used only in the writers */
  t_syncwriters(TERN_FSSYNC_SHARED, TERN_FSSYNC_OWN, "a syncfs (each writer's state kept mapped)") ;
  tern_fssync_keepmap = 0 ;
  pid = fork() ;
  if (!pid)
  {
    tern_fssync m ;
    int d = open("d", O_RDONLY | O_DIRECTORY), sfd ;
    unsigned int code = 0 ;
    tern_fssync_keepmap = 1 ;
    tern_fssync_begin("fssync", d, &m) ;
    if (!m.ok || statefds() != 1) code |= 1 ;
    sfd = open("fssync", O_WRONLY) ;
    if (sfd < 0 || pwrite(sfd, "XXXX", 4, 0) != 4) code |= 2 ;
    close(sfd) ;
    if (!tern_fssync_init("fssync")) code |= 2 ;
    tern_fssync_begin("fssync", d, &m) ;
    if (!m.ok || statefds() != 1) code |= 4 ;
    if (!tern_fssync_wait("fssync", d, &m, 0)) code |= 8 ;
    _exit(code) ;
  }
  T(waitpid(pid, &wstat, 0) == pid && WIFEXITED(wstat), "the damage child ended") ;
  T(WIFEXITED(wstat) && !(WEXITSTATUS(wstat) & 3), "a kept map, then the state damaged and replaced") ;
  T(WIFEXITED(wstat) && !(WEXITSTATUS(wstat) & 12), "the new state mapped from its path, one descriptor, its marks good") ;
  fd = open("fssync", O_RDONLY) ;
  T(fd >= 0, "the state still there") ;
  if (fd >= 0) close(fd) ;
}

int main (void)
{
  struct stat st ;
  uint64_t fl ;
  if (!t_syncsetup(&once, "fssync")) return 111 ;
  T(tern_fssync_init("fssync") && stat("fssync", &st) == 0 && st.st_size == TERN_FSSYNC_SIZE, "init creates it") ;
  T(tern_fssync_init("fssync"), "init again: kept") ;
  T(how1("fssync") == TERN_FSSYNC_OWN, "alone: its own sync") ;
  T(ld(&S->flushes) == 1 && ld(&S->done) == 1, "one syncfs and one flush after it") ;
  t_syncwriters(TERN_FSSYNC_SHARED, TERN_FSSYNC_OWN, "a syncfs") ;
  fl = ld(&S->flushes) ;
  T(fl == ld(&S->done), "a flush after every syncfs") ;
  rules() ;
  patience() ;
  later() ;
  nolock() ;
  killed() ;
  eio() ;
  damage() ;
  keptmap() ;
  return tdone() ;
}
