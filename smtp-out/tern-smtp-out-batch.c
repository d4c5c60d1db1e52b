/* tern-smtp-out-batch.c: -m, several messages in one attempt: the list on
   stdin, one transaction after another on one connection (RSET between,
   through the so_more hook of so_session), and each message's report,
   numbered, as soon as its transaction ends.  See tern-smtp-out.8. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <skalibs/types.h>
#include <skalibs/strerr.h>
#include <skalibs/djbunix.h>
#include <skalibs/stralloc.h>
#include "tern-smtp-out.h"

#define BATCHMAX 1000
#define LISTMAX (1 << 20)

typedef struct somsg_s somsg ;
struct somsg_s
{
  char const *file, *sender ;
  uint64_t off ;
  int utf8 ;
  char const **rcpts ;
  unsigned int n ;
  sorcpt *r ;
} ;

int so_batchmode = 0 ;
static somsg *bm = 0 ;
static unsigned int bn = 0, cur = 0 ;
static char const **words = 0, **v = 0 ;
static stralloc list = STRALLOC_ZERO ;
static sorcpt *r0 = 0 ;  /* main's array: message 0's results */

static void readlist (void)
{
  for (;;)
  {
    ssize_t r ;
    if (list.len > LISTMAX) strerr_dief(100, "list of messages over 1 MiB") ;
    if (!stralloc_readyplus(&list, 65536)) strerr_diefusys(111, "allocate") ;
    r = read(0, list.s + list.len, 65536) ;
    if (r < 0 && errno == EINTR) continue ;
    if (r < 0) strerr_diefusys(111, "read the list of messages") ;
    if (!r) break ;
    list.len += r ;
  }
  if (!list.len || list.s[list.len - 1] != '\n') strerr_dief(100, "list of messages not ending with a newline") ;
}

/* splits the list in place: words[] holds every field, NULs between */
static void parse (void)
{
  size_t nw = 0, w = 0, start = 0 ;
  for (size_t i = 0 ; i < list.len ; i++) nw += list.s[i] == '\t' || list.s[i] == '\n' ;
  for (size_t i = 0 ; i < list.len ; i++) bn += list.s[i] == '\n' ;
  if (bn > BATCHMAX) strerr_dief(100, "more than 1000 messages") ;
  words = calloc(nw + bn + 1, sizeof *words) ;
  bm = calloc(bn, sizeof *bm) ;
  if (!words || !bm) strerr_diefusys(111, "allocate") ;
  for (unsigned int k = 0 ; k < bn ; k++)
  {
    somsg *m = bm + k ;
    char const **f = words + w ;
    unsigned int n = 0 ;
    for (;;)
    {
      size_t e = start + strcspn(list.s + start, "\t\n") ;
      int last = list.s[e] == '\n' ;
      list.s[e] = 0 ;
      words[w++] = list.s + start ;
      start = e + 1 ;
      n++ ;
      if (last) break ;
    }
    w++ ;  /* a null pointer after each message's recipients */
    if (n < 5 || !*f[0] || uint64_scan(f[1], &m->off) != strlen(f[1]) || (strcmp(f[2], "u") && strcmp(f[2], "-")))
      strerr_dief(100, "bad line in the list of messages: ", f[0]) ;
    m->file = f[0] ; m->utf8 = f[2][0] == 'u' ; m->sender = f[3] ; m->rcpts = f + 4 ; m->n = n - 4 ;
    for (unsigned int i = 0 ; i < m->n ; i++)
      if (!*m->rcpts[i]) strerr_dief(100, "empty recipient in the list of messages") ;
  }
}

/* direct and socks: every recipient in the domain of the first */
static void onedomain (char const *method)
{
  char const *d = 0 ;
  if (strcmp(method, "direct") && strcmp(method, "socks")) return ;
  for (unsigned int k = 0 ; k < bn ; k++)
    for (unsigned int i = 0 ; i < bm[k].n ; i++)
    {
      char const *at = strrchr(bm[k].rcpts[i], '@') ;
      if (!at || (d && strcasecmp(d, at + 1)))
      {
        stralloc sa = STRALLOC_ZERO ;
        strerr_dief(100, "recipients not in one domain: ", so_logaddr(&sa, bm[k].rcpts[i]) ? sa.s : bm[k].rcpts[i]) ;
      }
      d = at + 1 ;
    }
}

static int nonascii (char const *s, size_t n)
{
  for (size_t i = 0 ; i < n ; i++) if ((unsigned char)s[i] > 127) return 1 ;
  return 0 ;
}

