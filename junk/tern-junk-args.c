/* tern-junk-args.c: tern-junk's command line: the command, the account
   (-a through the configuration, or -d a bare directory), the options
   (-o on top of the account's or the defaults) and the command's flags.
   Bad usage exits 100, an unreadable configuration 111. */
#include <errno.h>
#include <string.h>
#include <skalibs/strerr.h>
#include "tern.h"
#include "tern_conf.h"
#include "tern_store.h"
#include "tern-junk.h"

void jdie (int code, char const *what)
{
  if (errno == EUCLEAN)
    strerr_dief(111, "damaged database ", tern_store_damage_path(), ": ", tern_store_damage_what()) ;
  strerr_diefusys(code, what) ;
}

/* The account's directory and options from the configuration; its
   junk-filter value into raw (parsing starts from the defaults, so -o is
   parsed after it). */
static void account (jargs *a, char const *confdir, char const *name, stralloc *raw)
{
  tern_conf c = TERN_CONF_ZERO ;
  cdb_data v ;
  confdir = tern_confdir(confdir) ;
  if (!tern_conf_open(&c, confdir)) strerr_diefu2sys(111, "read the configuration in ", confdir) ;
  switch (tern_conf_account_exists(&c, name))
  {
    case 1 : break ;
    case 0 : strerr_dief(100, "no such account: ", name) ;
    default : strerr_diefu2sys(111, "read the configuration in ", confdir) ;
  }
  if (!tern_conf_accountdir(&c, name, &a->acct)) strerr_diefu2sys(111, "find the directory of account ", name) ;
  switch (tern_junkopt_conf(&c, name, &a->o))
  {
    case 1 : break ;
    case 0 : strerr_dief(100, "account ", name, " has no junk filter (no junk-filter line)") ;
    default : strerr_diefu4sys(111, "read the junk-filter options of account ", name, " in ", confdir) ;
  }
  if (!stralloc_copys(raw, "A:") || !stralloc_cats(raw, name) || !stralloc_cats(raw, ":junk-filter")) strerr_diefusys(111, "allocate") ;
  if (tern_conf_find(&c, raw->s, raw->len, &v) <= 0) strerr_diefu2sys(111, "read the configuration in ", confdir) ;
  if (!stralloc_copyb(raw, v.s, v.len) || !stralloc_cats(raw, " ")) strerr_diefusys(111, "allocate") ;
  tern_conf_close(&c) ;
}

/* -junk or -ham: import takes a path after it, the others nothing. */
static int side (jargs *a, int spam, int argc, char const *const *argv, int i)
{
  if (a->spam == !spam) strerr_dieusage(100, USAGE) ;
  a->spam = spam ;
  if (strcmp(a->cmd, "import")) return i ;
  if (i + 1 >= argc) strerr_dieusage(100, USAGE) ;
  if (!genalloc_append(char const *, spam ? &a->junkpaths : &a->hampaths, &argv[i + 1])) strerr_diefusys(111, "allocate") ;
  a->spam = -1 ;
  return i + 1 ;
}

/* Each command's flags must fit it. */
static void fits (jargs const *a)
{
  int imp = !strcmp(a->cmd, "import"), cls = !strcmp(a->cmd, "classify") ;
  int trn = !strcmp(a->cmd, "train") || !strcmp(a->cmd, "untrain") ;
  if (!imp && !cls && !trn && strcmp(a->cmd, "stats")) strerr_dief(100, "unknown command: ", a->cmd, " (usage: " USAGE ")") ;
  if (a->verbose && !cls) strerr_dieusage(100, USAGE) ;
  if (a->batch && !cls && !trn) strerr_dieusage(100, USAGE) ;
  if (trn && a->spam < 0) strerr_dief(100, "train and untrain need -junk or -ham") ;
  if (!trn && a->spam >= 0) strerr_dieusage(100, USAGE) ;
  if (imp && !genalloc_len(char const *, &a->junkpaths) && !genalloc_len(char const *, &a->hampaths))
    strerr_dief(100, "import needs -junk path or -ham path") ;
}

void jargs_parse (jargs *a, int argc, char const *const *argv)
{
  char const *confdir = 0, *name = 0, *dir = 0, *opts = 0 ;
  stralloc raw = STRALLOC_ZERO ;
  if (argc < 2) strerr_dieusage(100, USAGE) ;
  a->cmd = argv[1] ;
  for (int i = 2 ; i < argc ; i++)
  {
    char const *s = argv[i] ;
    int hasarg = !strcmp(s, "-a") || !strcmp(s, "-c") || !strcmp(s, "-d") || !strcmp(s, "-o") ;
    if (hasarg && i + 1 >= argc) strerr_dieusage(100, USAGE) ;
    if (!strcmp(s, "-a")) name = argv[++i] ;
    else if (!strcmp(s, "-c")) confdir = argv[++i] ;
    else if (!strcmp(s, "-d")) dir = argv[++i] ;
    else if (!strcmp(s, "-o")) opts = argv[++i] ;
    else if (!strcmp(s, "-v")) a->verbose = 1 ;
    else if (!strcmp(s, "-b")) a->batch = 1 ;
    else if (!strcmp(s, "-junk")) i = side(a, 1, argc, argv, i) ;
    else if (!strcmp(s, "-ham")) i = side(a, 0, argc, argv, i) ;
    else strerr_dieusage(100, USAGE) ;
  }
  fits(a) ;
  if (!name == !dir || (name && !name[0]) || (dir && !dir[0])) strerr_dief(100, "give one of -a account and -d accountdir") ;
  if (dir)
  {
    tern_junkopt_default(&a->o) ;
    if (!stralloc_copys(&a->acct, dir) || !stralloc_0(&a->acct)) strerr_diefusys(111, "allocate") ;
  }
  else account(a, confdir, name, &raw) ;
  if (opts)
  {
    if (!stralloc_cats(&raw, opts)) strerr_diefusys(111, "allocate") ;
    if (!tern_junkopt_parse(&a->o, raw.s, raw.len)) strerr_dief(100, "bad junk-filter options: ", opts) ;
  }
  stralloc_free(&raw) ;
  /* max-bytes 0 means the whole message (tern_junkwords_message) */
  if (!a->o.maxbytes) a->o.maxbytes = SIZE_MAX ;
}
