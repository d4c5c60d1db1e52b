/* test-store-mbox: delivery, flags, keywords, expunge and compaction,
   the changes tail, O(1) recovery after simulated crashes. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <skalibs/djbunix.h>
#include "tern.h"
#include "tern_store.h"
#include "t.h"

#define A "acct"

static uint32_t put (char const *mb, char const *s)
{
  uint32_t uid = 0 ;
  if (tern_store_deliver(A, mb, s, strlen(s), 0, 0, 0, 0, 0, &uid)) return 0 ;
  return uid ;
}

static int content (char const *path, char const *want)
{
  stralloc sa = STRALLOC_ZERO ;
  int ok = openslurpclose(&sa, path) && sa.len == strlen(want) && !memcmp(sa.s, want, sa.len) ;
  stralloc_free(&sa) ;
  return ok ;
}

static int entries (char const *dir)
{
  DIR *d = opendir(dir) ;
  struct dirent *de ;
  int n = 0 ;
  if (!d) return -1 ;
  while ((de = readdir(d))) if (de->d_name[0] != '.') n++ ;
  closedir(d) ;
  return n ;
}

static void tdeliver (void)
{
  tern_mbox m = TERN_MBOX_ZERO ;
  genalloc g = GENALLOC_ZERO ;
  char const *kw[2] = { "Project-X", "urgent" } ;
  uint32_t uid = 0 ;
  int ok = 1 ;
  for (unsigned int i = 1 ; i <= 50 ; i++) if (put("Inbox", "Subject: x\r\n\r\nbody\r\n") != i) ok = 0 ;
  T(ok, "50 deliveries get UIDs 1..50") ;
  T(content(A "/mail/1/cur/50", "Subject: x\r\n\r\nbody\r\n"), "file stored as received") ;
  T(tern_store_deliver(A, "inbox", "hi\r\n", 4, TERN_F_SEEN | TERN_F_EXPUNGED, kw, 2, 1234567, 0, &uid) == TERN_OK && uid == 51, "deliver with flags and keywords") ;
  T(tern_store_deliver(A, "Nope", "x", 1, 0, 0, 0, 0, 0, &uid) == TERN_PERM && errno == ENOENT, "missing mailbox is permanent") ;
  T(tern_store_deliver(A, "Rejects", "x", 1, 0, 0, 0, 0, TERN_DELIVER_CREATE, &uid) == TERN_OK && uid == 1, "create on demand") ;
  {
    int fd = open("msg", O_RDWR | O_CREAT | O_TRUNC, 0600) ;
    T(fd >= 0 && write(fd, "from fd\r\n", 9) == 9 && lseek(fd, 0, SEEK_SET) == 0, "msg file") ;
    T(tern_store_deliverfd(A, "Inbox", fd, 0, 0, 0, 0, 0, &uid) == TERN_OK && uid == 52, "deliver from fd") ;
    close(fd) ;
  }
  T(tern_mbox_open(&m, A, 1) == TERN_OK, "open Inbox") ;
  T(m.count == 52 && m.hdr.uidnext == 53 && m.hdr.highestmodseq == 52, "header after deliveries") ;
  T(tern_mbox_records(&m, 0, &g) == TERN_OK && genalloc_len(tern_rec, &g) == 52, "read all records") ;
  {
    tern_rec const *r = genalloc_s(tern_rec, &g) ;
    T(r[50].uid == 51 && r[50].flags == TERN_F_SEEN && r[50].keywords == 3 && r[50].internaldate == 1234567 && r[50].size == 4, "record 51") ;
    T(r[51].size == 9 && r[0].size == 20 && r[0].modseq == 1, "sizes and modseq") ;
  }
  genalloc_setlen(tern_rec, &g, 0) ;
  T(tern_mbox_records(&m, 50, &g) == TERN_OK && genalloc_len(tern_rec, &g) == 2, "read from an offset") ;
  T(tern_mbox_keywords(&m) == TERN_OK && m.nkw == 2 && !strcmp(tern_mbox_keywordname(&m, 0), "project-x"), "keywords lowercased") ;
  {
    int fd = tern_mbox_openmsg(&m, 52) ;
    char buf[16] ;
    T(fd >= 0 && read(fd, buf, sizeof buf) == 9 && !memcmp(buf, "from fd\r\n", 9), "openmsg") ;
    if (fd >= 0) close(fd) ;
  }
  T(tern_mbox_openmsg(&m, 99) < 0 && errno == ENOENT, "openmsg missing") ;
  tern_mbox_close(&m) ;
  genalloc_free(tern_rec, &g) ;
}

static void tflags (void)
{
  tern_mbox m = TERN_MBOX_ZERO ;
  genalloc c = GENALLOC_ZERO ;
  tern_rec rec ;
  size_t pos ;
  uint64_t ms = 0, off = 0 ;
  unsigned int bit = 99 ;
  uint32_t gen ;
  int resync = 1 ;
  T(tern_mbox_open(&m, A, 1) == TERN_OK, "open") ;
  gen = m.hdr.generation ;
  T(tern_mbox_changes(&m, gen, &off, &c, &resync) == TERN_OK && !resync && !genalloc_len(tern_change, &c) && off == 16, "no changes yet") ;
  T(tern_mbox_lock(&m, LOCK_EX) == TERN_OK, "lock") ;
  T(tern_mbox_setflags(&m, 7, TERN_F_FLAGGED | TERN_F_EXPUNGED, 4, 0, &ms) == TERN_OK && ms == 53, "setflags") ;
  T(tern_mbox_find(&m, 7, &rec, &pos) == TERN_OK && pos == 6 && rec.flags == TERN_F_FLAGGED && rec.keywords == 4 && rec.modseq == 53, "flags round trip") ;
  T(tern_mbox_setflags(&m, 7, TERN_F_FLAGGED, 4, 0, &ms) == TERN_OK && ms == 53, "no change, no new modseq") ;
  T(tern_mbox_setflags(&m, 8, TERN_F_SEEN, 0, 10, &ms) == TERN_OK && ms == 54, "unchangedsince passes") ;
  T(tern_mbox_setflags(&m, 7, 0, 0, 52, &ms) == TERN_PERM && errno == ESTALE && ms == 53, "unchangedsince fails") ;
  T(tern_mbox_setflags(&m, 999, 0, 0, 0, &ms) == TERN_PERM && errno == ENOENT, "setflags missing uid") ;
  T(tern_mbox_settrain(&m, 7, TERN_TRAIN_SPAM) == TERN_OK, "settrain") ;
  T(tern_mbox_find(&m, 7, &rec, &pos) == TERN_OK && TERN_F_TRAIN(rec.flags) == TERN_TRAIN_SPAM && rec.modseq == 53, "train state, no modseq") ;
  T(tern_mbox_setflags(&m, 7, TERN_F_SEEN, 0, 0, &ms) == TERN_OK, "setflags keeps train bits") ;
  T(tern_mbox_find(&m, 7, &rec, &pos) == TERN_OK && rec.flags == (TERN_F_SEEN | (TERN_TRAIN_SPAM << 16)), "train bits kept") ;
  T(tern_mbox_keyword(&m, "Urgent", 6, &bit) == TERN_OK && bit == 1, "existing keyword") ;
  T(tern_mbox_keyword(&m, "new", 3, &bit) == TERN_OK && bit == 2, "new keyword") ;
  T(tern_mbox_keyword(&m, "$Junk", 5, &bit) == TERN_PERM && errno == EINVAL, "flag is not a keyword") ;
  T(tern_mbox_keyword(&m, "a b", 3, &bit) == TERN_PERM, "bad keyword") ;
  {
    int ok = 1 ;
    char k[8] ;
    for (unsigned int i = 3 ; i < 64 ; i++) { sprintf(k, "k%u", i) ; if (tern_mbox_keyword(&m, k, strlen(k), &bit) || bit != i) ok = 0 ; }
    T(ok, "64 keywords") ;
    T(tern_mbox_keyword(&m, "one-too-many", 12, &bit) == TERN_PERM && errno == EOVERFLOW, "no more keywords") ;
    T(tern_mbox_keyword(&m, "K63", 3, &bit) == TERN_OK && bit == 63, "existing still found when full") ;
  }
  T(tern_mbox_expunge(&m, 9, &ms) == TERN_OK && ms == 56, "expunge") ;
  T(access(A "/mail/1/cur/9", F_OK) < 0 && m.hdr.tombstones == 1, "file gone, tombstone counted") ;
  T(tern_mbox_setflags(&m, 9, TERN_F_SEEN, 0, 0, &ms) == TERN_PERM && errno == ENOENT, "expunged is gone") ;
  tern_mbox_unlock(&m) ;
  T(tern_mbox_changes(&m, gen, &off, &c, &resync) == TERN_OK && !resync && genalloc_len(tern_change, &c) == 4, "four changes") ;
  {
    tern_change const *x = genalloc_s(tern_change, &c) ;
    T(x[0].uid == 7 && x[0].modseq == 53 && x[1].uid == 8 && x[3].uid == 9 && (x[3].flags & TERN_F_EXPUNGED), "change entries") ;
  }
  T(off == 16 + 4 * 24, "offset advanced") ;
  genalloc_setlen(tern_change, &c, 0) ;
  T(tern_mbox_changes(&m, gen, &off, &c, &resync) == TERN_OK && !genalloc_len(tern_change, &c), "tail is empty") ;
  tern_mbox_close(&m) ;
  genalloc_free(tern_change, &c) ;
}

static void tcompact (void)
{
  tern_mbox m = TERN_MBOX_ZERO, old = TERN_MBOX_ZERO ;
  genalloc c = GENALLOC_ZERO, g = GENALLOC_ZERO ;
  uint64_t off = 0 ;
  uint32_t gen ;
  int resync = 0, ok = 1 ;
  for (unsigned int i = 1 ; i <= 200 ; i++) if (put("Archive", "m\r\n") != i) ok = 0 ;
  T(ok, "200 into Archive") ;
  T(tern_mbox_open(&m, A, 3) == TERN_OK && tern_mbox_open(&old, A, 3) == TERN_OK, "two handles") ;
  gen = m.hdr.generation ;
  T(tern_mbox_lock(&m, LOCK_EX) == TERN_OK, "lock") ;
  for (unsigned int i = 1 ; i <= 150 ; i++) if (tern_mbox_expunge(&m, i * 4 / 3, 0)) ok = 0 ;
  T(ok && m.hdr.tombstones == 150, "150 expunged") ;
  T(m.hdr.vanished == 0, "never rewritten: no vanished boundary") ;
  T(tern_mbox_compact(&m, 0) == TERN_OK && m.count == 50 && m.hdr.tombstones == 0 && m.hdr.generation == gen + 1, "compacted") ;
  T(m.hdr.vanished == m.hdr.highestmodseq && m.hdr.vanished >= 350, "compaction sets the vanished boundary to HIGHESTMODSEQ") ;
  T(m.hdr.uidnext == 201, "uidnext kept") ;
  T(tern_mbox_setflags(&m, 3, TERN_F_SEEN, 0, 0, 0) == TERN_OK, "setflags after compaction") ;
  T(tern_mbox_compact(&m, 0) == TERN_OK && m.hdr.generation == gen + 1, "no compaction when not worth it") ;
  tern_mbox_unlock(&m) ;
  T(tern_mbox_changes(&old, gen, &off, &c, &resync) == TERN_OK && resync, "stale handle is told to resync") ;
  T(tern_mbox_lock(&old, LOCK_EX) == TERN_OK && old.count == 50 && old.hdr.generation == gen + 1, "stale handle reopens on lock") ;
  T(old.hdr.vanished == m.hdr.vanished, "the vanished boundary is on disk") ;
  tern_mbox_unlock(&old) ;
  off = 0 ;
  genalloc_setlen(tern_change, &c, 0) ;
  T(tern_mbox_changes(&old, gen + 1, &off, &c, &resync) == TERN_OK && !resync && genalloc_len(tern_change, &c) == 1, "new changes log") ;
  T(tern_mbox_records(&m, 0, &g) == TERN_OK && genalloc_len(tern_rec, &g) == 50 && genalloc_s(tern_rec, &g)[0].uid == 3, "survivors") ;
  T(access(A "/mail/3/cur/4", F_OK) < 0 && access(A "/mail/3/cur/3", F_OK) == 0, "files follow") ;
  T(put("Archive", "x") == 201, "delivery after compaction") ;
  {
    /* a changes log lost to damage takes the expunges it held with it */
    int fd ;
    T(tern_mbox_lock(&m, LOCK_EX) == TERN_OK && tern_mbox_expunge(&m, 3, 0) == TERN_OK && m.hdr.vanished < m.hdr.highestmodseq, "expunge logged") ;
    tern_mbox_unlock(&m) ;
    fd = open(A "/mail/3/changes", O_WRONLY) ;
    T(fd >= 0 && write(fd, "XXXX", 4) == 4 && close(fd) == 0, "changes header damaged") ;
    T(tern_mbox_lock(&m, LOCK_EX) == TERN_OK && m.hdr.vanished == m.hdr.highestmodseq, "recovery raises the vanished boundary over what was lost") ;
    tern_mbox_unlock(&m) ;
  }
  tern_mbox_close(&m) ;
  tern_mbox_close(&old) ;
  genalloc_free(tern_change, &c) ;
  genalloc_free(tern_rec, &g) ;
}

