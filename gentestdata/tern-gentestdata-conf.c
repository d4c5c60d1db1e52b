/* tern-gentestdata-conf: the text configuration in DESTDIR/conf, compiled
   by the code of tern conf compile, then each account's store and its
   credentials (salts from the seed, password NAME-password). */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <skalibs/buffer.h>
#include <skalibs/strerr.h>
#include "tern.h"
#include "tern_conf.h"
#include "tern_conftext.h"
#include "tern_cred.h"
#include "tern_store.h"
#include "tern-gentestdata.h"

#define JUNKOPTS "junk-filter threshold=0.95 onegrams=yes twograms=no max-power=0.01 top-words=10 ignore-words=0.1 rare-words=2\n" \
  "junk-flags yes\njunk-mailbox ^(junk|spam)\nneutral-mailbox ^(inbox|neutral|postmaster|dmarc|tlsrpt|rejects)\n"

static char const *const files[][2] =
{
  { "tern.conf", "# made by tern-gentestdata (tern-gentestdata.8)\nhostname mail.tern.example\ndatadir ../data\n" },
  { "domains/tern.example", "# tern.example\n" },
  { "domains/xn--bcher-kva.example", "# b\xc3\xbc" "cher.example, an internationalised domain\n" },
  { "transports/smarthost", "submission smtp.remote.example:587\n" },
  { "accounts/alice", "address alice@tern.example\nfull-name Alice Liddell\n" JUNKOPTS },
  { "accounts/bob", "address bob@tern.example\n" },
  { "accounts/juergen", "address j\xc3\xbcrgen@b\xc3\xbc" "cher.example\nfull-name J\xc3\xbcrgen M\xc3\xbcller\n" JUNKOPTS },
} ;

static char const *const accounts[] = { "alice", "bob", "juergen" } ;
static stralloc conf = STRALLOC_ZERO ;

static void writefiles (void)
{
  stralloc p = STRALLOC_ZERO ;
  char const *const dirs[] = { "", "/domains", "/accounts", "/transports" } ;
  for (unsigned int i = 0 ; i < sizeof dirs / sizeof *dirs ; i++)
  {
    p.len = 0 ;
    if (!stralloc_cats(&p, conf.s) || !stralloc_cats(&p, dirs[i]) || !stralloc_0(&p)) strerr_diefusys(111, "allocate") ;
    if (mkdir(p.s, 0755) < 0) strerr_diefusys(111, "create ", p.s) ;
  }
  for (unsigned int i = 0 ; i < sizeof files / sizeof *files ; i++)
    if (!tern_file_replace(gen_path(&p, conf.s, files[i][0]), files[i][1], strlen(files[i][1]), 0644))
      strerr_diefusys(111, "write ", p.s) ;
  stralloc_free(&p) ;
}

/* as tern conf compile: check every file, then write config.cdb */
static void compile (void)
{
  tern_conftext t = TERN_CONFTEXT_ZERO ;
  stralloc p = STRALLOC_ZERO ;
  if (!tern_conftext_init(&t, conf.s, 0) || !tern_conftext_dir(&t)) strerr_diefusys(111, "read the configuration in ", conf.s) ;
  if (t.nerr)
  {
    buffer_putflush(buffer_2, t.err.s, t.err.len) ;
    strerr_dief(111, "the generated configuration has problems (a bug)") ;
  }
  if (!tern_conftext_write(&t, gen_path(&p, conf.s, "config.cdb"))) strerr_diefusys(111, "write ", p.s) ;
  tern_conftext_free(&t) ;
  stralloc_free(&p) ;
}

static stralloc acctdirs[3] = { STRALLOC_ZERO, STRALLOC_ZERO, STRALLOC_ZERO } ;

char const *gen_acct (char const *name)
{
  for (unsigned int i = 0 ; i < 3 ; i++) if (!strcmp(name, accounts[i])) return acctdirs[i].s ;
  strerr_dief(111, "no account ", name, " (a bug)") ;
}

/* the store of a new account, and what tern-passwd would write */
static void account (unsigned int i)
{
  unsigned char s256[TERN_CRED_SALTLEN], s1[TERN_CRED_SALTLEN] ;
  stralloc pw = STRALLOC_ZERO, cred = STRALLOC_ZERO, p = STRALLOC_ZERO ;
  int r = tern_conf_accountpath(conf.s, accounts[i], &acctdirs[i]) ;
  if (r != 1) strerr_diefusys(111, "find account ", accounts[i], " in ", conf.s) ;
  gen_die(tern_store_create(acctdirs[i].s), "create the store of ", accounts[i]) ;
  for (unsigned int j = 0 ; j < TERN_CRED_SALTLEN ; j++) { s256[j] = (unsigned char)gen_rand() ; s1[j] = (unsigned char)gen_rand() ; }
  if (!stralloc_cats(&pw, accounts[i]) || !stralloc_cats(&pw, GEN_PWSUFFIX)
   || !tern_cred_make_salted(pw.s, pw.len, s256, s1, TERN_CRED_SALTLEN, TERN_CRED_ITER, &cred))
    strerr_diefusys(111, "allocate") ;
  if (!tern_file_replace(gen_path(&p, acctdirs[i].s, "credentials"), cred.s, cred.len, 0600))
    strerr_diefusys(111, "write ", p.s) ;
  stralloc_free(&pw) ; stralloc_free(&cred) ; stralloc_free(&p) ;
}

void gen_conf (void)
{
  gen_path(&conf, gen_dest, "conf") ;
  writefiles() ;
  compile() ;
  for (unsigned int i = 0 ; i < 3 ; i++) account(i) ;
}
