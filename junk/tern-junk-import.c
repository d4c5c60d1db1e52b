/* tern-junk-import.c: tern-junk import: train every message of mbox
   files, maildirs and directories of message files, committing every
   JUNK_BATCH messages (the junk lock is held only for a batch).  Prints
   "imported N ham H spam S skipped K"; exits 100 for a bad path, 111. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/mman.h>
#include <skalibs/strerr.h>
#include <skalibs/buffer.h>
#include <skalibs/djbunix.h>
#include "tern.h"
#include "tern_mboxfile.h"
#include "tern-junk.h"

typedef struct imp_s imp ;
struct imp_s
{
  jargs *a ;
  tern_junkdb d ;
  int open ;
  tern_junkwords w ;
  stralloc msg ;
  unsigned int inbatch ;
  unsigned long n, ham, spam, skipped ;
  int tty ;
} ;

static void commit (imp *m)
{
  if (!m->open) return ;
  if (tern_junkdb_commit(&m->d) != TERN_OK) jdie(111, "commit to the junk database") ;
  tern_junkdb_close(&m->d) ;
  m->open = 0 ;
  m->inbatch = 0 ;
}

static void progress (imp *m, int last)
{
  char line[80] ;
  if (!m->tty || (!last && m->n % 100)) return ;
  snprintf(line, sizeof line, "\rimport: %lu messages (%lu ham, %lu spam)%s", m->n, m->ham, m->spam, last ? "\n" : "") ;
  buffer_puts(buffer_2, line) ;
  buffer_flush(buffer_2) ;
}

/* Trains msg[0..len) as spam or ham into the batch. */
static void add (imp *m, char const *s, size_t len, int spam)
{
  if (!m->open)
  {
    tern_junkdb z = TERN_JUNKDB_ZERO ;
    m->d = z ;
    junkdb_open(&m->d, m->a->acct.s, TERN_JUNKDB_WRITE) ;
    m->open = 1 ;
  }
  tern_junkwords_key(&m->w, m->d.key) ;
  if (!tern_junkwords_message(&m->w, s, len, &m->a->o)) strerr_diefusys(111, "read the words of a message") ;
  if (tern_junkdb_train(&m->d, &m->w, spam, 1) != TERN_OK) jdie(111, "train") ;
  m->n++ ;
  if (spam) m->spam++ ; else m->ham++ ;
  progress(m, 0) ;
  if (++m->inbatch >= JUNK_BATCH) commit(m) ;
}

static void onefile (imp *m, char const *path, int spam)
{
  int fd = open(path, O_RDONLY | O_CLOEXEC) ;
  if (fd < 0 || !readmsg(fd, &m->msg, m->a->o.maxbytes, 0))
  {
    strerr_warnwu2sys("read ", path) ;
    m->skipped++ ;
  }
  else add(m, m->msg.s, m->msg.len, spam) ;
  if (fd >= 0) fd_close(fd) ;
}

static int bystr (void const *a, void const *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b) ;
}

/* Every regular file of dir whose name does not start with a dot, sorted. */
static void onedir (imp *m, char const *dir, int spam)
{
  stralloc names = STRALLOC_ZERO, path = STRALLOC_ZERO ;
  genalloc off = GENALLOC_ZERO ;
  DIR *dh = opendir(dir) ;
  size_t n ;
  if (!dh) strerr_diefu2sys(111, "open directory ", dir) ;
  for (struct dirent *e ; (errno = 0, e = readdir(dh)) ;)
  {
    size_t o = names.len ;
    if (e->d_name[0] == '.') continue ;
    if (!stralloc_cats(&names, e->d_name) || !stralloc_0(&names) || !genalloc_append(size_t, &off, &o))
      strerr_diefusys(111, "allocate") ;
  }
  if (errno) strerr_diefu2sys(111, "read directory ", dir) ;
  closedir(dh) ;
  n = genalloc_len(size_t, &off) ;
  {
    char **v = malloc((n + 1) * sizeof *v) ;
    if (!v) strerr_diefusys(111, "allocate") ;
    for (size_t i = 0 ; i < n ; i++) v[i] = names.s + genalloc_s(size_t, &off)[i] ;
    qsort(v, n, sizeof *v, &bystr) ;
    for (size_t i = 0 ; i < n ; i++)
    {
      struct stat st ;
      path.len = 0 ;
      if (!stralloc_cats(&path, dir) || !stralloc_cats(&path, "/") || !stralloc_cats(&path, v[i]) || !stralloc_0(&path))
        strerr_diefusys(111, "allocate") ;
      if (stat(path.s, &st) < 0) { strerr_warnwu2sys("stat ", path.s) ; m->skipped++ ; continue ; }
      if (S_ISREG(st.st_mode)) onefile(m, path.s, spam) ;
    }
    free(v) ;
  }
  genalloc_free(size_t, &off) ;
  stralloc_free(&names) ;
  stralloc_free(&path) ;
}