static int appendraw (char const *path, char const *s, size_t len)
{
  int fd = open(path, O_WRONLY | O_APPEND) ;
  int ok = fd >= 0 && write(fd, s, len) == (ssize_t)len ;
  if (fd >= 0) close(fd) ;
  return ok ;
}

static void trecover (void)
{
  tern_mbox m = TERN_MBOX_ZERO ;
  tern_rec rec = { .uid = 0 } ;
  char buf[64] ;
  size_t pos ;
  uint32_t next ;
  T(put("Drafts", "a") == 1 && put("Drafts", "b") == 2, "two drafts") ;
  T(appendraw(A "/mail/5/index", "garbage", 7), "partial record") ;
  T(put("Drafts", "c") == 3, "partial record cut") ;
  T(tern_mbox_open(&m, A, 5) == TERN_OK && m.count == 3, "three records") ;
  next = m.hdr.uidnext ;
  rec.uid = next ; rec.modseq = m.hdr.highestmodseq + 1 ; rec.size = 5 ;
  tern_rec_pack(buf, &rec) ;
  T(appendraw(A "/mail/5/index", buf, 64) && openwritenclose_unsafe(A "/mail/5/cur/4", "abcde", 5), "record without header") ;
  T(openwritenclose_unsafe(A "/mail/5/cur/5", "adopt me", 8), "file without record") ;
  T(tern_mbox_lock(&m, LOCK_EX) == TERN_OK && m.hdr.uidnext == 6 && m.count == 5, "uidnext fixed, file adopted") ;
  T(tern_mbox_find(&m, 5, &rec, &pos) == TERN_OK && rec.size == 8 && pos == 4 && rec.modseq == m.hdr.highestmodseq, "adopted record") ;
  {
    tern_change c = { .uid = 2, .flags = TERN_F_ANSWERED, .modseq = m.hdr.highestmodseq + 1, .keywords = 1 } ;
    char b[24] ;
    tern_change_pack(b, &c) ;
    tern_mbox_unlock(&m) ;
    T(appendraw(A "/mail/5/changes", b, 24) && appendraw(A "/mail/5/changes", b, 10), "logged change, not applied, plus a partial") ;
    T(tern_mbox_lock(&m, LOCK_EX) == TERN_OK && m.hdr.highestmodseq == c.modseq, "replayed: header") ;
    T(tern_mbox_find(&m, 2, &rec, &pos) == TERN_OK && rec.flags == TERN_F_ANSWERED && rec.keywords == 1 && rec.modseq == c.modseq, "replayed: record") ;
    {
      struct stat st ;
      T(!stat(A "/mail/5/changes", &st) && st.st_size == 16 + 24, "partial change cut") ;
    }
  }
  tern_mbox_unlock(&m) ;
  T(tern_store_mbox_delete(A, "Drafts") == TERN_OK, "delete under an open handle") ;
  T(tern_mbox_lock(&m, LOCK_EX) == TERN_PERM && errno == ENOENT, "handle learns the mailbox is gone") ;
  tern_mbox_close(&m) ;
}

