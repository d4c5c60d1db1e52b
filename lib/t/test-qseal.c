/* test-qseal: the sealed first line of a message file (format 3, its
   CRC-32; format 2, its SHA-256, still read), the pool and the
   recovery of queue versions 3 and 4, from their contract (tern-queue.5 "Message
   files", "Committing a message", "The pool", "Recovery"; tern_queue.h).
   The seal on real files: whole, and each way of not being whole; a file
   left by a crash recovered (done, empty, torn, dup, clash); a message
   taken from the pool, written and committed (one fdatasync of the file,
   no sync of a directory: this file's fsync and fdatasync count them),
   aborted; a process's batches (2, 4, 8, 16 files) and only their files
   taken; 40 takes in one process.  Each process's part in a child. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <bearssl.h>
#include "tern.h"
#include "tern_queue.h"
#include "t.h"

/* the syncs made, of regular files and of directories */
static unsigned int nfile = 0, ndir = 0 ;
static void counted (int fd)
{
  struct stat st ;
  if (fstat(fd, &st) < 0) return ;
  if (S_ISDIR(st.st_mode)) ndir++ ; else nfile++ ;
}
int fsync (int fd) { counted(fd) ; return (int)syscall(SYS_fsync, fd) ; }
int fdatasync (int fd) { counted(fd) ; return (int)syscall(SYS_fdatasync, fd) ; }

#define ID "6701ab3c0f1a2.2f1a9"
#define REST "time 1700000000\nfrom <a@b.example>\nrcpt <c@d.example>\n\nSubject: x\r\n\r\nbody\r\n"

static void sha (unsigned char *out, char const *s, size_t n)
{
  br_sha256_context c ;
  br_sha256_init(&c) ;
  br_sha256_update(&c, s, n) ;
  br_sha256_out(&c, out) ;
}

/* CRC-32 as the man page names it (ISO 3309, gzip, PNG: reflected,
   polynomial 0xedb88320, all ones in and out), bit by bit, not zlib */
static uint32_t crc (char const *s, size_t n)
{
  uint32_t c = 0xffffffff ;
  for (size_t i = 0 ; i < n ; i++)
  {
    c ^= (unsigned char)s[i] ;
    for (unsigned int b = 0 ; b < 8 ; b++) c = c & 1 ? c >> 1 ^ 0xedb88320 : c >> 1 ;
  }
  return c ^ 0xffffffff ;
}

static void put (char const *path, char const *s, size_t n)
{
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0640) ;
  if (fd < 0 || write(fd, s, n) != (ssize_t)n) { perror(path) ; exit(111) ; }
  close(fd) ;
}

/* the file at path through tern_qseal_check */
static int checkf (char const *path, char *id)
{
  struct stat st ;
  int fd = open(path, O_RDONLY), r, e ;
  if (fd < 0 || fstat(fd, &st) < 0) { perror(path) ; exit(111) ; }
  id[0] = 0 ;
  errno = 0 ;
  r = tern_qseal_check(fd, (uint64_t)st.st_size, id) ;
  e = errno ;
  close(fd) ;
  errno = e ;
  return r ;
}

/* a message file: the first line for id (size rest's length plus adj, its
   CRC-32), then rest */
static size_t sealed (char *out, char const *id, char const *rest, size_t n, int adj)
{
  size_t k = tern_qseal_fmt(out, id, (uint64_t)n + adj, crc(rest, n)) ;
  memcpy(out + k, rest, n) ;
  return k + n ;
}

/* the same in format 2 (queue version 3), written here from the man page:
   the SHA-256 in 64 digits, the id at 95; zero: the unsealed zeros */
static size_t sealed2 (char *out, char const *id, char const *rest, size_t n, int zero)
{
  unsigned char h[32] ;
  char hex[65] ;
  int k ;
  sha(h, rest, n) ;
  for (unsigned int i = 0 ; i < 32 ; i++) snprintf(hex + 2 * i, 3, "%02x", zero ? 0 : h[i]) ;
  k = sprintf(out, "tern-queue 2 %016llx %s %s\n", zero ? 0ULL : (unsigned long long)n, hex, id) ;
  memcpy(out + k, rest, n) ;
  return (size_t)k + n ;
}

