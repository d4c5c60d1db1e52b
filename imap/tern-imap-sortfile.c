/* tern-imap-sortfile: the sort-key file of the selected mailbox
   (MBOXDIR/sortkeys, tern-store.5): every message's SORT and THREAD keys
   by UID in columns, each column checked (SipHash, structure) before any
   of it is used, so a SORT reads its UIDs and one rank column in place;
   replaced whole by tern_file_replace.  Derived data: missing or damaged,
   it is computed again from the header cache. */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <skalibs/strerr.h>
#include "tern.h"
#include "tern_siphash.h"
#include "tern-imap.h"

#define SF_MAGIC "tern-sortkeys 3\n"
#define SF_HEAD 32              /* magic, UIDVALIDITY, count, string bytes, zero */
#define SF_FIXED 37             /* a record's bytes besides its strings (tern-store.5) */
#define SF_NSEC (3 + SK_NSORT)  /* UIDs, dates, the rank columns, strings */
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

/* section k's first byte and length (its SipHash follows it) */
static size_t secstart (sfile const *f, unsigned int k)
{
  size_t n = f->n ;
  if (!k) return 0 ;
  if (k == 1) return SF_HEAD + 4 * n + 8 ;
  return SF_HEAD + 13 * n + 16 + (size_t)(k - 2) * (4 * n + 8) ;
}

static size_t seclen (sfile const *f, unsigned int k)
{
  size_t n = f->n ;
  return !k ? SF_HEAD + 4 * n : k == 1 ? 9 * n : k < 2 + SK_NSORT ? 4 * n : 4 * SF_NSTR * n + f->slen ;
}

static uint64_t sechash (unsigned char const *s, size_t len, unsigned int k)
{
  uint64_t kk[2] = { key[0], key[1] ^ k } ;
  return tern_siphash(kk, s, len) ;
}

/* section k of f checked (SipHash; UIDs ascending and below UIDNEXT;
   strings inside the file and NUL-terminated): 1, or 0 */
int sortfile_section (sfile *f, unsigned int k)
{
  unsigned char const *s = (unsigned char const *)f->map + secstart(f, k) ;
  size_t len = seclen(f, k) ;
  if (f->ok & 1u << k) return 1 ;
  if (sechash(s, len, k) != get64(s + len)) return 0 ;
  if (!k)
    for (size_t i = 0, last = 0 ; i < f->n ; i++)
    {
      uint32_t u = get32(s + SF_HEAD + 4 * i) ;
      if (u <= last || u >= f->uidnext) return 0 ;
      last = u ;
    }
  if (k == 1) for (size_t i = 0 ; i < f->n ; i++) if (s[8 * f->n + i] > 1) return 0 ;
  if (k == SF_NSEC - 1)
  {
    if (f->n && (!f->slen || s[len - 1])) return 0 ;
    for (size_t i = 0 ; i < SF_NSTR * f->n ; i++) if (get32(s + 4 * i) >= f->slen) return 0 ;
  }
  f->ok |= 1u << k ;
  return 1 ;
}

/* map[0..len), the file's bytes, of a mailbox of this UIDVALIDITY whose
   UIDs are below uidnext: 1 and f at its first record, its head and UIDs
   checked (sortfile_section for the others), or 0 (f untouched) */
int sortfile_head (sfile *f, void *map, size_t len, uint32_t uidvalidity, uint32_t uidnext)
{
  unsigned char const *s = map ;
  sfile g = { .map = map, .maplen = len, .uidnext = uidnext } ;
  if (len < SF_HEAD + 8 || len > SF_MAX || memcmp(s, SF_MAGIC, 16) || get32(s + 16) != uidvalidity || get32(s + 28)) return 0 ;
  g.n = get32(s + 20) ;
  g.slen = get32(s + 24) ;
  /* no more records than UIDs, no more string bytes than a writer
     writes: a huge file is refused before it is read */
  if (g.n >= uidnext || g.slen > (uint64_t)g.n * SF_RECMAX) return 0 ;
  if (secstart(&g, SF_NSEC - 1) + seclen(&g, SF_NSEC - 1) + 8 != len) return 0 ;
  if (!sortfile_section(&g, 0)) return 0 ;
  *f = g ;
  return 1 ;
}

/* sortfile_head, then every section */
int sortfile_check (sfile *f, void *map, size_t len, uint32_t uidvalidity, uint32_t uidnext)
{
  sfile g ;
  if (!sortfile_head(&g, map, len, uidvalidity, uidnext)) return 0 ;
  for (unsigned int k = 1 ; k < SF_NSEC ; k++) if (!sortfile_section(&g, k)) return 0 ;
  *f = g ;
  return 1 ;
}

/* maps the file and checks its head and UIDs (all of it if whole): 1, or 0 */
int sortfile_open (sfile *f, int whole)
{
  stralloc p = STRALLOC_ZERO ;
  struct stat st ;
  void *map ;
  int fd, ok ;
  memset(f, 0, sizeof *f) ;
  if (!tern_mbox_path(&p, &S.mbox, "sortkeys", 0)) return 0 ;
  fd = open(p.s, O_RDONLY | O_CLOEXEC) ;
  stralloc_free(&p) ;
  if (fd < 0) return 0 ;
  if (fstat(fd, &st) < 0 || st.st_size < SF_HEAD + 8 || (uint64_t)st.st_size > SF_MAX
   || (uint64_t)st.st_size > SF_HEAD + 8 * SF_NSEC + (uint64_t)S.mbox.hdr.uidnext * (SF_RECMAX + 128)) { close(fd) ; return 0 ; }
  map = mmap(0, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | (whole ? MAP_POPULATE : 0), fd, 0) ;
  close(fd) ;
  if (map == MAP_FAILED) return 0 ;
  ok = whole ? sortfile_check(f, map, (size_t)st.st_size, S.ent.uidvalidity, S.mbox.hdr.uidnext)
    : sortfile_head(f, map, (size_t)st.st_size, S.ent.uidvalidity, S.mbox.hdr.uidnext) ;
  if (ok) return 1 ;
  munmap(map, (size_t)st.st_size) ;
  return 0 ;
}

