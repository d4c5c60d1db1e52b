/* test-authlimit: tern_authlimit in a config made here: delays 1 to 5,
   the address limit (10) and the user limit (30, any case), keys kept
   apart, the file format, the window, bad or future files, and errors
   (no key, an authfail/ that cannot be a directory) that never block. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "tern.h"
#include "tern_authlimit.h"
#include "tern_conf.h"
#include "tern_conftext.h"
#include "t.h"

static tern_conf c = TERN_CONF_ZERO ;

static int setup (void)
{
  tern_conftext t = TERN_CONFTEXT_ZERO ;
  char cwd[512], text[700] ;
  int r ;
  if (!getcwd(cwd, sizeof cwd - 100) || !tern_mkdirp("c/domains", 0755) || !tern_mkdirp("c/accounts", 0755)
   || !tern_mkdirp("c/transports", 0755) || !tern_mkdirp("data", 0755)) return 0 ;
  snprintf(text, sizeof text, "hostname a.example\ndatadir %s/data\n", cwd) ;
  if (!tern_file_replace("c/tern.conf", text, strlen(text), 0644)) return 0 ;
  r = tern_conftext_init(&t, "c", 0) && tern_conftext_dir(&t) && !t.nerr && tern_conftext_write(&t, "c/config.cdb") ;
  tern_conftext_free(&t) ;
  return r && tern_conf_open(&c, "c") ;
}

static void put (char const *path, long count, long start)
{
  char b[64] ;
  int n = snprintf(b, sizeof b, "%ld %ld\n", count, start) ;
  T(tern_file_replace(path, b, (size_t)n, 0600), "write a count") ;
}

/* n failures: the last delay, or -1 if one was not counted */
static int fails (char const *ip, char const *user, unsigned int n)
{
  unsigned int d = 0 ;
  int ok = 1 ;
  for (unsigned int i = 0 ; i < n ; i++) ok &= tern_authlimit_failed(&c, ip, user, user ? strlen(user) : 0, &d) ;
  return ok ? (int)d : -1 ;
}

int main (void)
{
  char buf[64] = "" ;
  FILE *f ;
  long now = (long)time(0) ;
  T(setup(), "a configuration") ;
  T(!tern_authlimit_blocked(&c, "192.0.2.1", "bob", 3), "nothing counted: not blocked") ;
  T(fails("192.0.2.1", "bob", 1) == 1 && fails("192.0.2.1", "bob", 1) == 2 && fails("192.0.2.1", "bob", 2) == 4
    && fails("192.0.2.1", "bob", 1) == 5 && fails("192.0.2.1", "bob", 1) == 5, "delays 1, 2, 3, 4, 5, 5") ;
  f = fopen("data/authfail/ip-3139322e302e322e31", "r") ;
  T(f && fgets(buf, sizeof buf, f) && !strncmp(buf, "6 ", 2), "the file of 192.0.2.1 says 6 failures") ;
  if (f) fclose(f) ;
  T(!tern_authlimit_blocked(&c, "192.0.2.1", "eve", 3), "6 from an address: not yet") ;
  fails("192.0.2.1", "nobody", 4) ;
  T(tern_authlimit_blocked(&c, "192.0.2.1", "eve", 3) == 1 && tern_authlimit_blocked(&c, "192.0.2.1", 0, 0) == 1, "10: the address is blocked") ;
  T(!tern_authlimit_blocked(&c, "192.0.2.2", "bob", 3), "another address, bob with 6: not blocked") ;
  for (unsigned int i = 0 ; i < 24 ; i++) fails(i & 1 ? "198.51.100.1" : "198.51.100.2", i & 2 ? "BOB" : "Bob", 1) ;
  T(tern_authlimit_blocked(&c, "203.0.113.9", "bob", 3) == 1, "30 for bob in any case: bob is blocked anywhere") ;
  T(!tern_authlimit_blocked(&c, "203.0.113.9", "bobby", 5), "bobby is another user") ;
  put("data/authfail/ip-3139322e302e322e33", 50, now - TERN_AUTHLIMIT_WINDOW) ;
  T(!tern_authlimit_blocked(&c, "192.0.2.3", 0, 0) && fails("192.0.2.3", 0, 1) == 1, "after the window: counting again from 1") ;
  put("data/authfail/ip-3139322e302e322e34", 50, now + 1000) ;
  T(!tern_authlimit_blocked(&c, "192.0.2.4", 0, 0), "a window starting in the future is not believed") ;
  T(tern_file_replace("data/authfail/ip-3139322e302e322e35", "junk", 4, 0600) && !tern_authlimit_blocked(&c, "192.0.2.5", 0, 0)
    && fails("192.0.2.5", 0, 1) == 1, "a bad file counts as none") ;
  T(!tern_authlimit_blocked(&c, 0, 0, 0) && fails(0, 0, 1) == 1, "no address and no user: never blocked, delay 1") ;
  T(system("rm -rf data/authfail && : > data/authfail") == 0, "authfail/ made a file") ;
  {
    unsigned int d = 9 ;
    T(tern_authlimit_blocked(&c, "192.0.2.1", "bob", 3) == -1 && errno == ENOTDIR, "authfail/ unusable: an error, not blocked") ;
    T(!tern_authlimit_failed(&c, "192.0.2.1", "bob", 3, &d) && errno == ENOTDIR && d == 1, "authfail/ unusable: not counted, an error, delay 1") ;
  }
  tern_conf_close(&c) ;
  return tdone() ;
}