static unsigned int nbad = 0 ;
/* s is not whole: 0 with EPROTO */
static void notwhole (char const *what, char const *s, size_t n)
{
  char id[TERN_QUEUE_IDMAX] ;
  int r ;
  put("f", s, n) ;
  r = checkf("f", id) ;
  if (r != 0 || errno != EPROTO) fprintf(stderr, "  %s: %d errno %d\n", what, r, errno) ;
  T(r == 0 && errno == EPROTO, what) ;
  nbad++ ;
}

static void seal (void)
{
  char line[TERN_QSEAL_MAX], buf[4096], id[TERN_QUEUE_IDMAX] ;
  size_t k, n, r = sizeof REST - 1 ;
  unsigned int flips = 0 ;

  /* the line's form: fixed offsets, lower-case hex, the id, a newline */
  k = tern_qseal_fmt(line, ID, r, crc(REST, r)) ;
  T(k == TERN_QSEAL_IDAT + sizeof ID && line[k - 1] == '\n', "fmt: its length, a newline at its end") ;
  {
    char size[18] ;
    snprintf(size, sizeof size, "%016llx ", (unsigned long long)r) ;
    T(TERN_QSEAL_SIZEAT == 13 && !memcmp(line, "tern-queue 3 ", 13) && !memcmp(line + TERN_QSEAL_SIZEAT, size, 17), "fmt: magic, SIZE 16 hex digits at 13") ;
  }
  {
    char hex[10] ;
    snprintf(hex, sizeof hex, "%08lx ", (unsigned long)crc(REST, r)) ;
    T(TERN_QSEAL_SUMAT == 30 && !memcmp(line + TERN_QSEAL_SUMAT, hex, 9), "fmt: SUM, the CRC-32, 8 lower-case hex digits at 30") ;
    T(crc("123456789", 9) == 0xcbf43926 && tern_qseal_sum(0, "123456789", 9) == 0xcbf43926
      && tern_qseal_sum(tern_qseal_sum(0, "1234", 4), "56789", 5) == 0xcbf43926, "sum: the CRC-32 check value of \"123456789\", in one call or two") ;
  }
  T(TERN_QSEAL_IDAT == 39 && !memcmp(line + TERN_QSEAL_IDAT, ID "\n", sizeof ID), "fmt: ID at 39") ;
  k = tern_qseal_fmt(line, ID, 0xfedcba9876543210ULL, 0x89abcdef) ;
  T(!memcmp(line, "tern-queue 3 fedcba9876543210 89abcdef " ID "\n", k), "fmt: every digit in place") ;
  k = tern_qseal_unsealed(line, ID) ;
  T(k == TERN_QSEAL_IDAT + sizeof ID && !memcmp(line, "tern-queue 3 xxxxxxxxxxxxxxxx xxxxxxxx " ID "\n", k),
    "unsealed: x's, the sealed line's length") ;
  T(tern_qseal_is("tern-queue 3 ", 13) == 3 && tern_qseal_is("tern-queue 2 0", 14) == 2 && !tern_qseal_is("tern-queue 3", 12)
    && !tern_qseal_is("tern-queue 1\n", 13) && !tern_qseal_is("tern-queue 4 ", 13), "is: formats 3 and 2, nothing else") ;

  /* whole */
  n = sealed(buf, ID, REST, r, 0) ;
  put("f", buf, n) ;
  T(checkf("f", id) == 1 && !strcmp(id, ID), "a whole file: 1 and its id") ;
  n = sealed(buf, "6701ab3c.2f1a9", REST, r, 0) ;
  put("f", buf, n) ;
  T(checkf("f", id) == 1 && !strcmp(id, "6701ab3c.2f1a9"), "a whole file with a version 1 id") ;
  {
    static char big[1048576 + TERN_QSEAL_MAX] ;
    char *m = malloc(1048576) ;
    if (!m) exit(111) ;
    for (size_t i = 0 ; i < 1048576 ; i++) m[i] = "abcdefghij\r\n"[i % 12] ;
    memcpy(m, REST, r) ;
    n = sealed(big, "6701ab3c0f1a2.ffffffffffffffff", m, 1048576, 0) ;
    put("f", big, n) ;
    T(checkf("f", id) == 1 && !strcmp(id, "6701ab3c0f1a2.ffffffffffffffff"), "1 MiB message: whole") ;
    big[n - 1] ^= 1 ;
    put("f", big, n) ;
    T(checkf("f", id) == 0 && errno == EPROTO, "1 MiB message, its last byte flipped: not whole") ;
    free(m) ;
  }

  /* format 2, still read */
  n = sealed2(buf, ID, REST, r, 0) ;
  put("f", buf, n) ;
  T(checkf("f", id) == 1 && !strcmp(id, ID), "format 2: a whole file, 1 and its id") ;
  buf[n - 3] ^= 1 ;
  notwhole("format 2, a byte flipped", buf, n) ;
  n = sealed2(buf, ID, REST, r, 0) ;
  buf[TERN_QSEAL_SUMAT + 63] = buf[TERN_QSEAL_SUMAT + 63] == '0' ? '1' : '0' ;
  notwhole("format 2, a digit of HASH changed", buf, n) ;
  n = sealed2(buf, ID, REST, r, 1) ;
  notwhole("format 2, unsealed (zeros)", buf, n) ;
  n = sealed2(buf, ID, "", 0, 1) ;
  notwhole("format 2, unsealed, nothing after the line", buf, n) ;
  n = sealed(buf, ID, REST, r, 0) ;
  buf[11] = '2' ;
  notwhole("a format 3 line called 2", buf, n) ;

  /* not whole */
  k = tern_qseal_unsealed(line, ID) ;
  memcpy(buf, line, k) ; memcpy(buf + k, REST, r) ;
  notwhole("unsealed (x's)", buf, k + r) ;
  notwhole("unsealed, nothing after the line", line, k) ;
  n = sealed(buf, ID, REST, r, -1) ;
  notwhole("SIZE one short", buf, n) ;
  n = sealed(buf, ID, REST, r, 1) ;
  notwhole("SIZE one long", buf, n) ;
  n = sealed(buf, ID, REST, r, 0) ;
  notwhole("one byte more at its end", buf, n + 1) ;    /* the NUL after it */
  notwhole("its last byte missing", buf, n - 1) ;
  k = n - r ;
  for (size_t i = k ; i < n ; i++)
  {
    char id2[TERN_QUEUE_IDMAX] ;
    buf[i] ^= 0x20 ;
    put("f", buf, n) ;
    if (checkf("f", id2) == 0 && errno == EPROTO) flips++ ;
    buf[i] ^= 0x20 ;
  }
  T(flips == r, "one byte flipped anywhere after the first line: never whole") ;
  for (size_t i = 0 ; i < k ; i++)   /* or in the first line's SIZE or SUM */
  {
    char id2[TERN_QUEUE_IDMAX] ;
    if (i < TERN_QSEAL_SIZEAT || (i >= TERN_QSEAL_SIZEAT + 16 && i < TERN_QSEAL_SUMAT) || i >= TERN_QSEAL_SUMAT + 8) continue ;
    buf[i] = buf[i] == '0' ? '1' : '0' ;
    put("f", buf, n) ;
    if (checkf("f", id2) == 0 && errno == EPROTO) flips++ ;
    n = sealed(buf, ID, REST, r, 0) ;
  }
  T(flips == r + 16 + 8, "one digit of SIZE or SUM changed: never whole") ;
  notwhole("the first line cut short (no newline)", buf, 45) ;
  notwhole("only the magic", buf, 13) ;
  notwhole("shorter than the line", buf, k - 1) ;
  notwhole("the line only, SIZE not 0", buf, k) ;
  notwhole("empty", "", 0) ;
  {
    char cut[8192] ;   /* the sum cut: a short line, then the rest */
    memcpy(cut, buf, 35) ; cut[35] = '\n' ; memcpy(cut + 36, REST, r) ;
    notwhole("a short SUM", cut, 36 + r) ;
  }
  buf[TERN_QSEAL_SIZEAT + 15] = 'g' ;
  notwhole("a non-hex SIZE", buf, n) ;
  n = sealed(buf, ID, REST, r, 0) ;
  buf[TERN_QSEAL_SIZEAT] = '+' ;   /* the same number to strtoull */
  notwhole("a sign in SIZE", buf, n) ;
  n = sealed(buf, ID, REST, r, 0) ;
  buf[TERN_QSEAL_SIZEAT] = ' ' ;
  notwhole("a space in SIZE", buf, n) ;
  n = sealed(buf, ID, REST, r, 0) ;
  buf[TERN_QSEAL_SUMAT + 7] = 'x' ;
  notwhole("a non-hex SUM", buf, n) ;
  n = sealed(buf, ID, REST, r, 0) ;
  for (unsigned int i = 0 ; i < 8 ; i++)   /* the same sum in upper case */
    if (buf[TERN_QSEAL_SUMAT + i] >= 'a') buf[TERN_QSEAL_SUMAT + i] -= 32 ;
  notwhole("an upper-case SUM (REST's CRC-32 is aa12fd00)", buf, n) ;
  n = sealed(buf, "not-an-id", REST, r, 0) ;
  notwhole("a bad id", buf, n) ;
  n = sealed(buf, "6701ab3c0f1a2.", REST, r, 0) ;
  notwhole("an id without its inode", buf, n) ;
  n = sealed(buf, "6701ab3c0f1a2.2f1a9 x", REST, r, 0) ;
  notwhole("an id with more after it", buf, n) ;
  n = sealed(buf, "", REST, r, 0) ;
  notwhole("no id", buf, n) ;
  n = sealed(buf, ID, REST, r, 0) ;
  buf[TERN_QSEAL_SIZEAT - 1] = '\t' ;
  notwhole("a tab for a space", buf, n) ;
  n = sealed(buf, ID, REST, r, 0) ;
  buf[11] = '4' ;
  notwhole("tern-queue 4", buf, n) ;
  notwhole("tern-queue 1", "tern-queue 1\n" REST, sizeof "tern-queue 1\n" REST - 1) ;
  {
    /* a version 1 file that happens to be as long as a sealed one */
    char v1[512] ;
    size_t m = sealed(v1, ID, REST, r, 0) ;
    memcpy(v1, "tern-queue 1\n", 13) ;
    notwhole("tern-queue 1, padded", v1, m) ;
  }
  {
    /* zeros as a crash may leave them: a file of the right length */
    char z[256] ;
    memset(z, 0, sizeof z) ;
    notwhole("all zero bytes", z, sizeof z) ;
  }
  /* a read error: -1 with errno */
  {
    int fd = open("f", O_WRONLY) ;
    errno = 0 ;
    T(fd >= 0 && tern_qseal_check(fd, 200, id) == -1 && errno == EBADF, "a descriptor not open for reading: -1, EBADF") ;
    if (fd >= 0) close(fd) ;
  }
  fprintf(stderr, "seal: %u files not whole checked\n", nbad) ;
}

