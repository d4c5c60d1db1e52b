/* tern-conf-acct: add-account, remove-account, add-address, remove-address. */
#include <errno.h>
#include <string.h>
#include <skalibs/strerr.h>
#include <skalibs/stralloc.h>
#include <skalibs/types.h>
#include "tern.h"
#include "tern_addr.h"
#include "tern-conf.h"

static char const defaults[] =
  "junk-filter combine=chi threshold=0.46 onegrams=yes max-power=0.01 ignore-words=0.1\n"
  "junk-flags yes\n"
  "junk-mailbox ^(junk|spam)\n"
  "neutral-mailbox ^(inbox|neutral|postmaster|dmarc|tlsrpt|rejects)\n" ;

static void check (char const *name, char const *addr)
{
  if (name && !tern_conftext_goodname(name, strlen(name)))
    strerr_dief(100, "bad account name ", name, ": want [a-z0-9][a-z0-9._-]*, at most 64") ;
  if (addr)
  {
    if (!*addr) strerr_dief(100, "empty address") ;
    for (size_t i = 0 ; addr[i] ; i++)
      if ((unsigned char)addr[i] < 32 || addr[i] == 127) strerr_dief(100, "bad address: control character") ;
  }
}

/* s: the account file of name, saved; dies if its existence is not want. */
static void open_account (saved *s, char const *confdir, char const *name, int want)
{
  char rel[9 + 65] ;
  memcpy(rel, "accounts/", 9) ;
  strcpy(rel + 9, name) ;
  edit_lock(confdir) ;
  edit_save(s, confdir, rel) ;
  if (s->existed && !want) strerr_dief(100, "account ", name, " exists") ;
  if (!s->existed && want) strerr_dief(100, "no such account: ", name) ;
}

void cmd_add_account (char const *confdir, char const *name, char const *addr)
{
  saved s = SAVED_ZERO ;
  stralloc text = STRALLOC_ZERO ;
  check(name, addr) ;
  open_account(&s, confdir, name, 0) ;
  if (!stralloc_cats(&text, "address ") || !stralloc_cats(&text, addr) || !stralloc_catb(&text, "\n", 1)
   || !stralloc_cats(&text, defaults))
    strerr_diefusys(111, "stralloc") ;
  edit_commit(&s, confdir, text.s, text.len) ;
  saved_free(&s) ;
  stralloc_free(&text) ;
}

void cmd_remove_account (char const *confdir, char const *name)
{
  saved s = SAVED_ZERO ;
  check(name, 0) ;
  open_account(&s, confdir, name, 1) ;
  edit_commit(&s, confdir, 0, 0) ;
  saved_free(&s) ;
}

void cmd_add_address (char const *confdir, char const *name, char const *addr)
{
  saved s = SAVED_ZERO ;
  stralloc text = STRALLOC_ZERO ;
  size_t pos ;
  check(name, addr) ;
  open_account(&s, confdir, name, 1) ;
  edit_after(&s.text, "address", &pos) ;
  if (!stralloc_catb(&text, s.text.s, pos)
   || (pos && s.text.s[pos - 1] != '\n' && !stralloc_catb(&text, "\n", 1))
   || !stralloc_cats(&text, "address ") || !stralloc_cats(&text, addr) || !stralloc_catb(&text, "\n", 1)
   || !stralloc_catb(&text, s.text.s + pos, s.text.len - pos))
    strerr_diefusys(111, "stralloc") ;
  edit_commit(&s, confdir, text.s, text.len) ;
  saved_free(&s) ;
  stralloc_free(&text) ;
}

/* Where ("accounts/NAME:LINE") key is claimed, and how many addresses that file has. */
static char const *claimof (tern_conftext const *t, char const *key, unsigned int *count)
{
  char const *where = 0 ;
  size_t flen = 0 ;
  for (int pass = 0 ; pass < 2 ; pass++)
    for (size_t i = 0 ; i < t->claims.len ;)
    {
      char const *k = t->claims.s + i ;
      char const *w = k + strlen(k) + 1 ;
      if (!pass && !strcmp(k, key)) { where = w ; flen = strrchr(w, ':') - w ; }
      if (pass && where && !strncmp(w, where, flen + 1)) (*count)++ ;
      i = (w - t->claims.s) + strlen(w) + 1 ;
    }
  return where ;
}

void cmd_remove_address (char const *confdir, char const *addr)
{
  saved s = SAVED_ZERO ;
  tern_conftext t = TERN_CONFTEXT_ZERO ;
  tern_addr a = TERN_ADDR_ZERO ;
  stralloc key = STRALLOC_ZERO, text = STRALLOC_ZERO ;
  char const *where ;
  unsigned int count = 0, line ;
  size_t start, end, colon ;
  check(0, addr) ;
  switch (tern_addr_parse(&a, addr, strlen(addr), TERN_ADDR_UTF8))
  {
    case TERN_OK : break ;
    case TERN_PERM : strerr_dief(100, "bad address: ", addr) ;
    default : strerr_diefusys(111, "parse address") ;
  }
  if (!tern_addr_key(&key, &a) || !stralloc_0(&key)) strerr_diefusys(111, "stralloc") ;
  edit_lock(confdir) ;
  conf_parse(&t, confdir) ;
  where = claimof(&t, key.s, &count) ;
  if (!where) strerr_dief(100, "no account has address ", addr) ;
  if (count < 2) strerr_dief(100, "refusing to remove the last address of ", where, ": remove the account instead") ;
  colon = strrchr(where, ':') - where ;
  {
    char rel[colon + 1] ;
    memcpy(rel, where, colon) ;
    rel[colon] = 0 ;
    if (!uint0_scan(where + colon + 1, &line)) strerr_dief(100, "bad claim ", where) ;
    edit_save(&s, confdir, rel) ;
  }
  if (!s.existed || !edit_line(&s.text, line, &start, &end))
    strerr_dief(111, "configuration changed while reading it: ", where) ;
  if (!stralloc_catb(&text, s.text.s, start) || !stralloc_catb(&text, s.text.s + end, s.text.len - end))
    strerr_diefusys(111, "stralloc") ;
  tern_conftext_free(&t) ;
  edit_commit(&s, confdir, text.s, text.len) ;
  saved_free(&s) ;
  stralloc_free(&text) ;
  stralloc_free(&key) ;
  tern_addr_free(&a) ;
}
