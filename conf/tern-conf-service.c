/* tern-conf-service: printservice and installservice, the s6 service tree
   (and its systemd unit) for the daemons of the configuration in
   config.cdb; see tern-conf(8), SERVICE TREE. */
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>
#include <skalibs/buffer.h>
#include <skalibs/stralloc.h>
#include "tern.h"
#include "tern_conf.h"
#include "tern-conf.h"

#define MAXLISTEN 32
#define USAGEP "tern-conf [ -c confdir ] printservice [ -d svcdir ] [ -l logdir ]"
#define USAGEI "tern-conf [ -c confdir ] installservice [ -f ] [ -l logdir ] svcdir"

static char const *const kinds[] = { "smtp", "submission", "submissions", "imap", "imaps" } ;
static char const *const defport[] = { "25", "587", "465", "143", "993" } ;
static char const *const ukeys[SVC_NUSERS] = { "user", "smtp-user", "tls-user", "log-user" } ;
static char const *const udefs[SVC_NUSERS] = { "tern", "tern-smtpd", "tern-tls", "tern-log" } ;

typedef struct conf_s conf ;
struct conf_s
{
  char bin[PATH_MAX], confabs[PATH_MAX], svcabs[PATH_MAX + 16] ;
  char users[SVC_NUSERS][256] ;
  char tls[4][PATH_MAX] ;
  char junk[PATH_MAX] ;
  char listen[MAXLISTEN][128] ;
  char names[MAXLISTEN][32] ;
  svclisten l[MAXLISTEN] ;
  unsigned int nl ;
} ;

static conf C ;

/* Copies the n-th value (0-based) of global key into buf; 1, 0 absent. */
static int global (tern_conf const *c, char const *key, unsigned int n, char *buf, size_t max)
{
  char k[64] = "g:" ;
  cdb_find_state st = CDB_FIND_STATE_ZERO ;
  cdb_data d ;
  size_t klen = strlen(key) ;
  int r = 0 ;
  memcpy(k + 2, key, klen) ;
  for (unsigned int i = 0 ; i <= n ; i++)
  {
    r = tern_conf_findnext(c, k, klen + 2, &d, &st) ;
    if (r < 0) strerr_diefu2sys(111, "read ", c->path.s) ;
    if (!r) return 0 ;
  }
  if (d.len >= max) strerr_dief(100, "value too long in config.cdb: ", k) ;
  memcpy(buf, d.s, d.len) ;
  buf[d.len] = 0 ;
  return 1 ;
}

static void user (svcuser *u, char *v, char const *key)
{
  int digits = 1 ;
  if (!*v || *v == '-') strerr_dief(100, "bad ", key, ": ", v) ;
  for (char const *s = v ; *s ; s++)
  {
    if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-", *s))
      strerr_dief(100, "bad ", key, ": ", v) ;
    if (*s < '0' || *s > '9') digits = 0 ;
  }
  u->name = v ;
  /* a value that is no known user is a number, both uid and gid */
  u->numeric = digits && !getpwnam(v) ;
  if (u->numeric && (strlen(v) > 10 || strtoul(v, 0, 10) > 2147483647UL)) strerr_dief(100, "bad ", key, ": ", v) ;
}

/* "SERVICE IP PORT" values into C.l; with none, every service on 0.0.0.0 */
static void listens (tern_conf const *c)
{
  unsigned int count[5] = { 0 } ;
  for (C.nl = 0 ; C.nl < MAXLISTEN && global(c, "listen", C.nl, C.listen[C.nl], sizeof C.listen[0]) ; C.nl++)
  {
    svclisten *l = &C.l[C.nl] ;
    char *sp = strchr(C.listen[C.nl], ' '), *sp2 = sp ? strchr(sp + 1, ' ') : 0 ;
    if (!sp2) strerr_dief(100, "bad listen value in config.cdb: ", C.listen[C.nl]) ;
    *sp = *sp2 = 0 ;
    for (l->kind = 0 ; l->kind < 5 && strcmp(kinds[l->kind], C.listen[C.nl]) ; l->kind++) ;
    if (l->kind == 5) strerr_dief(100, "bad listen service in config.cdb: ", C.listen[C.nl]) ;
    l->ip = sp + 1 ; l->port = sp2 + 1 ;
  }
  if (!C.nl)
    for (; C.nl < 5 ; C.nl++)
    {
      C.l[C.nl].kind = C.nl ; C.l[C.nl].ip = "0.0.0.0" ; C.l[C.nl].port = defport[C.nl] ;
    }
  for (unsigned int i = 0 ; i < C.nl ; i++)
  {
    unsigned int n = ++count[C.l[i].kind] ;
    size_t k = strlen(kinds[C.l[i].kind]) ;
    memcpy(C.names[i], kinds[C.l[i].kind], k + 1) ;
    if (n > 1) { C.names[i][k] = '-' ; C.names[i][k + 1] = '0' + n % 10 ; C.names[i][k + 2] = 0 ; }
    C.l[i].name = C.names[i] ;
  }
}

