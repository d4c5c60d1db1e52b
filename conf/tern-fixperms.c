/* tern-fixperms: give the configuration and data directories the owners
   and modes of tern-users(7); with no-fix-permissions (or -n), change
   nothing and warn about what tern cannot work with.  usage: tern-fixperms
   [ -c confdir ] [ -n ]   exit: 0 done, 100 usage, 111 a failure. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>
#include <skalibs/cdb.h>
#include <skalibs/genalloc.h>
#include "tern.h"
#include "tern_user.h"
#include "tern-fixperms.h"

#define USAGE "tern-fixperms [ -c confdir ] [ -n ]"

int nofix ;
unsigned int nfail, nchange ;
special *specials ;
unsigned int nspecials ;
dev_t topdev[2] ;
ino_t topino[2] ;
uid_t tern_uid ;
gid_t tern_gid ;

static void confrule (char const *rel, unsigned int depth, int isdir, want *w)
{
  (void)depth ;
  w->uid = 0 ; w->gid = tern_gid ; w->mode = isdir ? 0750 : 0640 ;
  /* a local user's tern-sendmail reads sendmail.conf (no secrets in it) */
  if (!*rel) w->mode = 0751 ;
  else if (!strcmp(rel, "sendmail.conf") && !isdir) { w->gid = 0 ; w->mode = 0644 ; }
}

static int first (char const *rel, char const *name)
{
  size_t n = strlen(name) ;
  return !strncmp(rel, name, n) && (!rel[n] || rel[n] == '/') ;
}

static void datarule (char const *rel, unsigned int depth, int isdir, want *w)
{
  w->uid = tern_uid ; w->gid = tern_gid ;
  if (!depth) w->mode = 0750 ;
  else if (first(rel, "queue") || first(rel, "authfail")) w->mode = isdir ? 0770 : 0660 ;
  else if (!strcmp(rel, "door") && isdir) w->mode = 0750 ;  /* the junk door's socket */
  else if (first(rel, "accounts") && depth <= 2 && isdir) w->mode = 0710 ;
  else if (first(rel, "accounts") && depth == 3 && !isdir && !strcmp(strrchr(rel, '/'), "/credentials")) w->mode = 0640 ;
  else w->mode = isdir ? 0700 : 0600 ;
}

static void addspecial (genalloc *g, stralloc *names, char const *path, size_t len, uid_t u, gid_t gid, unsigned int mode)
{
  special s = { .w = { .uid = u, .gid = gid, .mode = mode }, .done = 0, .path = 0 } ;
  struct stat st ;
  size_t off = names->len ;
  if (!stralloc_catb(names, path, len) || !stralloc_0(names)) strerr_diefusys(111, "allocate") ;
  if (stat(names->s + off, &st) < 0) { strerr_warnwu2sys("stat ", names->s + off) ; nfail++ ; return ; }
  s.dev = st.st_dev ; s.ino = st.st_ino ; s.off = off ;
  if (!genalloc_append(special, g, &s)) strerr_diefusys(111, "allocate") ;
}

static int ends (cdb_data const *k, char const *pre, char const *suf)
{
  size_t p = strlen(pre), s = strlen(suf) ;
  return k->len > p + s && !memcmp(k->s, pre, p) && !memcmp(k->s + k->len - s, suf, s) ;
}

/* TLS keys and certificates, DKIM keys, transport secrets. */
static void findspecials (tern_conf const *c, genalloc *g, stralloc *names)
{
  uint32_t pos ;
  cdb_data k, d ;
  cdb_traverse_init(&pos) ;
  for (int r ; (r = cdb_traverse_next(&c->c, &k, &d, &pos)) ;)
  {
    char const *sp ;
    if (r < 0) strerr_dief(111, "corrupt config.cdb") ;
    if (k.len == 9 && !memcmp(k.s, "g:tls-key", 9)) addspecial(g, names, d.s, d.len, 0, 0, 0600) ;
    else if (k.len == 10 && !memcmp(k.s, "g:tls-cert", 10)) addspecial(g, names, d.s, d.len, 0, 0, 0644) ;
    else if (ends(&k, "t:", ":auth-password-file")) addspecial(g, names, d.s, d.len, 0, tern_gid, 0640) ;
    else if (ends(&k, "d:", ":dkim") && (sp = memchr(d.s, ' ', d.len)))
      addspecial(g, names, sp + 1, d.len - (sp + 1 - d.s), 0, tern_gid, 0640) ;
  }
  specials = genalloc_s(special, g) ;
  nspecials = genalloc_len(special, g) ;
  for (unsigned int i = 0 ; i < nspecials ; i++) specials[i].path = names->s + specials[i].off ;
}

