/* tern-imap-sortfile: the sort-key file of the selected mailbox
   (MBOXDIR/sortkeys, tern-store.5): every message's SORT and THREAD keys
   by UID, checked whole (version, UIDVALIDITY, SipHash, structure) before
   any of it is used, replaced whole by tern_file_replace.  Derived data:
   missing or damaged, it is computed again from the header cache. */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <skalibs/strerr.h>
#include "tern.h"
#include "tern_siphash.h"
#include "tern-imap.h"

#define SF_MAGIC "tern-sortkeys 2\n"
#define SF_HEAD 24              /* magic, UIDVALIDITY, count */
#define SF_FIXED 37             /* per record: UID, date, reply, SK_NSORT ranks */
#define SF_MAX 0x7fffffffu
#define SF_RECMAX 65536         /* a record's bytes at most: longer keys are not written */

static uint64_t const key[2] = { 0x7465726e736f7274ull, 0x6b65797366696c65ull } ;

static uint32_t get32 (unsigned char const *s)
{
  return (uint32_t)s[0] | (uint32_t)s[1] << 8 | (uint32_t)s[2] << 16 | (uint32_t)s[3] << 24 ;
}

static uint64_t get64 (unsigned char const *s)
{
  return (uint64_t)get32(s) | (uint64_t)get32(s + 4) << 32 ;
}

static int put64 (stralloc *sa, uint64_t x, unsigned int n)
{
  char b[8] ;
  for (unsigned int i = 0 ; i < n ; i++) b[i] = (char)(x >> 8 * i) ;
  return stralloc_catb(sa, b, n) ;
}

/* one record at s[0..len): its length, or 0 if it is not whole */
static size_t record (unsigned char const *s, size_t len)
{
  size_t i = SF_FIXED ;
  if (len < SF_FIXED || s[12] > 1) return 0 ;
  for (unsigned int k = 0 ; k < SF_NSTR ; k++)
  {
    unsigned char const *z = i < len ? memchr(s + i, 0, len - i) : 0 ;
    if (!z) return 0 ;
    i = (size_t)(z - s) + 1 ;
  }
  return i ;
}

/* checks all of map[0..len) (the file's bytes, of a mailbox of this
   UIDVALIDITY whose UIDs are below uidnext): 1 and f at its first record,
   or 0 (f untouched) */
int sortfile_check (sfile *f, void *map, size_t len, uint32_t uidvalidity, uint32_t uidnext)
{
  unsigned char const *s = map ;
  size_t off = SF_HEAD, n ;
  uint32_t last = 0, count ;
  if (len < SF_HEAD + 8 || len > SF_MAX) return 0 ;
  n = len - 8 ;
  if (memcmp(s, SF_MAGIC, 16) || get32(s + 16) != uidvalidity) return 0 ;
  count = get32(s + 20) ;
  /* no more records than UIDs, none longer than a writer writes: a huge
     file is refused before it is read */
  if (count >= uidnext || (n - SF_HEAD) / SF_RECMAX > count) return 0 ;
  if (tern_siphash(key, s, n) != get64(s + n)) return 0 ;
  for (uint32_t k = 0 ; k < count ; k++)
  {
    size_t r = record(s + off, n - off) ;
    if (!r || r > SF_RECMAX || get32(s + off) <= last || get32(s + off) >= uidnext) return 0 ;
    last = get32(s + off) ;
    off += r ;
  }
  if (off != n) return 0 ;
  f->map = map ; f->maplen = len ; f->off = SF_HEAD ; f->left = count ;
  return 1 ;
}