uint32_t sortfile_uid (sfile const *f, size_t i)
{
  return get32((unsigned char const *)f->map + SF_HEAD + 4 * i) ;
}

/* record i's sent date (section 1 checked) */
int64_t sortfile_date (sfile const *f, size_t i)
{
  return (int64_t)get64((unsigned char const *)f->map + secstart(f, 1) + 8 * i) ;
}

/* record i's rank of string j (its section checked) */
uint32_t sortfile_rank (sfile const *f, unsigned int j, size_t i)
{
  return get32((unsigned char const *)f->map + secstart(f, 2 + j) + 4 * i) ;
}

/* the next record (UIDs ascend; f checked whole): 1, or 0 at the end */
int sortfile_next (sfile *f, uint32_t *uid, int64_t *date, int *reply, uint32_t *rk, char const **str)
{
  unsigned char const *d = (unsigned char const *)f->map + secstart(f, 1) ;
  unsigned char const *o = (unsigned char const *)f->map + secstart(f, SF_NSEC - 1) ;
  size_t i = f->i, n = f->n ;
  if (i >= n) return 0 ;
  *uid = sortfile_uid(f, i) ;
  *date = (int64_t)get64(d + 8 * i) ;
  *reply = d[8 * n + i] ;
  for (unsigned int k = 0 ; k < SK_NSORT ; k++) rk[k] = sortfile_rank(f, k, i) ;
  for (unsigned int k = 0 ; k < SF_NSTR ; k++) str[k] = (char const *)o + 4 * SF_NSTR * n + get32(o + 4 * (k * n + i)) ;
  f->i++ ;
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

/* sa[start..) is section k: its SipHash after it */
static int seal (stralloc *sa, size_t start, unsigned int k)
{
  return put64(sa, sechash((unsigned char const *)sa->s + start, sa->len - start, k), 8) ;
}

/* the strings of k[0..n) into str, their offsets (column by column) into off */
static int strings (skey const *k, size_t n, stralloc *str, stralloc *off)
{
  if (!stralloc_ready(off, 4 * SF_NSTR * n)) return 0 ;
  off->len = 4 * SF_NSTR * n ;
  for (size_t i = 0 ; i < n ; i++)
  {
    size_t start = str->len ;
    for (unsigned int j = 0 ; j < SF_NSTR ; j++)
    {
      char const *s = sort_str(k[i].s[j]) ;
      uint32_t o = (uint32_t)str->len ;
      for (unsigned int b = 0 ; b < 4 ; b++) off->s[4 * (j * n + i) + b] = (char)(o >> 8 * b) ;
      if (!stralloc_catb(str, s, strlen(s) + 1)) return 0 ;
    }
    if (str->len - start + SF_FIXED > SF_RECMAX || str->len > SF_MAX) return 0 ;   /* no file: the keys are computed each session */
  }
  return 1 ;
}

/* the keys k[0..n) (UIDs ascending) replace the file; errors are only
   logged: the keys are computed again next time */
void sortfile_write (skey const *k, size_t n)
{
  stralloc sa = STRALLOC_ZERO, str = STRALLOC_ZERO, off = STRALLOC_ZERO, p = STRALLOC_ZERO ;
  size_t start = 0 ;
  int ok = strings(k, n, &str, &off) && stralloc_cats(&sa, SF_MAGIC) && put64(&sa, S.ent.uidvalidity, 4)
    && put64(&sa, n, 4) && put64(&sa, str.len, 4) && put64(&sa, 0, 4) ;
  for (size_t i = 0 ; i < n && ok ; i++) ok = put64(&sa, k[i].uid, 4) ;
  ok = ok && seal(&sa, start, 0) ;
  start = sa.len ;
  for (size_t i = 0 ; i < n && ok ; i++) ok = put64(&sa, (uint64_t)k[i].date, 8) ;
  for (size_t i = 0 ; i < n && ok ; i++) ok = stralloc_catb(&sa, k[i].reply ? "\1" : "\0", 1) ;
  ok = ok && seal(&sa, start, 1) ;
  for (unsigned int j = 0 ; j < SK_NSORT && ok ; j++)
  {
    uint32_t const *rk = sort_rank(k, n, j) ;
    start = sa.len ;
    for (size_t i = 0 ; i < n && ok ; i++) ok = put64(&sa, rk[i], 4) ;
    ok = ok && seal(&sa, start, 2 + j) ;
  }
  start = sa.len ;
  ok = ok && stralloc_catb(&sa, off.s, off.len) && stralloc_catb(&sa, str.s, str.len) && seal(&sa, start, SF_NSEC - 1) ;
  ok = ok && sa.len <= SF_MAX ;
  if (ok && tern_mbox_path(&p, &S.mbox, "sortkeys", 0) && !tern_file_replacefn(p.s, 0600, &fill, &sa))
    strerr_warnwu1sys("write the sort-key file") ;
  stralloc_free(&sa) ;
  stralloc_free(&str) ;
  stralloc_free(&off) ;
  stralloc_free(&p) ;
}
