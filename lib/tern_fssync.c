/* tern_fssync: group commit of syncfs across processes (tern_fssync.h):
   a committer whose writes a sync of the same file system covers (begun
   after them, through a descriptor old enough to see their errors) returns
   without one of its own; else it syncs under the slot's lock, for all. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include "tern.h"
#include "tern_fssync.h"

#define NSLOTS ((TERN_FSSYNC_SIZE - 64) / 64)
#define HUGE ((uint64_t)1 << 62)  /* a count no real queue reaches: damage */
unsigned int tern_fssync_patience = 0 ;

#define LD(p) __atomic_load_n((p), __ATOMIC_SEQ_CST)
#define ST(p, v) __atomic_store_n((p), (v), __ATOMIC_SEQ_CST)

/* read once: a commit per message need not search the environment */
int tern_fssync_on (void)
{
  static int on = -1 ;
  if (on < 0)
  {
    char const *s = getenv("TERN_SYNC") ;
    on = s && !strcmp(s, "syncfs") ;
  }
  return on ;
}


/* our own sync: every dirty page and inode of the file system, then a
   device flush that comes after the last of those writes */
static int dosync (int fd)
{
  return syncfs(fd) == 0 && fdatasync(fd) == 0 ;
}

int tern_fssync_keepmap = 0 ;

/* STATE's slot for fd's file system, mapped: 1, or 0 if it cannot serve;
   unmap releases it (errno kept).  With tern_fssync_keepmap the mapping
   and its descriptor stay for the next calls (one fstat of fd each, not
   six calls): kept, while STATE is the same path and the map still
   starts with the magic (a damaged file is mapped again from its path,
   which tern_fssync_init may have replaced). */
typedef struct mapped_s mapped ;
struct mapped_s { unsigned char *map ; uint64_t *slot ; unsigned int i ; dev_t dev ; int sfd ; int kept ; } ;
static struct { char *path ; unsigned char *map ; int sfd ; } keep = { .path = 0, .map = 0, .sfd = -1 } ;

static void keepdrop (void)
{
  if (keep.map) munmap(keep.map, TERN_FSSYNC_SIZE) ;
  if (keep.sfd >= 0) close(keep.sfd) ;
  free(keep.path) ;
  keep.path = 0 ; keep.map = 0 ; keep.sfd = -1 ;
}