static int exists (char const *p) { struct stat st ; return !stat(p, &st) ; }
static ino_t inode (char const *p) { struct stat st ; return stat(p, &st) ? 0 : st.st_ino ; }

/* the number of entries of dir, and of those named n.* */
static unsigned int count (char const *dir, unsigned int *nnew)
{
  DIR *d = opendir(dir) ;
  struct dirent *e ;
  unsigned int n = 0 ;
  if (nnew) *nnew = 0 ;
  if (!d) return 0 ;
  while ((e = readdir(d)))
  {
    if (e->d_name[0] == '.') continue ;
    n++ ;
    if (nnew && !strncmp(e->d_name, "n.", 2)) (*nnew)++ ;
  }
  closedir(d) ;
  return n ;
}

/* a whole message file at path, its id from its inode; the id into id */
static void whole (char const *path, char *id)
{
  char buf[4096] ;
  size_t n ;
  put(path, "", 0) ;
  tern_queue_idfmt(id, 1700000000, 12345, (uint64_t)inode(path)) ;
  n = sealed(buf, id, REST, sizeof REST - 1, 0) ;
  put(path, buf, n) ;
}

/* tern_qfile_recover of path as the runner calls it: open, flock */
static int recover (char const *qdir, char const *path, char *id)
{
  int fd = open(path, O_RDWR), r ;
  if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) < 0) { perror(path) ; exit(111) ; }
  id[0] = 0 ;
  r = tern_qfile_recover(qdir, path, fd, id) ;
  close(fd) ;
  return r ;
}

