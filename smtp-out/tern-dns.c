/* tern-dns: DNS lookups for delivery (tern-dns.8), the one program linked
   with libowfat (never with skalibs or libtern).
   usage: tern-dns [ -t seconds ] mx|ip|txt|ptr NAME
   stdout: result lines.  exit: 0 printed, 100 permanent, 111 temporary. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <dns.h>
#include <scan.h>
#include "tern-dns.h"

#define USAGE "tern-dns [ -t seconds ] mx|ip|txt|ptr name"

/* One line on stderr: "tern-dns: " then the parts. */
static void put (char const *a, char const *b, char const *c, char const *d, char const *e, char const *f)
{
  stralloc s = { 0, 0, 0 } ;
  if (stralloc_cats(&s, "tern-dns: ") && stralloc_cats(&s, a) && stralloc_cats(&s, b) && stralloc_cats(&s, c)
   && stralloc_cats(&s, d) && stralloc_cats(&s, e) && stralloc_cats(&s, f) && stralloc_cats(&s, "\n")
   && write(2, s.s, s.len) < 0) { }  /* nowhere else to say it */
  stralloc_free(&s) ;  /* a warning no longer ends the run */
}

void dq_warn (char const *a, char const *b) { put("warning: ", a, b, "", "", "") ; }
void dq_warnsys (char const *a, char const *b) { put("warning: ", a, b, ": ", strerror(errno), "") ; }

void dq_die (int code, char const *a, char const *b)
{
  put("fatal: ", a, b, "", "", "") ;
  _exit(code) ;
}

void dq_diesys (char const *a, char const *b)
{
  char const *e = strerror(errno) ;
  put("fatal: ", a, b, ": ", e, "") ;
  _exit(111) ;
}

static void usage (int code)
{
  if (!code) { if (write(1, "usage: " USAGE "\n", sizeof("usage: " USAGE "\n") - 1) < 0) _exit(111) ; _exit(0) ; }
  put("usage: ", USAGE, "", "", "", "") ;
  _exit(100) ;
}

static void seed (void)
{
  char r[128] ;
  int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC) ;
  if (fd < 0 || read(fd, r, sizeof r) != (ssize_t)sizeof r) dq_diesys("unable to read ", "/dev/urandom") ;
  close(fd) ;
  dns_random_init(r) ;
}

int main (int argc, char const *const *argv)
{
  stralloc out = { 0, 0, 0 } ;
  unsigned long secs = 30 ;
  char const *cmd, *name, *why = 0 ;
  int i = 1 ;
  if (argc >= 2 && !strcmp(argv[1], "-h")) usage(0) ;
  if (argc >= 3 && !strcmp(argv[1], "-t"))
  {
    size_t n = scan_ulong(argv[2], &secs) ;
    if (!n || argv[2][n] || !secs || secs > 3600) dq_die(100, "bad time limit: ", argv[2]) ;
    i = 3 ;
  }
  if (argc - i != 2) usage(1) ;
  cmd = argv[i] ; name = argv[i + 1] ;
  seed() ;
  taia_now(&dq_total) ;
  taia_addsec(&dq_total, &dq_total, (long)secs) ;
  dq_deadline = dq_total ;
  if (!strcmp(cmd, "mx"))
  {
    int code = dq_mx(name, &out, &why) ;
    char const *e = code == 111 && errno ? strerror(errno) : 0 ;
    if (code)
    {
      put("fatal: ", why, ": ", name, e ? ": " : "", e ? e : "") ;
      if (out.len && write(1, out.s, out.len) != (ssize_t)out.len) _exit(111) ;
      _exit(code) ;
    }
  }
  else if (!strcmp(cmd, "ip")) dq_ip(name, &out) ;
  else if (!strcmp(cmd, "txt")) dq_txt(name, 0, &out) ;
  else if (!strcmp(cmd, "ptr")) dq_txt(name, 1, &out) ;
  else usage(1) ;
  if (out.len && write(1, out.s, out.len) != (ssize_t)out.len) dq_diesys("unable to write to ", "stdout") ;
  stralloc_free(&out) ;
  dq_end() ;
  return 0 ;
}