static void onembox (imp *m, char const *path, int spam, size_t size)
{
  size_t pos = 0, start, end ;
  char const *s ;
  int fd ;
  if (!size) return ;
  fd = open(path, O_RDONLY | O_CLOEXEC) ;
  if (fd < 0) strerr_diefu2sys(111, "open ", path) ;
  s = mmap(0, size, PROT_READ, MAP_PRIVATE, fd, 0) ;
  if (s == MAP_FAILED) strerr_diefu2sys(111, "map ", path) ;
  while (tern_mboxfile_next(s, size, &pos, &start, &end))
  {
    size_t len = end - start < m->a->o.maxbytes ? end - start : m->a->o.maxbytes ;
    m->msg.len = 0 ;
    if (!tern_mboxfile_unquote(&m->msg, s + start, len)) strerr_diefusys(111, "allocate") ;
    add(m, m->msg.s, m->msg.len, spam) ;
  }
  munmap((void *)s, size) ;
  fd_close(fd) ;
}

/* An mbox file, a maildir (cur/ and new/), or a directory of files. */
static void onepath (imp *m, char const *path, int spam)
{
  struct stat st ;
  if (stat(path, &st) < 0)
  {
    if (errno == ENOENT) strerr_dief(100, "no such file or directory: ", path) ;
    strerr_diefu2sys(111, "stat ", path) ;
  }
  if (S_ISREG(st.st_mode)) onembox(m, path, spam, st.st_size) ;
  else if (!S_ISDIR(st.st_mode)) strerr_dief(100, "neither a file nor a directory: ", path) ;
  else
  {
    size_t len = strlen(path) ;
    char cur[len + 5], new[len + 5] ;
    struct stat c, n ;
    memcpy(cur, path, len) ; memcpy(cur + len, "/cur", 5) ;
    memcpy(new, path, len) ; memcpy(new + len, "/new", 5) ;
    if (stat(cur, &c) == 0 && S_ISDIR(c.st_mode) && stat(new, &n) == 0 && S_ISDIR(n.st_mode))
    {
      onedir(m, cur, spam) ;
      onedir(m, new, spam) ;
    }
    else onedir(m, path, spam) ;
  }
}

void cmd_import (jargs *a)
{
  imp m = { .a = a, .open = 0, .w = TERN_JUNKWORDS_ZERO, .msg = STRALLOC_ZERO, .inbatch = 0,
    .n = 0, .ham = 0, .spam = 0, .skipped = 0, .tty = isatty(2) } ;
  char line[128] ;
  /* every path checked before the first is trained */
  for (int k = 0 ; k < 2 ; k++)
    for (size_t i = 0 ; i < genalloc_len(char const *, k ? &a->junkpaths : &a->hampaths) ; i++)
    {
      char const *p = genalloc_s(char const *, k ? &a->junkpaths : &a->hampaths)[i] ;
      struct stat st ;
      if (stat(p, &st) < 0)
      {
        if (errno == ENOENT) strerr_dief(100, "no such file or directory: ", p) ;
        strerr_diefu2sys(111, "stat ", p) ;
      }
      if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) strerr_dief(100, "neither a file nor a directory: ", p) ;
    }
  for (size_t i = 0 ; i < genalloc_len(char const *, &a->junkpaths) ; i++)
    onepath(&m, genalloc_s(char const *, &a->junkpaths)[i], 1) ;
  for (size_t i = 0 ; i < genalloc_len(char const *, &a->hampaths) ; i++)
    onepath(&m, genalloc_s(char const *, &a->hampaths)[i], 0) ;
  commit(&m) ;
  progress(&m, 1) ;
  snprintf(line, sizeof line, "imported %lu ham %lu spam %lu skipped %lu\n", m.n, m.ham, m.spam, m.skipped) ;
  if (buffer_putsflush(buffer_1, line) < 0) strerr_diefusys(111, "write to stdout") ;
  tern_junkwords_free(&m.w) ;
  stralloc_free(&m.msg) ;
}