static void recovery (void)
{
  char id[TERN_QUEUE_IDMAX], got[TERN_QUEUE_IDMAX], p[256] ;
  ino_t ino ;
  T(tern_queue_init("q1"), "init q1") ;
  T(exists("q1/pool") && exists("q1/tmp") && exists("q1/todo"), "init: pool/, tmp/, todo/") ;
  mkdir("q1/pool", 0700) ;   /* the checks below without it too */

  whole("q1/pool/a", id) ;
  ino = inode("q1/pool/a") ;
  T(recover("q1", "q1/pool/a", got) == TERN_QREC_DONE && !strcmp(got, id), "whole in pool/: DONE, its id") ;
  snprintf(p, sizeof p, "q1/todo/%s", id) ;
  T(inode(p) == ino && !exists("q1/pool/a"), "whole in pool/: todo/ID the same inode, pool/ name gone") ;

  whole("q1/tmp/b", id) ;
  T(recover("q1", "q1/tmp/b", got) == TERN_QREC_DONE && !strcmp(got, id) && !exists("q1/tmp/b"), "whole in tmp/: DONE, moved") ;

  put("q1/pool/c", "", 0) ;
  T(recover("q1", "q1/pool/c", got) == TERN_QREC_EMPTY && exists("q1/pool/c"), "empty: EMPTY, left") ;

  whole("q1/pool/d", id) ;
  {
    int fd = open("q1/pool/d", O_WRONLY) ;
    if (fd < 0 || pwrite(fd, "X", 1, 150) != 1) exit(111) ;   /* in the message */
    close(fd) ;
  }
  T(recover("q1", "q1/pool/d", got) == TERN_QREC_TORN && exists("q1/pool/d"), "torn: TORN, left") ;
  snprintf(p, sizeof p, "q1/todo/%s", id) ;
  T(!exists(p), "torn: nothing in todo/") ;

  whole("q1/tmp/e", id) ;
  snprintf(p, sizeof p, "q1/todo/%s", id) ;
  if (link("q1/tmp/e", p) < 0) exit(111) ;
  T(recover("q1", "q1/tmp/e", got) == TERN_QREC_DUP && !exists("q1/tmp/e") && exists(p), "todo/ID the same inode: DUP, path gone, todo/ID kept") ;

  whole("q1/pool/f", id) ;
  snprintf(p, sizeof p, "q1/mess/%s", id) ;
  if (link("q1/pool/f", p) < 0) exit(111) ;
  T(recover("q1", "q1/pool/f", got) == TERN_QREC_DUP && !exists("q1/pool/f") && exists(p), "mess/ID the same inode: DUP") ;

  whole("q1/tmp/g", id) ;
  snprintf(p, sizeof p, "q1/mess/%s", id) ;
  put(p, "another", 7) ;
  T(recover("q1", "q1/tmp/g", got) == TERN_QREC_CLASH && exists("q1/tmp/g") && inode(p) != inode("q1/tmp/g"), "mess/ID another file: CLASH, both left") ;
  snprintf(p, sizeof p, "q1/todo/%s", id) ;
  T(!exists(p), "clash: nothing in todo/") ;
}