static void selfdir (char *dir)
{
  ssize_t n = readlink("/proc/self/exe", dir, PATH_MAX - 1) ;
  char *slash ;
  if (n < 0) strerr_diefu1sys(111, "read /proc/self/exe") ;
  dir[n] = 0 ;
  slash = strrchr(dir, '/') ;
  if (slash) *slash = 0 ;
}

/* s6-svscan's absolute path, for the unit */
static char const *svscan (void)
{
  static char const *const dirs[] = { "/usr/bin/s6-svscan", "/bin/s6-svscan", "/usr/local/bin/s6-svscan" } ;
  for (unsigned int i = 0 ; i < 3 ; i++) if (!access(dirs[i], X_OK)) return dirs[i] ;
  return dirs[0] ;
}

static void load (svcgen *g, char const *confdir, char const *svcdir, char const *logdir)
{
  tern_conf c = TERN_CONF_ZERO ;
  if (!tern_conf_open(&c, confdir)) strerr_diefu3sys(111, "read ", confdir, "/config.cdb") ;
  if (!realpath(confdir, C.confabs)) strerr_diefu2sys(111, "resolve ", confdir) ;
  selfdir(C.bin) ;
  for (unsigned int i = 0 ; i < SVC_NUSERS ; i++)
  {
    if (!global(&c, ukeys[i], 0, C.users[i], sizeof C.users[i])) strcpy(C.users[i], udefs[i]) ;
    user(&g->user[i], C.users[i], ukeys[i]) ;
  }
  for (g->ntls = 0 ; g->ntls < 2 && global(&c, "tls-cert", g->ntls, C.tls[2 * g->ntls], PATH_MAX) ; g->ntls++)
  {
    if (!global(&c, "tls-key", g->ntls, C.tls[2 * g->ntls + 1], PATH_MAX))
      strerr_dief(100, "a tls-cert without its tls-key in config.cdb") ;
    g->tlscert[g->ntls] = C.tls[2 * g->ntls] ; g->tlskey[g->ntls] = C.tls[2 * g->ntls + 1] ;
  }
  g->junksock = global(&c, "junk-socket", 0, C.junk, sizeof C.junk) ? C.junk : 0 ;
  listens(&c) ;
  tern_conf_close(&c) ;
  if (!svcdir)
  {
    memcpy(C.svcabs, C.confabs, strlen(C.confabs)) ;
    strcpy(C.svcabs + strlen(C.confabs), "/service") ;
    svcdir = C.svcabs ;
  }
  g->bin = C.bin ; g->conf = C.confabs ; g->svcdir = svcdir ; g->logdir = logdir ; g->svscan = svscan() ;
}

/* The whole tree into g->files; listeners without TLS where TLS is a must
   are left out with a warning. */
static void generate (svcgen *g)
{
  for (unsigned int i = 0 ; i < C.nl ; i++)
  {
    if (!g->ntls && (C.l[i].kind == SVC_SUBMISSIONS || C.l[i].kind == SVC_IMAPS))
    {
      strerr_warnw3x("no tls-cert in the configuration: no service ", C.l[i].name, " (implicit TLS)") ;
      continue ;
    }
    svc_listen(g, &C.l[i]) ;
  }
  svc_queue(g) ;
  if (g->junksock) svc_junk(g) ;
  svc_unit(g) ;
}