/* an expunge of the last record that died after the record was written,
   before the header: the record's MODSEQ is above the header's, and the
   recovery that replays the logged expunge still counts its tombstone */
static void tlastexpunge (void)
{
  tern_mbox m = TERN_MBOX_ZERO ;
  char hdr[TERN_STORE_HDRSIZE] ;
  T(put("Junk", "a") == 1 && put("Junk", "bb") == 2, "two in Junk") ;
  T(tern_mbox_open(&m, A, 6) == TERN_OK && tern_mbox_lock(&m, LOCK_EX) == TERN_OK && m.count == 2, "Junk locked") ;
  T(pread(m.fd, hdr, sizeof hdr, 0) == (ssize_t)sizeof hdr, "header before the expunge") ;
  T(tern_mbox_expunge(&m, 2, 0) == TERN_OK && m.hdr.tombstones == 1, "expunge the last record") ;
  T(pwrite(m.fd, hdr, sizeof hdr, 0) == (ssize_t)sizeof hdr, "its header write lost (a crash)") ;
  tern_mbox_unlock(&m) ;
  T(tern_mbox_lock(&m, LOCK_EX) == TERN_OK && m.hdr.tombstones == 1, "recovery counts the tombstone") ;
  T(m.hdr.usage == 2, "and the usage total is the one message's byte") ;
  tern_mbox_unlock(&m) ;
  tern_mbox_close(&m) ;
}