static void report (sout *o, unsigned int k)
{
  char p[UINT_FMT + 1] ;
  p[uint_fmt(p, k)] = ' ' ;
  p[uint_fmt(p, k) + 1] = 0 ;
  so_report(o, p) ;
}

/* message k into o: its envelope and results, its text (main: the
   message file is fd 0, at its offset) */
static int load (sout *o, unsigned int k, int first)
{
  somsg *m = bm + k ;
  int fd ;
  o->sender = m->sender ; o->n = m->n ;
  o->needutf8 = m->utf8 ? SO_UTF8_FLAG : 0 ;
  if (nonascii(m->sender, strlen(m->sender))) o->needutf8 |= SO_UTF8_ADDR ;
  for (unsigned int i = 0 ; i < m->n ; i++) if (nonascii(m->rcpts[i], strlen(m->rcpts[i]))) o->needutf8 |= SO_UTF8_ADDR ;
  if (!first)
  {
    if (!m->r && !(m->r = calloc(m->n, sizeof *m->r))) strerr_diefusys(111, "allocate") ;
    for (unsigned int i = 0 ; i < m->n ; i++) m->r[i].addr = m->rcpts[i] ;
    o->r = m->r ;
  }
  fd = open(m->file, O_RDONLY | O_CLOEXEC) ;
  if (fd < 0 || lseek(fd, (off_t)m->off, SEEK_SET) < 0) goto err ;
  if (fd_move(0, fd) < 0) goto err ;
  fd = -1 ;
  if (first) return 1 ;
  if (!so_msg_load(o)) goto err ;
  return 1 ;
 err:
  if (fd >= 0) fd_close(fd) ;
  if (first) return 0 ;
  so_fail(o->mreply, "451 4.3.0", "unable to read the message ", m->file) ;
  for (unsigned int i = 0 ; i < m->n ; i++) { o->r[i].cls = 't' ; strcpy(o->r[i].reply, o->mreply) ; }
  report(o, k) ;
  return 0 ;
}

char const *const *so_batch_start (sout *o, char const *const *argv)
{
  unsigned int nt = 0, a = 0 ;
  readlist() ;
  parse() ;
  while (argv[nt]) nt++ ;
  if (!nt) strerr_dieusage(100, "tern-smtp-out [ -c confdir ] [ -e ehloname ] [ -a cafile ] -m transport... < list") ;
  onedomain(argv[0]) ;
  /* message 0 goes the usual way: its file on fd 0, its rcpts in argv */
  if (!load(o, 0, 1)) strerr_diefu2sys(111, "read the message ", bm[0].file) ;
  v = calloc(nt + bm[0].n + 2, sizeof *v) ;
  if (!v) strerr_diefusys(111, "allocate") ;
  for (unsigned int i = 0 ; i < nt ; i++) v[a++] = argv[i] ;
  v[a++] = "--" ;
  for (unsigned int i = 0 ; i < bm[0].n ; i++) v[a++] = bm[0].rcpts[i] ;
  v[a] = 0 ;
  return v ;
}

/* the hook of so_session after each transaction: the next message and
   1, after RSET on the same connection; 0 when there is none */
int so_more (sout *o)
{
  char buf[SO_REPLY] ;
  if (!so_batchmode || cur >= bn) return 0 ;
  if (!cur) r0 = o->r ;
  report(o, cur) ;
  do if (++cur >= bn) return 0 ;
  while (!load(o, cur, 0)) ;
  tain_addsec_g(&o->deadline, 300) ;
  if (so_cmd(o, "RSET", buf, sizeof buf) == 250) return 1 ;
  memcpy(o->mreply, buf, sizeof buf) ;
  return 0 ;
}

/* the end of the attempt: the reports not made yet (temporary) */
void so_batch_end (sout *o)
{
  if (!cur) r0 = o->r ;
  for (; cur < bn ; cur++)
  {
    somsg *m = bm + cur ;
    if (cur && !m->r)
    {
      if (!(m->r = calloc(m->n, sizeof *m->r))) strerr_diefusys(111, "allocate") ;
      for (unsigned int i = 0 ; i < m->n ; i++) m->r[i].addr = m->rcpts[i] ;
    }
    if (cur) { o->r = m->r ; o->n = m->n ; }
    report(o, cur) ;
  }
  o->r = r0 ;
  for (unsigned int k = 1 ; k < bn ; k++) free(bm[k].r) ;
  free(bm) ; free(words) ; free(v) ;
  stralloc_free(&list) ;
}