/* The directories the SMTP user writes but cannot create (the datadir is
   0750), and the junk door's: made here, given their owner by the walk. */
static void shared (char const *datadir)
{
  static char const *const dirs[3] = { "/queue", "/authfail", "/door" } ;
  for (unsigned int i = 0 ; i < 3 ; i++)
  {
    size_t n = strlen(datadir) ;
    char p[n + 10] ;
    memcpy(p, datadir, n) ; memcpy(p + n, dirs[i], strlen(dirs[i]) + 1) ;
    if (mkdir(p, 0770) == 0) strerr_warni2x("created ", p) ;
    else if (errno != EEXIST) { strerr_warnwu2sys("create ", p) ; nfail++ ; }
  }
}

int main (int argc, char const *const *argv)
{
  subgetopt l = SUBGETOPT_ZERO ;
  tern_conf c = TERN_CONF_ZERO ;
  genalloc g = GENALLOC_ZERO ;
  stralloc names = STRALLOC_ZERO, datadir = STRALLOC_ZERO, flag = STRALLOC_ZERO ;
  char const *confdir = 0 ;
  PROG = "tern-fixperms" ;
  for (int o ; (o = subgetopt_r(argc, argv, "c:n", &l)) != -1 ;)
    if (o == 'c') confdir = l.arg ;
    else if (o == 'n') nofix = 1 ;
    else strerr_dieusage(100, USAGE) ;
  if (argc != l.ind) strerr_dieusage(100, USAGE) ;
  if (geteuid())
  {
    strerr_warni1x("not root: every job runs as this user, nothing to fix (tern-users(7))") ;
    return 0 ;
  }
  confdir = tern_confdir(confdir) ;
  if (!tern_conf_open(&c, confdir)) strerr_diefusys(111, "open the configuration in ", confdir) ;
  if (!tern_user_conf(&c, "user", &tern_uid, &tern_gid, 0)) strerr_diefusys(111, "find the user") ;
  if (tern_conf_global(&c, "datadir", &datadir) <= 0 || !stralloc_0(&datadir)) strerr_diefusys(111, "read the datadir") ;
  if (tern_conf_global(&c, "no-fix-permissions", &flag) > 0) nofix = 1 ;
  findspecials(&c, &g, &names) ;
  tern_conf_close(&c) ;
  for (unsigned int i = 0 ; i < 2 ; i++)
  {
    struct stat st ;
    if (stat(i ? datadir.s : confdir, &st) < 0) strerr_diefu2sys(111, "stat ", i ? datadir.s : confdir) ;
    topdev[i] = st.st_dev ; topino[i] = st.st_ino ;
  }
  if (!fix_tree(confdir, &confrule)) strerr_diefusys(111, "open ", confdir) ;
  if (!nofix) shared(datadir.s) ;
  if (!fix_tree(datadir.s, &datarule)) strerr_diefusys(111, "open ", datadir.s) ;
  for (unsigned int i = 0 ; i < nspecials ; i++)
    if (!specials[i].done) fix_path(specials[i].path, &specials[i].w) ;
  if (!nchange && !nfail) strerr_warni1x(nofix ? "no-fix-permissions: nothing tern cannot work with" : "nothing to fix") ;
  genalloc_free(special, &g) ;
  stralloc_free(&names) ; stralloc_free(&datadir) ; stralloc_free(&flag) ;
  return nfail ? 111 : 0 ;
}