static char const *absolute (char const *dir, char *buf)
{
  if (dir[0] == '/') return dir ;
  if (!getcwd(buf, PATH_MAX)) strerr_diefu1sys(111, "getcwd") ;
  if (strlen(buf) + strlen(dir) + 2 > PATH_MAX) strerr_dief(100, "path too long: ", dir) ;
  strcat(buf, "/") ; strcat(buf, dir) ;
  return buf ;
}

void cmd_printservice (char const *confdir, int argc, char const *const *argv)
{
  subgetopt o = SUBGETOPT_ZERO ;
  svcgen g = { .files = STRALLOC_ZERO } ;
  char const *svcdir = 0, *logdir = "/var/log/tern" ;
  char buf[2][PATH_MAX] ;
  for (int opt ; (opt = subgetopt_r(argc, argv, "d:l:", &o)) != -1 ;)
    if (opt == 'd') svcdir = absolute(o.arg, buf[0]) ;
    else if (opt == 'l') logdir = absolute(o.arg, buf[1]) ;
    else strerr_dieusage(100, USAGEP) ;
  if (o.ind != argc) strerr_dieusage(100, USAGEP) ;
  load(&g, confdir, svcdir, logdir) ;
  generate(&g) ;
  for (size_t i = 0 ; i < g.files.len ;)
  {
    char const *path = g.files.s + i, *mode = path + strlen(path) + 1, *text = mode + strlen(mode) + 1 ;
    if (buffer_puts(buffer_1, "==> ") < 0 || buffer_puts(buffer_1, path) < 0 || buffer_puts(buffer_1, " ") < 0
     || buffer_puts(buffer_1, mode) < 0 || buffer_puts(buffer_1, " <==\n") < 0 || buffer_puts(buffer_1, text) < 0)
      strerr_diefusys(111, "write to stdout") ;
    i = (text - g.files.s) + strlen(text) + 1 ;
  }
  if (!buffer_flush(buffer_1)) strerr_diefusys(111, "write to stdout") ;
  stralloc_free(&g.files) ;
}

/* Writes the records under dir: each file through a temporary and a
   rename; refuses (100) if one exists and !force. */
static void install (svcgen const *g, char const *dir, int force)
{
  for (int pass = 0 ; pass < 2 ; pass++)
    for (size_t i = 0 ; i < g->files.len ;)
    {
      char const *path = g->files.s + i, *mode = path + strlen(path) + 1, *text = mode + strlen(mode) + 1 ;
      size_t dl = strlen(dir), pl = strlen(path) ;
      char full[dl + pl + 2] ;
      struct stat st ;
      memcpy(full, dir, dl) ; full[dl] = '/' ; memcpy(full + dl + 1, path, pl + 1) ;
      i = (text - g->files.s) + strlen(text) + 1 ;
      if (!pass)
      {
        if (!force && lstat(full, &st) == 0) strerr_dief(100, full, " exists (give -f to replace the tree's files)") ;
        if (errno != ENOENT && !force) strerr_diefu2sys(111, "stat ", full) ;
        continue ;
      }
      *strrchr(full, '/') = 0 ;
      if (!tern_mkdirp(full, 0755)) strerr_diefu2sys(111, "mkdir ", full) ;
      full[strlen(full)] = '/' ;
      if (!tern_file_replace(full, text, strlen(text), strtoul(mode, 0, 8)))
        strerr_diefu2sys(111, "write ", full) ;
    }
}

void cmd_installservice (char const *confdir, int argc, char const *const *argv)
{
  subgetopt o = SUBGETOPT_ZERO ;
  svcgen g = { .files = STRALLOC_ZERO } ;
  char const *logdir = "/var/log/tern", *dir ;
  char buf[2][PATH_MAX] ;
  int force = 0 ;
  for (int opt ; (opt = subgetopt_r(argc, argv, "fl:", &o)) != -1 ;)
    if (opt == 'f') force = 1 ;
    else if (opt == 'l') logdir = absolute(o.arg, buf[1]) ;
    else strerr_dieusage(100, USAGEI) ;
  if (o.ind + 1 != argc) strerr_dieusage(100, USAGEI) ;
  dir = absolute(argv[o.ind], buf[0]) ;
  load(&g, confdir, dir, logdir) ;
  generate(&g) ;
  install(&g, dir, force) ;
  stralloc_free(&g.files) ;
}