/* maps the file and checks all of it: 1 and f at its first record, or 0 */
int sortfile_open (sfile *f)
{
  stralloc p = STRALLOC_ZERO ;
  struct stat st ;
  void *map ;
  int fd ;
  memset(f, 0, sizeof *f) ;
  if (!tern_mbox_path(&p, &S.mbox, "sortkeys", 0)) return 0 ;
  fd = open(p.s, O_RDONLY | O_CLOEXEC) ;
  stralloc_free(&p) ;
  if (fd < 0) return 0 ;
  if (fstat(fd, &st) < 0 || st.st_size < SF_HEAD + 8 || (uint64_t)st.st_size > SF_MAX
   || (uint64_t)st.st_size > SF_HEAD + 8 + (uint64_t)S.mbox.hdr.uidnext * SF_RECMAX) { close(fd) ; return 0 ; }
  map = mmap(0, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0) ;  /* read whole next: no fault a page */
  close(fd) ;
  if (map == MAP_FAILED) return 0 ;
  if (sortfile_check(f, map, (size_t)st.st_size, S.ent.uidvalidity, S.mbox.hdr.uidnext)) return 1 ;
  munmap(map, (size_t)st.st_size) ;
  return 0 ;
}

/* the next record (UIDs ascend): 1, or 0 at the end */
int sortfile_next (sfile *f, uint32_t *uid, int64_t *date, int *reply, uint32_t *rk, char const **str)
{
  unsigned char const *s = (unsigned char const *)f->map + f->off ;
  size_t i = SF_FIXED ;
  if (!f->left) return 0 ;
  *uid = get32(s) ;
  *date = (int64_t)get64(s + 4) ;
  *reply = s[12] ;
  for (unsigned int k = 0 ; k < SK_NSORT ; k++) rk[k] = get32(s + 13 + 4 * k) ;
  for (unsigned int k = 0 ; k < SF_NSTR ; k++)
  {
    str[k] = (char const *)s + i ;
    i += strlen(str[k]) + 1 ;
  }
  f->off += i ;
  f->left-- ;
  return 1 ;
}

void sortfile_close (sfile *f)
{
  if (f->map) munmap(f->map, f->maplen) ;
  memset(f, 0, sizeof *f) ;
}

static int fill (int fd, void *aux)
{
  stralloc const *sa = aux ;
  return (size_t)write(fd, sa->s, sa->len) == sa->len ;
}

/* the keys k[0..n) (UIDs ascending) replace the file; errors are only
   logged: the keys are computed again next time */
void sortfile_write (skey const *k, size_t n)
{
  stralloc sa = STRALLOC_ZERO, p = STRALLOC_ZERO ;
  uint32_t const *rk[SK_NSORT] ;
  int ok = stralloc_cats(&sa, SF_MAGIC) && put64(&sa, S.ent.uidvalidity, 4) && put64(&sa, n, 4) ;
  for (unsigned int j = 0 ; j < SK_NSORT ; j++) rk[j] = sort_rank(k, n, j) ;
  for (size_t i = 0 ; i < n && ok ; i++)
  {
    uint32_t const *o = k[i].s ;
    ok = put64(&sa, k[i].uid, 4) && put64(&sa, (uint64_t)k[i].date, 8) && stralloc_catb(&sa, k[i].reply ? "\1" : "\0", 1) ;
    for (unsigned int j = 0 ; j < SK_NSORT && ok ; j++) ok = put64(&sa, rk[j][i], 4) ;
    size_t start = sa.len - SF_FIXED ;
    for (unsigned int j = 0 ; j < SF_NSTR && ok ; j++)
      ok = stralloc_catb(&sa, sort_str(o[j]), strlen(sort_str(o[j])) + 1) ;
    if (sa.len - start > SF_RECMAX) ok = 0 ;   /* no file: the keys are computed each session */
  }
  ok = ok && sa.len <= SF_MAX - 8 && put64(&sa, tern_siphash(key, sa.s, sa.len), 8) ;
  if (ok && tern_mbox_path(&p, &S.mbox, "sortkeys", 0) && !tern_file_replacefn(p.s, 0600, &fill, &sa))
    strerr_warnwu1sys("write the sort-key file") ;
  stralloc_free(&sa) ;
  stralloc_free(&p) ;
}
