/* facts: the machine facts smtp.bench depends on, measured now.
   usage: bin/t/machine-facts [dir]   (dir: where the fsync test writes, default .)
   stdout: one line "machine: ..." with microseconds per operation: fork, fork
   of a 1 MiB process that both write, exec, durable write, clock read.
   exit 0, 111 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

static double now (void)
{
  struct timespec ts ;
  clock_gettime(CLOCK_MONOTONIC, &ts) ;
  return (double)ts.tv_sec + ts.tv_nsec / 1e9 ;
}

/* microseconds per fork (child execs /bin/true when ex, else _exits) and wait */
static double spawn (unsigned int n, int ex)
{
  double t = now() ;
  for (unsigned int i = 0 ; i < n ; i++)
  {
    int w ;
    pid_t pid = fork() ;
    if (pid < 0) return -1 ;
    if (!pid)
    {
      if (ex) execl("/bin/true", "true", (char *)0) ;
      _exit(0) ;
    }
    while (waitpid(pid, &w, 0) < 0) if (errno != EINTR) return -1 ;
  }
  return (now() - t) * 1e6 / n ;
}

/* microseconds per fork and wait of a process holding 1 MiB of written
   memory, whose child writes all of it (a copy-on-write fault per page, as
   a forked session touching its zygote's heap) and exits */
static double bigfork (unsigned int n)
{
  size_t const len = 1 << 20 ;
  char *mem = malloc(len) ;
  double t ;
  if (!mem) return -1 ;
  memset(mem, 1, len) ;
  t = now() ;
  for (unsigned int i = 0 ; i < n ; i++)
  {
    int w ;
    pid_t pid = fork() ;
    if (pid < 0) { free(mem) ; return -1 ; }
    if (!pid)
    {
      memset(mem, 2, len) ;
      _exit(mem[len - 1] != 2) ;
    }
    while (waitpid(pid, &w, 0) < 0) if (errno != EINTR) { free(mem) ; return -1 ; }
  }
  t = (now() - t) * 1e6 / n ;
  free(mem) ;
  return t ;
}

/* nanoseconds per clock_gettime(CLOCK_REALTIME) (skalibs' tain_now: a
   session makes about 40 per message; dear where the vDSO cannot serve it) */
static double clockread (unsigned int n)
{
  struct timespec ts ;
  double t = now() ;
  for (unsigned int i = 0 ; i < n ; i++) clock_gettime(CLOCK_REALTIME, &ts) ;
  return (now() - t) * 1e9 / n ;
}

/* microseconds per 1 KiB written, fsynced, renamed, directory fsynced */
static double durable (char const *dir, unsigned int n)
{
  char tmp[4096], dst[4096], buf[1024] ;
  double t ;
  int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) ;
  if (dfd < 0) return -1 ;
  memset(buf, 'x', sizeof buf) ;
  snprintf(tmp, sizeof tmp, "%s/facts.tmp.%d", dir, (int)getpid()) ;
  t = now() ;
  for (unsigned int i = 0 ; i < n ; i++)
  {
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600) ;
    snprintf(dst, sizeof dst, "%s/facts.%d.%u", dir, (int)getpid(), i) ;
    if (fd < 0 || write(fd, buf, sizeof buf) != sizeof buf || fsync(fd) < 0 || close(fd) < 0
     || rename(tmp, dst) < 0 || fsync(dfd) < 0) { close(dfd) ; return -1 ; }
  }
  t = (now() - t) * 1e6 / n ;
  for (unsigned int i = 0 ; i < n ; i++)
  {
    snprintf(dst, sizeof dst, "%s/facts.%d.%u", dir, (int)getpid(), i) ;
    unlink(dst) ;
  }
  close(dfd) ;
  return t ;
}

int main (int argc, char const *const *argv)
{
  double f = spawn(1000, 0), b = bigfork(500), e = spawn(500, 1), d = durable(argc > 1 ? argv[1] : ".", 200) ;
  double c = clockread(100000) ;
  if (f < 0 || b < 0 || e < 0 || d < 0) { fprintf(stderr, "machine-facts: fatal: %s\n", strerror(errno)) ; return 111 ; }
  printf("machine: fork+exit+wait %.0f us, same with 1 MiB written by parent and child %.0f us,"
    " fork+exec /bin/true+wait %.0f us, 1 KiB write+fsync+rename+dir fsync %.0f us, clock_gettime %.0f ns\n", f, b, e, d, c) ;
  return 0 ;
}
