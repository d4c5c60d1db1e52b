/* tern-gentestdata: a complete configuration and data directory for tests
   (tern-gentestdata.8); the same seed gives the same bytes.
   usage: tern-gentestdata destdir [ -seed n ]
   exit: 0 done, 100 usage or destdir exists, 111 temporary. */
#include <errno.h>
#include <ftw.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include "tern.h"
#include "tern-gentestdata.h"

#define USAGE "tern-gentestdata destdir [ -seed n ]"
#define T2024 1704067200u   /* 2024-01-01 00:00:00 UTC */

char const *gen_dest ;
uint64_t gen_t0 ;
uint64_t gen_seed = 1 ;
static uint64_t state ;

uint64_t gen_next (uint64_t *st)
{
  uint64_t z = (*st += 0x9e3779b97f4a7c15u) ;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u ;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu ;
  return z ^ (z >> 31) ;
}

uint64_t gen_rand (void)
{
  return gen_next(&state) ;
}

uint32_t gen_below (uint32_t n)
{
  return (uint32_t)(gen_rand() % n) ;
}

char const *gen_pick (char const *const *list, unsigned int n)
{
  return list[gen_below(n)] ;
}

char const *gen_path (stralloc *sa, char const *a, char const *b)
{
  sa->len = 0 ;
  if (!stralloc_cats(sa, a) || !stralloc_catb(sa, "/", 1) || !stralloc_cats(sa, b) || !stralloc_0(sa))
    strerr_diefusys(111, "allocate") ;
  return sa->s ;
}

void gen_die (int r, char const *what, char const *arg)
{
  if (r) strerr_diefusys(111, what, arg) ;
}

/* every file and directory gets the generation time; directories after
   their contents, so that nothing changes them afterwards */
static int settime (char const *path, struct stat const *st, int flag, struct FTW *f)
{
  struct timespec ts[2] = { { .tv_sec = (time_t)gen_t0, .tv_nsec = 0 }, { .tv_sec = (time_t)gen_t0, .tv_nsec = 0 } } ;
  (void)st ; (void)flag ; (void)f ;
  if (utimensat(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW) < 0) strerr_diefusys(111, "set the time of ", path) ;
  return 0 ;
}

static char const *absolute (char const *dest, stralloc *sa)
{
  char cwd[4096] ;
  if (dest[0] == '/') return dest ;
  if (!getcwd(cwd, sizeof cwd)) strerr_diefusys(111, "get the current directory") ;
  return gen_path(sa, cwd, dest) ;
}

static void args (int argc, char const *const *argv)
{
  for (int i = 1 ; i < argc ; i++)
  {
    if (!strcmp(argv[i], "-seed"))
    {
      if (++i >= argc || !argv[i][0] || argv[i][uint64_scan(argv[i], &gen_seed)]) strerr_dieusage(100, USAGE) ;
    }
    else if (!strcmp(argv[i], "-h"))
    {
      if (write(1, "usage: " USAGE "\n", sizeof("usage: " USAGE "\n") - 1) < 0) strerr_diefusys(111, "write to stdout") ;
      _exit(0) ;
    }
    else if (argv[i][0] == '-' || gen_dest || !argv[i][0]) strerr_dieusage(100, USAGE) ;
    else gen_dest = argv[i] ;
  }
  if (!gen_dest) strerr_dieusage(100, USAGE) ;
}

int main (int argc, char const *const *argv)
{
  stralloc sa = STRALLOC_ZERO ;
  PROG = "tern-gentestdata" ;
  args(argc, argv) ;
  gen_dest = absolute(gen_dest, &sa) ;
  umask(022) ;
  state = gen_seed ;
  /* the start time: a second of 2024 from the seed; everything is dated
     in the 30 days before start + 30 days, the generation time */
  gen_t0 = T2024 + gen_rand() % (300u * 86400u) + 30u * 86400u ;
  if (mkdir(gen_dest, 0755) < 0)
  {
    if (errno == EEXIST) strerr_dief(100, gen_dest, " exists") ;
    strerr_diefusys(111, "create ", gen_dest) ;
  }
  gen_conf() ;
  gen_mail() ;
  gen_junk() ;
  gen_queue() ;
  if (nftw(gen_dest, &settime, 16, FTW_DEPTH | FTW_PHYS) < 0) strerr_diefusys(111, "walk ", gen_dest) ;
  gen_queue_times() ;   /* state files have their next attempt as their time */
  return 0 ;
}