static int envok (tern_qenv *e)
{
  return e->nrcpt == 1 && !strcmp(e->from.s, "a@b.example") && !strcmp(e->rcpts.s, "c@d.example")
    && !strcmp(e->ip.s, "192.0.2.7") && !strcmp(e->helo.s, "client.example") ;
}

/* take, write msg in pieces, commit: TERN_OK and the id */
static int one (char const *qdir, char const *msg, size_t n, char *id)
{
  tern_qfile q = TERN_QFILE_ZERO ;
  tern_qenv e = TERN_QENV_ZERO ;
  char const *what, *bad ;
  char buf[4096] ;
  int r ;
  if (tern_qenv_make(&e, "a@b.example", "c@d.example", 1, 0, "192.0.2.7", "client.example", 0, &what, &bad) != TERN_OK) return -1 ;
  r = tern_qfile_take(&q, qdir, &e, buf, sizeof buf) ;
  for (size_t i = 0 ; r == TERN_OK && i < n ; i += 3000)
    r = tern_qfile_write(&q, msg + i, n - i < 3000 ? n - i : 3000) ;
  if (r == TERN_OK) r = tern_qfile_commit(&q, qdir) ;
  strcpy(id, q.id) ;
  tern_qenv_free(&e) ;
  return r ;
}

