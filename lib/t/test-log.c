/* test-log: value quoting, whole lines captured from fd 2, and lines from
   concurrent processes that must not interleave. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <skalibs/strerr.h>
#include "tern.h"
#include "tern_addr.h"
#include "tern_log.h"
#include "t.h"

static struct { char const *in ; char const *out ; } const vals[] =
{
  { "plain", "plain" },
  { "<a@b.example>", "<a@b.example>" },
  { "", "\"\"" },
  { "a b", "\"a b\"" },
  { "a=b", "\"a=b\"" },
  { "say \"hi\"", "\"say \\\"hi\\\"\"" },
  { "back\\slash", "\"back\\\\slash\"" },
  { "two\nlines\r\tx", "\"two\\nlines\\r\\tx\"" },
  { "bell\a\x1b", "\"bell\\x07\\x1b\"" },
  { "del\x7f", "\"del\\x7f\"" },
  { "møx", "\"møx\"" },
  { "☺ ok", "\"☺ ok\"" },
  { "bad\xff\xc3", "\"bad\\xff\\xc3\"" },
  { "c1\xc2\x85", "\"c1\\xc2\\x85\"" },
  { "rlo\xe2\x80\xae", "\"rlo\\xe2\\x80\\xae\"" },
  { "overlong\xc0\xaf", "\"overlong\\xc0\\xaf\"" },
} ;

/* run f with fd 2 on a temporary file; return what it wrote */
static char *capture (void (*f)(void))
{
  static char buf[8192] ;
  char name[] = "/tmp/tern-test-log.XXXXXX" ;
  int fd = mkstemp(name), save = dup(2) ;
  ssize_t r ;
  if (fd < 0 || save < 0) return 0 ;
  unlink(name) ;
  dup2(fd, 2) ;
  f() ;
  dup2(save, 2) ;
  close(save) ;
  r = pread(fd, buf, sizeof buf - 1, 0) ;
  close(fd) ;
  if (r < 0) return 0 ;
  buf[r] = 0 ;
  return buf ;
}

static void lines (void)
{
  tern_log_info("accept", "id", "4F2A", "from", "<a@b.example>", "nrcpt", "2", TERN_LOG_END) ;
  tern_log_warn("reject", "reason", "no such user", "ip", 0, TERN_LOG_END) ;
  tern_log_info(0, "k", "v", TERN_LOG_END) ;
  tern_log_info("bare", TERN_LOG_END) ;
}

static void addrline (void)
{
  tern_addr a = TERN_ADDR_ZERO ;
  stralloc sa = STRALLOC_ZERO ;
  if (tern_addr_parse(&a, "møx@example.com", 16, TERN_ADDR_UTF8) == TERN_OK
   && tern_addr_logfmt(&sa, &a) && stralloc_0(&sa))
    tern_log_info("rcpt", "to", sa.s, TERN_LOG_END) ;
  stralloc_free(&sa) ;
  tern_addr_free(&a) ;
}

/* 4 processes x 300 lines on one pipe: every line must arrive whole */
static void concurrent (void)
{
  char big[2000] ;
  stralloc in = STRALLOC_ZERO ;
  int p[2], save = dup(2), bad = 0, n = 0 ;
  char buf[4096] ;
  ssize_t r ;
  size_t i, start = 0 ;
  memset(big, 'x', sizeof big - 1) ; big[sizeof big - 1] = 0 ;
  T(!pipe(p) && save >= 0, "pipe") ;
  dup2(p[1], 2) ;
  for (i = 0 ; i < 4 ; i++)
    if (!fork())
    {
      for (int j = 0 ; j < 300 ; j++) tern_log_info("flood", "v", big, TERN_LOG_END) ;
      _exit(0) ;
    }
  dup2(save, 2) ;
  close(p[1]) ;
  while ((r = read(p[0], buf, sizeof buf)) > 0) stralloc_catb(&in, buf, r) ;
  while (wait(0) > 0) ;
  for (i = 0 ; i < in.len ; i++)
    if (in.s[i] == '\n')
    {
      n++ ;
      if (i - start != 24 + sizeof big - 1) bad++ ;
      start = i + 1 ;
    }
  T(n == 1200, "1200 lines arrived") ;
  T(!bad, "no line was interleaved") ;
  stralloc_free(&in) ;
}

int main (void)
{
  stralloc sa = STRALLOC_ZERO ;
  char const *out ;
  unsigned int i ;
  PROG = "test-log" ;
  for (i = 0 ; i < sizeof vals / sizeof *vals ; i++)
  {
    sa.len = 0 ;
    T(tern_log_catvalue(&sa, vals[i].in, strlen(vals[i].in)), "catvalue") ;
    T(sa.len == strlen(vals[i].out) && !memcmp(sa.s, vals[i].out, sa.len), vals[i].out) ;
  }
  out = capture(lines) ;
  T(out && !strcmp(out,
    "test-log: info: accept id=4F2A from=<a@b.example> nrcpt=2\n"
    "test-log: warning: reject reason=\"no such user\" ip=\"\"\n"
    "test-log: info: k=v\n"
    "test-log: info: bare\n"), "captured lines") ;
  out = capture(addrline) ;
  T(out && !strcmp(out, "test-log: info: rcpt to=\"møx@example.com/\\\"m\\\\u00f8x\\\"@example.com\"\n"),
    "address in a log line") ;
  concurrent() ;
  stralloc_free(&sa) ;
  return tdone() ;
}
