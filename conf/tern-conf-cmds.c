/* tern-conf-cmds: init, add-domain, remove-domain, add-account,
   remove-account, add-address, remove-address. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <skalibs/strerr.h>
#include <skalibs/stralloc.h>
#include "tern.h"
#include "tern_addr.h"
#include "tern-conf.h"

static void oneline (char const *what, char const *s)
{
  for (size_t i = 0 ; s[i] ; i++)
    if ((unsigned char)s[i] < 32 || s[i] == 127) strerr_dief(100, "bad ", what, ": control character") ;
  if (!*s) strerr_dief(100, "empty ", what) ;
}

static void cat (stralloc *sa, char const *a, char const *b, char const *c)
{
  if (!stralloc_cats(sa, a) || (b && !stralloc_cats(sa, b)) || (c && !stralloc_cats(sa, c)))
    strerr_diefusys(111, "stralloc") ;
}

void cmd_init (char const *confdir, char const *host, char const *datadir)
{
  saved s = SAVED_ZERO ;
  stralloc text = STRALLOC_ZERO ;
  static char const *const subs[] = { "/domains", "/accounts", "/transports" } ;
  oneline("hostname", host) ;
  oneline("datadir", datadir) ;
  if (!tern_mkdirp(confdir, 0755)) strerr_diefu2sys(111, "mkdir ", confdir) ;
  edit_lock(confdir) ;
  edit_save(&s, confdir, "tern.conf") ;
  if (s.existed) strerr_dief(100, s.path.s, " exists") ;
  for (unsigned int i = 0 ; i < 3 ; i++)
  {
    stralloc d = STRALLOC_ZERO ;
    cat(&d, confdir, subs[i], 0) ;
    if (!stralloc_0(&d)) strerr_diefusys(111, "stralloc") ;
    if (!tern_mkdirp(d.s, 0755)) strerr_diefu2sys(111, "mkdir ", d.s) ;
    stralloc_free(&d) ;
  }
  cat(&text, "# tern.conf: global settings, see tern-conf(8)\nhostname ", host, "\n") ;
  cat(&text, "datadir ", datadir, "\n") ;
  edit_commit(&s, confdir, text.s, text.len) ;
  saved_free(&s) ;
  stralloc_free(&text) ;
}

/* The A-label of dom, NUL-terminated, or die. */
static void alabel (stralloc *a, char const *dom)
{
  stralloc u = STRALLOC_ZERO ;
  oneline("domain", dom) ;
  switch (tern_domain_parse(a, &u, dom, strlen(dom)))
  {
    case TERN_OK : break ;
    case TERN_PERM : strerr_dief(100, "bad domain: ", dom) ;
    default : strerr_diefusys(111, "parse domain") ;
  }
  stralloc_free(&u) ;
  if (!stralloc_0(a)) strerr_diefusys(111, "stralloc") ;
}

void cmd_add_domain (char const *confdir, char const *dom)
{
  saved s = SAVED_ZERO ;
  stralloc a = STRALLOC_ZERO, rel = STRALLOC_ZERO, text = STRALLOC_ZERO ;
  alabel(&a, dom) ;
  cat(&rel, "domains/", a.s, 0) ;
  if (!stralloc_0(&rel)) strerr_diefusys(111, "stralloc") ;
  edit_lock(confdir) ;
  edit_save(&s, confdir, rel.s) ;
  if (s.existed) strerr_dief(100, "domain ", a.s, " exists") ;
  /* only settings of enabled features go here; none are on by default */
  cat(&text, "# domain ", a.s, ": catchall, route, dkim; see tern-conf(8)\n") ;
  edit_commit(&s, confdir, text.s, text.len) ;
  saved_free(&s) ;
  stralloc_free(&text) ;
  stralloc_free(&a) ;
  stralloc_free(&rel) ;
}

void cmd_remove_domain (char const *confdir, char const *dom)
{
  saved s = SAVED_ZERO ;
  tern_conftext t = TERN_CONFTEXT_ZERO ;
  stralloc a = STRALLOC_ZERO, rel = STRALLOC_ZERO ;
  size_t pos ;
  alabel(&a, dom) ;
  cat(&rel, "domains/", a.s, 0) ;
  if (!stralloc_0(&rel)) strerr_diefusys(111, "stralloc") ;
  edit_lock(confdir) ;
  edit_save(&s, confdir, rel.s) ;
  if (!s.existed) strerr_dief(100, "no such domain: ", a.s) ;
  if (edit_after(&s.text, "catchall", &pos))
    strerr_dief(100, "domain ", a.s, " has a catch-all; remove that line first") ;
  conf_parse(&t, confdir) ;
  for (size_t i = 0 ; i < t.claims.len ;)
  {
    char const *key = t.claims.s + i ;
    char const *where = key + strlen(key) + 1 ;
    char const *at = strrchr(key, '@') ;
    if (at && !strcmp(at + 1, a.s))
      strerr_dief(100, "domain ", a.s, " still has addresses: ", key, " in ", where) ;
    i = (where - t.claims.s) + strlen(where) + 1 ;
  }
  tern_conftext_free(&t) ;
  edit_commit(&s, confdir, 0, 0) ;
  saved_free(&s) ;
  stralloc_free(&a) ;
  stralloc_free(&rel) ;
}
