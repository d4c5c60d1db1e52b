/* test-base: errno classes, durable replace, mkdirp, unique names. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <skalibs/djbunix.h>
#include "tern.h"
#include "t.h"

int main (void)
{
  char dir[] = "/tmp/tern-test-base.XXXXXX" ;
  stralloc a = STRALLOC_ZERO, b = STRALLOC_ZERO ;
  char buf[64] ;
  ssize_t r ;
  T(tern_errtemp(EAGAIN), "EAGAIN is temporary") ;
  T(tern_errtemp(ENOSPC), "ENOSPC is temporary") ;
  T(tern_errtemp(EACCES), "EACCES is temporary (an admin can fix it)") ;
  T(tern_errtemp(12345), "unknown errno is temporary") ;
  T(!tern_errtemp(ENAMETOOLONG), "ENAMETOOLONG is permanent") ;
  T(tern_errcode(ENOTDIR) == TERN_PERM, "ENOTDIR maps to 100") ;
  T(tern_errcode(EIO) == TERN_TEMP, "EIO maps to 111") ;
  T(mkdtemp(dir) != 0, "mkdtemp") ;
  {
    char p[sizeof dir + 32] ;
    strcpy(p, dir) ; strcat(p, "/a/b/c") ;
    T(tern_mkdirp(p, 0700), "mkdirp creates nested dirs") ;
    T(tern_mkdirp(p, 0700), "mkdirp is idempotent") ;
    strcpy(p, dir) ; strcat(p, "/f") ;
    T(tern_file_replace(p, "one", 3, 0640), "replace creates") ;
    T(tern_file_replace(p, "second", 6, 0600), "replace replaces") ;
    r = openreadnclose(p, buf, sizeof buf) ;
    T(r == 6 && !memcmp(buf, "second", 6), "replace content is the new one") ;
    {
      struct stat st ;
      T(!stat(p, &st) && (st.st_mode & 07777) == 0600, "replace sets the mode") ;
    }
    strcpy(p, dir) ; strcat(p, "/nodir/f") ;
    T(!tern_file_replace(p, "x", 1, 0600) && errno == ENOENT, "replace into a missing dir fails with ENOENT") ;
  }
  T(tern_uniqname(&a) && tern_uniqname(&b), "uniqname") ;
  T(a.len != b.len || memcmp(a.s, b.s, a.len), "two unique names differ") ;
  T(!memchr(a.s, '/', a.len) && !memchr(a.s, ':', a.len), "unique name has no / or :") ;
  T(!strcmp(tern_confdir("x"), "x"), "confdir option wins") ;
  setenv("TERN_CONF", "/e", 1) ;
  T(!strcmp(tern_confdir(0), "/e"), "confdir from env") ;
  unsetenv("TERN_CONF") ;
  T(!strcmp(tern_confdir(0), "/etc/tern"), "confdir default") ;
  {
    char cmd[sizeof dir + 16] ;
    strcpy(cmd, "rm -rf ") ; strcat(cmd, dir) ;
    if (system(cmd)) return 1 ;
  }
  stralloc_free(&a) ; stralloc_free(&b) ;
  return tdone() ;
}
