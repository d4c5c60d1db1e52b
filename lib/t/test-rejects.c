/* test-rejects: the rejects ring (tern-rejects(5)): keys of content and
   Message-ID, retries found, a full ring forgets the oldest, a file that
   is not a ring is read as empty and started again, bounded cost. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <time.h>
#include "t.h"
#include "tern.h"
#include "tern_rejects.h"

static char dir[] = "/tmp/test-rejects.XXXXXX" ;

/* the key of the message text s (written to a file) */
static void key (unsigned char *k, char const *s)
{
  char path[64] ;
  int fd ;
  strcpy(path, dir) ;
  strcat(path, "/msg") ;
  fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600) ;
  T(fd >= 0 && write(fd, "XXX", 3) == 3 && write(fd, s, strlen(s)) == (ssize_t)strlen(s), "message written") ;
  T(tern_rejects_key(k, fd, 3), "key read from offset 3") ;
  close(fd) ;
}

static void msgid (void)
{
  char const *id = 0 ;
  char const *h1 = "From: a\r\nMessage-Id: \r\n <AbC@x.example> (c)\r\n\r\n" ;
  char const *h2 = "From: a\n\nMessage-ID: <body@x>\n" ;
  size_t n = tern_rejects_msgid(h1, strlen(h1), &id) ;
  T(n == 13 && !memcmp(id, "AbC@x.example", 13), "folded Message-Id found") ;
  T(!tern_rejects_msgid(h2, strlen(h2), &id), "a Message-ID in the body is not one") ;
  T(!tern_rejects_msgid("Message-ID: <>\n\n", 16, &id), "an empty <> is none") ;
}

static void ring (void)
{
  unsigned char a[TERN_REJECTS_KEY], b[TERN_REJECTS_KEY], c[TERN_REJECTS_KEY], k[TERN_REJECTS_KEY] ;
  struct stat st ;
  int fd = tern_lockat(dir, "rejects") ;
  key(a, "Message-ID: <1@x>\n\nspam\n") ;
  key(b, "Message-ID: <1@X>\nX: rewritten\n\nspam\n") ;
  key(c, "Subject: no id\n\nspam\n") ;
  T(!memcmp(a + 16, b + 16, 16) && memcmp(a, b, 16), "same Message-ID (any case), other bytes") ;
  T(fd >= 0 && tern_rejects_seen(fd, a) == 0, "empty file: not seen") ;
  T(tern_rejects_add(fd, a) && tern_rejects_seen(fd, a) == 1, "added: seen") ;
  T(tern_rejects_seen(fd, b) == 1, "same Message-ID: seen") ;
  T(tern_rejects_seen(fd, c) == 0, "another message: not seen") ;
  T(fstat(fd, &st) == 0 && st.st_size == TERN_REJECTS_SIZE, "the file is the ring's size") ;
  T(tern_rejects_add(fd, c) && tern_rejects_seen(fd, c) == 1, "a key with no Message-ID half") ;
  for (unsigned int i = 0 ; i < TERN_REJECTS_SLOTS - 2 ; i++)
  {
    memset(k, 0, sizeof k) ;
    memcpy(k, &i, sizeof i) ;
    k[31] = 1 ;
    if (!tern_rejects_add(fd, k)) break ;
  }
  T(tern_rejects_seen(fd, a) == 1, "full ring: the first still there") ;
  T(tern_rejects_add(fd, k) && tern_rejects_seen(fd, a) == 0 && tern_rejects_seen(fd, c) == 1, "one more: the oldest forgotten") ;
  T(fstat(fd, &st) == 0 && st.st_size == TERN_REJECTS_SIZE, "still the ring's size") ;
  T(pwrite(fd, "garbage!", 8, 0) == 8 && tern_rejects_seen(fd, c) == 0, "a damaged file: empty") ;
  T(tern_rejects_add(fd, a) && tern_rejects_seen(fd, a) == 1 && tern_rejects_seen(fd, c) == 0, "started again") ;
  T(ftruncate(fd, 100) == 0 && tern_rejects_seen(fd, a) == 0, "a short file: empty") ;
  T(tern_rejects_add(fd, a) && fstat(fd, &st) == 0 && st.st_size == TERN_REJECTS_SIZE, "rewritten whole") ;
  close(fd) ;
}

/* a 64 MiB message: its key in bounded memory and time */
static void big (void)
{
  unsigned char k[TERN_REJECTS_KEY] ;
  char path[64], buf[65536] ;
  struct rusage r0, r1 ;
  clock_t t = clock() ;
  int fd ;
  strcpy(path, dir) ;
  strcat(path, "/big") ;
  fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600) ;
  memset(buf, 'a', sizeof buf) ;
  memcpy(buf, "Message-ID: <big@x>\n", 20) ;
  for (int i = 0 ; fd >= 0 && i < 1024 ; i++) if (write(fd, buf, sizeof buf) != (ssize_t)sizeof buf) break ;
  getrusage(RUSAGE_SELF, &r0) ;
  T(fd >= 0 && tern_rejects_key(k, fd, 0), "64 MiB message: a key") ;
  getrusage(RUSAGE_SELF, &r1) ;
  T(r1.ru_maxrss - r0.ru_maxrss < 4096, "in under 4 MiB more memory") ;
  T((double)(clock() - t) / CLOCKS_PER_SEC < 20.0, "in under 20 s of CPU") ;
  if (fd >= 0) close(fd) ;
  unlink(path) ;
}

int main (void)
{
  char path[64] ;
  if (!mkdtemp(dir)) return 111 ;
  msgid() ;
  ring() ;
  big() ;
  strcpy(path, dir) ; strcat(path, "/msg") ; unlink(path) ;
  strcpy(path, dir) ; strcat(path, "/rejects") ; unlink(path) ;
  rmdir(dir) ;
  return tdone() ;
}