/* f in a child process of its own (a process's batches and their sizes
   are its own state, tern_queue.h), its counts added to ours */
static void inchild (void (*f)(void))
{
  int p[2], st ;
  unsigned int c[2] = { 0, 1 } ;
  pid_t pid ;
  fflush(stderr) ;
  if (pipe(p) < 0 || (pid = fork()) < 0) { perror("fork") ; exit(111) ; }
  if (!pid)
  {
    close(p[0]) ;
    t_pass = t_fail = 0 ;
    f() ;
    c[0] = t_pass ; c[1] = t_fail ;
    if (write(p[1], c, sizeof c) != sizeof c) _exit(111) ;
    fflush(stderr) ;
    _exit(0) ;
  }
  close(p[1]) ;
  if (read(p[0], c, sizeof c) != sizeof c) { c[0] = 0 ; c[1] = 1 ; }
  close(p[0]) ;
  waitpid(pid, &st, 0) ;
  T(WIFEXITED(st) && !WEXITSTATUS(st), "a child's checks ran to their end") ;
  t_pass += c[0] ; t_fail += c[1] ;
}

static char msg[10000] ;

static void take (void)
{
  char id[TERN_QUEUE_IDMAX], got[TERN_QUEUE_IDMAX], p[256] ;
  unsigned int nnew ;
  int fd ;
  T(tern_queue_init("q2"), "init q2") ;
  {
    char v[8] ;
    int vfd = open("q2/version", O_RDONLY) ;
    ssize_t k = vfd >= 0 ? read(vfd, v, sizeof v) : -1 ;
    T(k == 2 && !memcmp(v, "4\n", 2), "a new queue: version 4") ;
    if (vfd >= 0) close(vfd) ;
  }
  nfile = ndir = 0 ;
  T(one("q2", msg, sizeof msg, id) == TERN_OK, "take, write, commit: TERN_OK") ;
  T(count("q2/pool", &nnew) == 1 && !nnew, "a process's first batch: 2 files, one taken, no n.* left") ;
  T(ndir == 1, "the batch: one sync of pool/") ;
  T(count("q2/tmp", 0) == 0, "nothing left in tmp/") ;
  snprintf(p, sizeof p, "q2/todo/%s", id) ;
  T(checkf(p, got) == 1 && !strcmp(got, id), "todo/ID whole, its id in its seal") ;
  fd = open(p, O_RDONLY) ;
  {
    tern_qenv e = TERN_QENV_ZERO ;
    struct stat st ;
    char *b = malloc(65536) ;
    ssize_t k = b && fd >= 0 ? pread(fd, b, 65536, 0) : -1 ;
    T(fd >= 0 && tern_qenv_read(&e, fd) == TERN_OK && envok(&e), "its envelope read back (tern_qenv_read)") ;
    T(k > 0 && !fstat(fd, &st) && (size_t)st.st_size == e.hdrlen + sizeof msg && (size_t)k == (size_t)st.st_size
      && !memcmp(b + e.hdrlen, msg, sizeof msg), "its message bytes exactly those written") ;
    free(b) ;
    tern_qenv_free(&e) ;
    if (fd >= 0) close(fd) ;
  }
  /* the second file of its batch: the commit is one sync, of the file */
  nfile = ndir = 0 ;
  T(one("q2", msg, 100, id) == TERN_OK, "a second message") ;
  T(nfile == 1 && ndir == 0 && count("q2/pool", 0) == 0, "its commit: one fdatasync or fsync of the file, none of a directory; the batch used up") ;
  if (nfile != 1 || ndir) fprintf(stderr, "  %u of files, %u of directories\n", nfile, ndir) ;

  /* a whole file planted in pool/ (a crash's, another process's): never
     taken by this one, which takes only its own batches' files */
  whole("q2/pool/zz.crash", got) ;
  /* abort: no tmp/ file left */
  {
    tern_qfile q = TERN_QFILE_ZERO ;
    tern_qenv e = TERN_QENV_ZERO ;
    char const *what, *bad ;
    char buf[TERN_QSEAL_MAX] ;   /* the least tern_qfile.c takes (EINVAL below it) */
    T(tern_qenv_make(&e, "a@b.example", "c@d.example", 1, 0, "192.0.2.7", "client.example", 0, &what, &bad) == TERN_OK
      && tern_qfile_take(&q, "q2", &e, buf, sizeof buf) == TERN_OK, "take") ;
    T(count("q2/tmp", 0) == 1 && count("q2/pool", &nnew) == 1 + 3 && !nnew, "taken: in tmp/; its second batch of 4, 3 left") ;
    {
      int o = open(q.tmp.s, O_RDONLY) ;
      T(o >= 0 && flock(o, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK, "taken: locked (flock)") ;
      if (o >= 0) close(o) ;
    }
    tern_qfile_write(&q, msg, 200) ;
    tern_qfile_abort(&q) ;
    T(count("q2/tmp", 0) == 0, "abort: no tmp/ file left") ;
    tern_qfile_abort(&q) ;
    T(count("q2/tmp", 0) == 0, "abort twice: harmless") ;
    tern_qenv_free(&e) ;
  }
  for (unsigned int i = 0 ; i < 20 ; i++) one("q2", msg, 100, id) ;
  snprintf(p, sizeof p, "q2/todo/%s", got) ;
  T(exists("q2/pool/zz.crash") && !exists(p), "a file of pool/ not of its batches: never taken (20 more takes)") ;
}

/* 40 takes in one process on a fresh queue: batches of 2, 4, 8, 16, 16 */
static void forty (void)
{
  char id[TERN_QUEUE_IDMAX] ;
  unsigned int ok = 0, nnew ;
  int fd ;
  T(tern_queue_init("q3"), "init q3") ;
  for (unsigned int i = 0 ; i < 40 ; i++) if (one("q3", msg, 50 + i, id) == TERN_OK) ok++ ;
  T(ok == 40 && count("q3/todo", 0) == 40, "40 takes, 40 commits") ;
  T(count("q3/pool", &nnew) == 46 - 40 && !nnew, "batches of 2, 4, 8, 16, 16 made: 6 left, no n.* behind") ;
  if (count("q3/pool", 0) != 6) fprintf(stderr, "  pool/: %u\n", count("q3/pool", 0)) ;
  T(count("q3/tmp", 0) == 0, "no tmp/ file left") ;
  T(tern_qpool_fill("q3") && count("q3/pool", &nnew) == 6 + TERN_QPOOL_BATCH && !nnew, "tern_qpool_fill: a batch of 16 more") ;
  {
    stralloc t = STRALLOC_ZERO ;
    struct stat st ;
    fd = tern_qpool_take("q3", &t, &st) ;
    T(fd >= 0 && t.len && !t.s[t.len - 1] && !strncmp(t.s, "q3/tmp/", 7) && !fstat(fd, &st) && !st.st_size, "tern_qpool_take: an empty file in tmp/, its path") ;
    if (fd >= 0) close(fd) ;
    stralloc_free(&t) ;
  }
}

int main (void)
{
  seal() ;
  recovery() ;
  for (size_t i = 0 ; i < sizeof msg ; i++) msg[i] = "Subject: hi\r\n\r\nbody\r\n"[i % 21] ;
  inchild(&take) ;
  inchild(&forty) ;
  return tdone() ;
}