static void tcopy (void)
{
  tern_mbox m = TERN_MBOX_ZERO, d = TERN_MBOX_ZERO ;
  char const *kw[1] = { "Blue" } ;
  tern_rec rec ;
  tern_mboxent e ;
  size_t pos ;
  uint32_t uid = 0, nu = 0 ;
  struct stat st ;
  T(tern_store_mbox_create(A, "Old", TERN_SU_NONE, 0) == TERN_OK, "create Old") ;
  T(tern_store_deliver(A, "Old", "one\r\n", 5, TERN_F_FLAGGED, kw, 1, 777, 0, &uid) == TERN_OK && uid == 1, "deliver to Old") ;
  T(put("Old", "two\r\n") == 2 && put("Old", "three\r\n") == 3, "two more") ;
  T(tern_store_mbox_lookup(A, "Old", &e) == TERN_OK && tern_mbox_open(&m, A, e.id) == TERN_OK, "open Old") ;
  T(tern_mbox_lock(&m, LOCK_EX) == TERN_OK && tern_mbox_settrain(&m, 1, TERN_TRAIN_HAM) == TERN_OK && tern_mbox_expunge(&m, 3, 0) == TERN_OK, "train 1, expunge 3") ;
  tern_mbox_unlock(&m) ;
  T(tern_store_copy(&m, 1, A, "Trash", &nu) == TERN_OK && nu == 1, "copy") ;
  T(tern_store_copy(&m, 3, A, "Trash", &nu) == TERN_PERM && errno == ENOENT, "copy of an expunged message") ;
  T(tern_mbox_open(&d, A, 4) == TERN_OK && tern_mbox_find(&d, 1, &rec, &pos) == TERN_OK, "copy is in Trash") ;
  T(rec.flags == TERN_F_FLAGGED && rec.internaldate == 777 && rec.size == 5, "flags and date kept, training not") ;
  T(tern_mbox_keywords(&d) == TERN_OK && rec.keywords == 1 && !strcmp(tern_mbox_keywordname(&d, 0), "blue"), "keyword by name") ;
  T(!stat(A "/mail/4/cur/1", &st) && st.st_nlink == 2, "hard-linked") ;
  tern_mbox_close(&d) ;
  T(tern_store_moveall(A, "Old", "Inbox") == TERN_PERM && errno == EOVERFLOW, "moveall into a mailbox with 64 keywords") ;
  T(tern_store_mbox_create(A, "New", TERN_SU_NONE, 0) == TERN_OK && tern_store_moveall(A, "Old", "New") == TERN_OK, "moveall") ;
  T(tern_mbox_lock(&m, LOCK_EX) == TERN_OK, "lock Old") ;
  T(tern_mbox_find(&m, 1, &rec, &pos) == TERN_OK && (rec.flags & TERN_F_EXPUNGED) && e.id == 8 && access(A "/mail/8/cur/1", F_OK) < 0, "source expunged") ;
  tern_mbox_unlock(&m) ;
  T(content(A "/mail/9/cur/1", "one\r\n") && content(A "/mail/9/cur/2", "two\r\n") && access(A "/mail/9/cur/3", F_OK) < 0, "both in New") ;
  tern_mbox_close(&m) ;
}

