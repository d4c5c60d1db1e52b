/* tern-conf-edit: edits of the text files, with a lock and rollback. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <skalibs/djbunix.h>
#include <skalibs/strerr.h>
#include "tern.h"
#include "tern-conf.h"

void edit_lock (char const *confdir)
{
  /* the lock lasts until exit */
  if (tern_lock(confdir) < 0) strerr_diefu3sys(111, "lock ", confdir, "/lock") ;
}

void edit_save (saved *s, char const *confdir, char const *rel)
{
  if (!stralloc_copys(&s->path, confdir) || !stralloc_catb(&s->path, "/", 1)
   || !stralloc_cats(&s->path, rel) || !stralloc_0(&s->path))
    strerr_diefusys(111, "stralloc") ;
  s->text.len = 0 ;
  s->existed = openslurpclose(&s->text, s->path.s) ;
  if (!s->existed && errno != ENOENT) strerr_diefu2sys(111, "read ", s->path.s) ;
}

static int put (char const *path, int exists, char const *text, size_t len)
{
  if (exists) return tern_file_replace(path, text, len, 0644) ;
  if (unlink(path) < 0 && errno != ENOENT) return 0 ;
  return tern_fsync_dir(path, 0) ;
}

void edit_commit (saved *s, char const *confdir, char const *text, size_t len)
{
  int r ;
  if (text)
  {
    size_t n = strlen(s->path.s) ;
    char dir[n + 1] ;
    char *slash ;
    memcpy(dir, s->path.s, n + 1) ;
    slash = strrchr(dir, '/') ;
    if (slash) { *slash = 0 ; if (!tern_mkdirp(dir, 0755)) strerr_diefu2sys(111, "mkdir ", dir) ; }
  }
  if (!put(s->path.s, !!text, text, len)) strerr_diefu2sys(111, "write ", s->path.s) ;
  r = conf_compile(confdir, 1) ;
  if (!r) return ;
  {
    int e = errno ;
    if (!put(s->path.s, s->existed, s->text.s, s->text.len))
      strerr_diefu3sys(111, "undo the edit of ", s->path.s, " (fix it by hand)") ;
    errno = e ;
  }
  conf_die_problems(r, confdir) ;
}

void saved_free (saved *s)
{
  stralloc_free(&s->path) ;
  stralloc_free(&s->text) ;
}

int edit_line (stralloc const *text, unsigned int n, size_t *start, size_t *end)
{
  size_t pos = 0 ;
  for (unsigned int i = 1 ; pos < text->len ; i++)
  {
    char const *nl = memchr(text->s + pos, '\n', text->len - pos) ;
    size_t e = nl ? (size_t)(nl - text->s) + 1 : text->len ;
    if (i == n) { *start = pos ; *end = e ; return 1 ; }
    pos = e ;
  }
  return 0 ;
}

int edit_after (stralloc const *text, char const *key, size_t *last)
{
  size_t pos = 0, klen = strlen(key) ;
  int found = 0 ;
  *last = text->len ;
  while (pos < text->len)
  {
    char const *nl = memchr(text->s + pos, '\n', text->len - pos) ;
    size_t e = nl ? (size_t)(nl - text->s) + 1 : text->len ;
    size_t i = pos ;
    while (i < e && (text->s[i] == ' ' || text->s[i] == '\t')) i++ ;
    if (e - i > klen && !memcmp(text->s + i, key, klen) && (text->s[i + klen] == ' ' || text->s[i + klen] == '\t'))
    { *last = e ; found = 1 ; }
    pos = e ;
  }
  return found ;
}
