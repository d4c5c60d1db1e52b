/* tern-retrain: rebuild an account's junk filter (or, with -all, every
   filtered account's) from its messages' flags (tern-retrain(8)).
   usage: tern-retrain [ -c confdir ] account | -all
   stdout: "retrain NAME messages=N ham=H spam=S unparsable=U seconds=T".
   exit: 0 done, 100 usage/no account/no filter, 111 temporary. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>
#include <skalibs/strerr.h>
#include <skalibs/buffer.h>
#include <skalibs/stralloc.h>
#include <skalibs/genalloc.h>
#include "tern.h"
#include "tern_conf.h"
#include "tern_store.h"
#include "tern_junk.h"

#define USAGE "tern-retrain [ -c confdir ] account | -all"

static void progress (void *data, uint64_t done, uint64_t total)
{
  char line[300] ;
  snprintf(line, sizeof line, "\rretrain %s: %llu/%llu messages", (char const *)data, (unsigned long long)done, (unsigned long long)total) ;
  buffer_puts(buffer_2, line) ;
  buffer_flush(buffer_2) ;
}

/* Rebuilds one account: 0, or the exit code of its failure (said on
   stderr, fatal unless all). */
static int one (tern_conf const *c, char const *name, int all)
{
  stralloc dir = STRALLOC_ZERO ;
  tern_junkopt o ;
  tern_junkretrain st ;
  struct timespec t0, t1 ;
  char line[400] ;
  int tty = isatty(2), r ;
  switch (tern_junkopt_conf(c, name, &o))
  {
    case 1 : break ;
    case 0 : if (all) return 0 ; strerr_dief(100, "account ", name, " has no junk filter (no junk-filter line)") ;
    default : if (!all) strerr_diefu2sys(111, "read the junk-filter options of account ", name) ;
      strerr_warnwu2sys("read the junk-filter options of account ", name) ; return 111 ;
  }
  if (!tern_conf_accountdir(c, name, &dir)) strerr_diefu2sys(111, "find the directory of account ", name) ;
  clock_gettime(CLOCK_MONOTONIC, &t0) ;
  r = tern_junk_retrain(dir.s, &o, tty ? &progress : 0, (void *)name, &st) ;
  if (r)
  {
    int e = errno ;
    if (tty) { buffer_puts(buffer_2, "\n") ; buffer_flush(buffer_2) ; }
    if (e == EUCLEAN)
    {
      if (!all) strerr_dief(111, "account ", name, ": damaged ", tern_store_damage_path(), ": ", tern_store_damage_what()) ;
      strerr_warnw("account ", name, ": damaged ", tern_store_damage_path(), ": ", tern_store_damage_what()) ;
      stralloc_free(&dir) ;
      return 111 ;
    }
    errno = e ;
    if (!all) strerr_diefu2sys(r == TERN_PERM ? 100 : 111, "retrain account ", name) ;
    strerr_warnwu2sys("retrain account ", name) ;
    stralloc_free(&dir) ;
    return r == TERN_PERM ? 100 : 111 ;
  }
  if (tty) { buffer_puts(buffer_2, "\n") ; buffer_flush(buffer_2) ; }
  clock_gettime(CLOCK_MONOTONIC, &t1) ;
  snprintf(line, sizeof line, "retrain %s messages=%llu ham=%llu spam=%llu unparsable=%llu seconds=%.1f\n", name,
    (unsigned long long)st.messages, (unsigned long long)st.ham, (unsigned long long)st.spam,
    (unsigned long long)st.unparsable, (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9) ;
  if (buffer_putsflush(buffer_1, line) < 0) strerr_diefusys(111, "write to stdout") ;
  stralloc_free(&dir) ;
  return 0 ;
}

static int bystr (void const *a, void const *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b) ;
}

/* Every configured account (keys "A:NAME"), sorted; the worst exit code. */
static int all (tern_conf *c)
{
  stralloc names = STRALLOC_ZERO ;
  genalloc off = GENALLOC_ZERO ;
  cdb_data k, v ;
  uint32_t pos ;
  size_t n ;
  char **list ;
  int worst = 0 ;
  cdb_traverse_init(&pos) ;
  for (int r ; (r = cdb_traverse_next(&c->c, &k, &v, &pos)) ;)
  {
    size_t o = names.len ;
    if (r < 0) strerr_dief(111, "corrupt configuration ", c->path.s) ;
    if (k.len < 3 || memcmp(k.s, "A:", 2) || memchr(k.s + 2, ':', k.len - 2)) continue ;
    if (!stralloc_catb(&names, k.s + 2, k.len - 2) || !stralloc_0(&names) || !genalloc_append(size_t, &off, &o))
      strerr_diefusys(111, "allocate") ;
  }
  n = genalloc_len(size_t, &off) ;
  list = malloc((n + 1) * sizeof *list) ;
  if (!list) strerr_diefusys(111, "allocate") ;
  for (size_t i = 0 ; i < n ; i++) list[i] = names.s + genalloc_s(size_t, &off)[i] ;
  qsort(list, n, sizeof *list, &bystr) ;
  for (size_t i = 0 ; i < n ; i++)
  {
    int r = one(c, list[i], 1) ;
    if (r == 111 || (r && !worst)) worst = r ;
  }
  free(list) ;
  stralloc_free(&names) ;
  genalloc_free(size_t, &off) ;
  return worst ;
}

int main (int argc, char const *const *argv)
{
  tern_conf c = TERN_CONF_ZERO ;
  char const *confdir = 0 ;
  int i = 1, r ;
  PROG = "tern-retrain" ;
  if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")))
  {
    if (buffer_putsflush(buffer_1, "usage: " USAGE "\n") < 0) strerr_diefusys(111, "write to stdout") ;
    return 0 ;
  }
  if (i + 1 < argc && !strcmp(argv[i], "-c")) { confdir = argv[i + 1] ; i += 2 ; }
  if (argc != i + 1 || !argv[i][0] || (argv[i][0] == '-' && strcmp(argv[i], "-all"))) strerr_dieusage(100, USAGE) ;
  confdir = tern_confdir(confdir) ;
  if (!tern_conf_open(&c, confdir)) strerr_diefu2sys(111, "read the configuration in ", confdir) ;
  if (!strcmp(argv[i], "-all")) r = all(&c) ;
  else
  {
    switch (tern_conf_account_exists(&c, argv[i]))
    {
      case 1 : break ;
      case 0 : strerr_dief(100, "no such account: ", argv[i]) ;
      default : strerr_diefu2sys(111, "read the configuration in ", confdir) ;
    }
    r = one(&c, argv[i], 0) ;
  }
  tern_conf_close(&c) ;
  return r ;
}