/* a power loss kept cur/3 and cur/4 but not their records nor cur/2 (a
   later delivery's fsync of cur/ came first): the files are adopted when
   UIDNEXT reaches them, never replaced */
static void tgap (void)
{
  tern_mboxent e ;
  tern_mbox m = TERN_MBOX_ZERO ;
  tern_rec rec ;
  size_t pos ;
  stralloc p = STRALLOC_ZERO ;
  T(tern_store_mbox_create(A, "Lost", TERN_SU_NONE, 0) == TERN_OK && tern_store_mbox_lookup(A, "Lost", &e) == TERN_OK, "create Lost") ;
  T(tern_mbox_open(&m, A, e.id) == TERN_OK, "open Lost") ;
  T(put("Lost", "first\r\n") == 1, "uid 1") ;
  T(tern_mbox_path(&p, &m, "cur", 3) && openwritenclose_unsafe(p.s, "acked three\r\n", 13)
   && tern_mbox_path(&p, &m, "cur", 4) && openwritenclose_unsafe(p.s, "acked four\r\n", 12), "files past a gap") ;
  T(put("Lost", "second\r\n") == 2, "the gap is filled") ;
  T(put("Lost", "third\r\n") == 5, "cur/3 and cur/4 kept, delivery goes past them") ;
  T(tern_mbox_path(&p, &m, "cur", 3) && content(p.s, "acked three\r\n")
   && tern_mbox_path(&p, &m, "cur", 4) && content(p.s, "acked four\r\n"), "not replaced") ;
  T(tern_mbox_lock(&m, LOCK_EX) == TERN_OK && m.count == 5 && m.hdr.uidnext == 6, "five records") ;
  T(tern_mbox_find(&m, 3, &rec, &pos) == TERN_OK && pos == 2 && rec.size == 13
   && tern_mbox_find(&m, 4, &rec, &pos) == TERN_OK && rec.size == 12
   && tern_mbox_find(&m, 5, &rec, &pos) == TERN_OK && rec.size == 7, "records adopted in UID order") ;
  tern_mbox_unlock(&m) ;
  T(tern_mbox_path(&p, &m, "tmp", 0) && entries(p.s) == 0, "nothing left in tmp/") ;
  tern_mbox_close(&m) ;
  stralloc_free(&p) ;
}

int main (void)
{
  if (tern_store_create(A)) { printf("0 passed, 1 failed\n") ; return 1 ; }
  tdeliver() ;
  tflags() ;
  tcompact() ;
  trecover() ;
  tcopy() ;
  tgap() ;
  tlastexpunge() ;
  return tdone() ;
}