static int mapfile (char const *state, mapped *x)
{
  struct stat st ;
  x->sfd = open(state, O_RDWR | O_CLOEXEC | O_NOFOLLOW) ;
  if (x->sfd < 0) return 0 ;
  if (fstat(x->sfd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size != TERN_FSSYNC_SIZE) goto err ;
  x->map = mmap(0, TERN_FSSYNC_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, x->sfd, 0) ;
  if (x->map == MAP_FAILED) goto err ;
  if (memcmp(x->map, TERN_FSSYNC_MAGIC, sizeof TERN_FSSYNC_MAGIC)) { munmap(x->map, TERN_FSSYNC_SIZE) ; goto err ; }
  return 1 ;
 err:
  close(x->sfd) ;
  return 0 ;
}

static int map (char const *state, int fd, mapped *x)
{
  struct stat st ;
  if (!state || fstat(fd, &st) < 0) return 0 ;
  x->dev = st.st_dev ;
  x->kept = 0 ;
  if (keep.map && tern_fssync_keepmap && !strcmp(keep.path, state) && !memcmp(keep.map, TERN_FSSYNC_MAGIC, sizeof TERN_FSSYNC_MAGIC))
  {
    x->map = keep.map ;
    x->sfd = keep.sfd ;
    x->kept = 1 ;
  }
  else
  {
    if (keep.map) keepdrop() ;
    if (!mapfile(state, x)) return 0 ;
    if (tern_fssync_keepmap && (keep.path = strdup(state)))
    {
      keep.map = x->map ;
      keep.sfd = x->sfd ;
      x->kept = 1 ;
    }
  }
  x->i = (unsigned int)(((uint64_t)x->dev * 0x9e3779b97f4a7c15ull >> 7) % NSLOTS) ;
  x->slot = (uint64_t *)(x->map + 64 + 64 * x->i) ;
  return 1 ;
}

static void unmap (mapped *x)
{
  int e = errno ;
  if (x->kept) return ;
  munmap(x->map, TERN_FSSYNC_SIZE) ;
  close(x->sfd) ;
  errno = e ;
}

void tern_fssync_begin (char const *state, int fd, tern_fssync *m)
{
  mapped x ;
  uint64_t *slot ;
  m->ok = m->aok = 0 ;
  if (!map(state, fd, &x)) return ;
  slot = x.slot ;
  /* fd was opened before this ticket was taken: a sync through it sees
     every error of files written after a later ticket */
  m->gen = LD(slot + TERN_FSSYNC_GEN) ;
  m->sync = LD(slot + TERN_FSSYNC_STARTED) ;
  /* the first sync that may meet our writes: the last one begun if it is
     still running (read after it: one that ended did so before them) */
  if (LD(slot + TERN_FSSYNC_DONE) == m->sync || LD(slot + TERN_FSSYNC_FAILED) == m->sync) m->sync++ ;
  m->ticket = __atomic_add_fetch(slot + TERN_FSSYNC_TICKETS, 1, __ATOMIC_SEQ_CST) ;
  m->dticket = m->ticket ;
  m->ok = m->ticket < HUGE && m->sync < HUGE ;
  unmap(&x) ;
}

void tern_fssync_written (char const *state, int fd, tern_fssync *m)
{
  mapped x ;
  m->aok = 0 ;
  if (!map(state, fd, &x)) return ;
  /* read after the writes: a sync numbered above it began after them */
  if (LD(x.slot + TERN_FSSYNC_GEN) == m->gen)
  {
    m->after = LD(x.slot + TERN_FSSYNC_STARTED) ;
    m->aok = 1 ;
  }
  unmap(&x) ;
}

void tern_fssync_again (char const *state, int fd, tern_fssync *m)
{
  tern_fssync old = *m ;
  tern_fssync_begin(state, fd, m) ;
  /* fd was opened before its first ticket; after a reset that ticket
     compares with nothing: the new one, younger than fd, is safe */
  if (m->ok && old.ok && old.gen == m->gen && old.dticket < m->dticket) m->dticket = old.dticket ;
}

/* damaged counters: zeroed, the generation bumped (marks taken before
   no longer compare with them) */
static void reset (uint64_t *slot)
{
  uint64_t g = LD(slot + TERN_FSSYNC_GEN) ;
  for (unsigned int k = 0 ; k < 6 ; k++) ST(slot + k, 0) ;
  ST(slot + TERN_FSSYNC_GEN, g + 1) ;
}

/* the slot's lock held: SHARED, OWN, or -1 (errno) if our sync or one
   that may have met our writes failed; s: started read after the writes */
static int underlock (uint64_t *slot, uint64_t s, dev_t dev, int fd, tern_fssync const *m)
{
  uint64_t st = LD(slot + TERN_FSSYNC_STARTED), k ;
  uint64_t d = LD(slot + TERN_FSSYNC_DONE), f = LD(slot + TERN_FSSYNC_FAILED) ;
  int trust = m->ok && LD(slot + TERN_FSSYNC_GEN) == m->gen ;
  if (d > st || f > st || st >= HUGE || LD(slot + TERN_FSSYNC_TICKETS) >= HUGE) { reset(slot) ; trust = 0 ; }
  else if (trust && (s > st || m->sync > st + 1)) trust = 0 ;
  if (trust && f && f >= m->sync) return (errno = EIO, -1) ;
  if (trust && d > s && slot[TERN_FSSYNC_DEV] == (uint64_t)dev && LD(slot + TERN_FSSYNC_DTICKET) < m->ticket)
    return TERN_FSSYNC_SHARED ;
  if (tern_fssync_patience)
  {
    /* whoever renames meanwhile reads started before our increment: our
       sync covers it */
    struct timespec ts = { .tv_sec = 0, .tv_nsec = (long)(tern_fssync_patience % 1000000) * 1000 } ;
    nanosleep(&ts, 0) ;
  }
  k = LD(slot + TERN_FSSYNC_STARTED) + 1 ;
  ST(slot + TERN_FSSYNC_STARTED, k) ;
  if (!dosync(fd))
  {
    int e = errno ;
    ST(slot + TERN_FSSYNC_FAILED, k) ;
    return (errno = e, -1) ;
  }
  ST(slot + TERN_FSSYNC_DEV, (uint64_t)dev) ;
  /* marks of another generation order nothing: it covers nobody */
  ST(slot + TERN_FSSYNC_DTICKET, trust ? m->dticket : HUGE) ;
  ST(slot + TERN_FSSYNC_DONE, k) ;
  return TERN_FSSYNC_OWN ;
}

/* without the lock: 1 if the last sync covers us and none is running
   (started == done, read twice around the rest: a sync that began meanwhile
   may have written dev and dticket, so its numbers must not have moved);
   else 0, and the lock decides.  For committers that find a sync done
   while another holds the lock (waiting for more commits, patience). */
static int covered (uint64_t *slot, uint64_t s, dev_t dev, tern_fssync const *m)
{
  uint64_t st = LD(slot + TERN_FSSYNC_STARTED), d = LD(slot + TERN_FSSYNC_DONE) ;
  uint64_t dv, dt, f, g ;
  if (!m->ok || d != st || d <= s || d >= HUGE || m->sync > st + 1) return 0 ;
  g = LD(slot + TERN_FSSYNC_GEN) ;
  dv = LD(slot + TERN_FSSYNC_DEV) ;
  dt = LD(slot + TERN_FSSYNC_DTICKET) ;
  f = LD(slot + TERN_FSSYNC_FAILED) ;
  if (LD(slot + TERN_FSSYNC_STARTED) != st || LD(slot + TERN_FSSYNC_DONE) != d) return 0 ;
  return g == m->gen && dv == (uint64_t)dev && dt < m->ticket && (!f || f < m->sync) && f <= st ;
}

int tern_fssync_wait (char const *state, int fd, tern_fssync const *m, unsigned int *how)
{
  mapped x ;
  int r = TERN_FSSYNC_PLAIN ;
  if (map(state, fd, &x))
  {
    /* read after our writes (or earlier, but after them: written): a sync
       numbered above s began after them */
    uint64_t s = LD(x.slot + TERN_FSSYNC_STARTED) ;
    if (m->aok && m->after < s) s = m->after ;
    if (covered(x.slot, s, x.dev, m)) r = TERN_FSSYNC_SHARED ;
    else if (tern_statefile_lock(x.sfd, x.i, F_WRLCK))
    {
      int e ;
      r = underlock(x.slot, s, x.dev, fd, m) ;
      e = errno ;
      tern_statefile_lock(x.sfd, x.i, F_UNLCK) ;
      errno = e ;
    }
    unmap(&x) ;
  }
  if (r == TERN_FSSYNC_PLAIN && !dosync(fd)) r = -1 ;
  if (r < 0) return 0 ;
  if (how) *how = (unsigned int)r ;
  return 1 ;
}

int tern_fssync_init (char const *state)
{
  return tern_statefile_init(state, TERN_FSSYNC_SIZE, TERN_FSSYNC_MAGIC) ;
}
