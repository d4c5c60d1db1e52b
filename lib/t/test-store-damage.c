/* test-store-damage: what tern-store.5 forbids is noticed, never shown as
   a smaller mailbox: a torn index gives back every message of cur/ above
   its last whole record; records out of order, UID 0, a duplicate UID, a
   UIDVALIDITY that differs from the list, a missing index are damage. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include "tern.h"
#include "tern_store.h"
#include "t.h"

#define A "acct"

static uint32_t put (char const *mb, unsigned int n)
{
  char buf[64] ;
  uint32_t uid = 0 ;
  int len = snprintf(buf, sizeof buf, "Subject: %u\r\n\r\n%*s\r\n", n, (int)n, "") ;
  if (tern_store_deliver(A, mb, buf, (size_t)len, 0, 0, 0, 0, 0, &uid)) return 0 ;
  return uid ;
}

static int open19 (char const *name, tern_mboxent *e)
{
  if (tern_store_mbox_create(A, name, TERN_SU_NONE, 0) || tern_store_mbox_lookup(A, name, e)) return 0 ;
  for (unsigned int i = 1 ; i <= 19 ; i++) if (put(name, i) != i) return 0 ;
  return 1 ;
}

static int cut (tern_mbox const *m, off_t size)
{
  stralloc p = STRALLOC_ZERO ;
  int ok = tern_mbox_path(&p, m, "index", 0) && truncate(p.s, size) == 0 ;
  stralloc_free(&p) ;
  return ok ;
}

/* every record has its file, with its size, UIDs strictly increasing */
static int whole (tern_mbox *m, size_t want)
{
  genalloc g = GENALLOC_ZERO ;
  stralloc p = STRALLOC_ZERO ;
  uint32_t prev = 0 ;
  size_t n ;
  int ok = tern_mbox_records(m, 0, &g) == TERN_OK ;
  n = genalloc_len(tern_rec, &g) ;
  ok = ok && n == want ;
  for (size_t i = 0 ; ok && i < n ; i++)
  {
    tern_rec const *r = genalloc_s(tern_rec, &g) + i ;
    struct stat st ;
    ok = r->uid > prev && tern_mbox_path(&p, m, "cur", r->uid) && !stat(p.s, &st) && (uint64_t)st.st_size == r->size ;
    prev = r->uid ;
  }
  genalloc_free(tern_rec, &g) ;
  stralloc_free(&p) ;
  return ok ;
}

static void problem (void *data, char const *path, char const *what)
{
  (void)data ;
  fprintf(stderr, "# problem: %s: %s\n", path, what) ;
}

static void ttorn (void)
{
  tern_mboxent e ;
  tern_mbox m = TERN_MBOX_ZERO ;
  uint64_t ms ;
  T(open19("Torn", &e), "19 messages") ;
  T(tern_mbox_open(&m, A, e.id) == TERN_OK && cut(&m, 401), "truncate -s 401 index: five records and a part") ;
  tern_mbox_close(&m) ;
  T(tern_mbox_openent(&m, A, &e) == TERN_OK, "open recovers the torn index") ;
  T(m.count == 19 && m.hdr.uidnext == 20, "19 records, UIDNEXT 20") ;
  T(whole(&m, 19), "every message of cur/ back, in UID order, with its size") ;
  tern_mbox_close(&m) ;
  T(put("Torn", 20) == 20, "the next delivery takes UID 20") ;
  /* an expunged UID inside the cut part is not taken back nor reused */
  T(open19("Torn2", &e) && tern_mbox_open(&m, A, e.id) == TERN_OK && tern_mbox_lock(&m, LOCK_EX) == TERN_OK
   && tern_mbox_expunge(&m, 8, &ms) == TERN_OK, "19 messages, 8 expunged") ;
  tern_mbox_unlock(&m) ;
  T(cut(&m, 401), "torn") ;
  T(tern_mbox_lock(&m, LOCK_EX) == TERN_OK && m.count == 18 && m.hdr.uidnext == 20, "writer's recovery: 18 records") ;
  tern_mbox_unlock(&m) ;
  T(whole(&m, 18), "UIDs 1-7 and 9-19") ;
  tern_mbox_close(&m) ;
  T(put("Torn2", 20) == 20, "UID 8 not reused") ;
  {
    unsigned int n = 99 ;
    T(tern_store_check(A, &problem, 0, &n) == TERN_OK && !n, "the account checks clean") ;
  }
}

static int setuid4 (tern_mbox *m, off_t off, uint32_t v)
{
  unsigned char b[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >> 24 } ;
  return pwrite(m->fd, b, 4, off) == 4 ;
}

#define REC(i) (TERN_STORE_HDRSIZE + (i) * TERN_STORE_RECSIZE)

static int damaged (tern_mbox *m, size_t from, char const *what)
{
  genalloc g = GENALLOC_ZERO ;
  int r = tern_mbox_records(m, from, &g) ;
  int ok = r == TERN_TEMP && errno == EUCLEAN && strstr(tern_store_damage_what(), what)
    && strstr(tern_store_damage_path(), "/index") ;
  if (!ok) fprintf(stderr, "# got %d: %s: %s\n", r, tern_store_damage_path(), tern_store_damage_what()) ;
  genalloc_free(tern_rec, &g) ;
  return ok ;
}

static void tbadrecs (void)
{
  tern_mboxent e ;
  tern_mbox m = TERN_MBOX_ZERO ;
  T(open19("Bad", &e) && tern_mbox_openent(&m, A, &e) == TERN_OK && whole(&m, 19), "19 messages") ;
  T(setuid4(&m, REC(3), 0) && damaged(&m, 0, "UID 0"), "UID 0") ;
  T(setuid4(&m, REC(3), 3) && damaged(&m, 0, "duplicate UID 3"), "duplicate UID") ;
  T(damaged(&m, 3, "duplicate UID 3"), "duplicate UID, read from the record") ;
  T(damaged(&m, 10, "") == 0 && whole(&m, 19) == 0, "records before the damage read from 10: fine, from 0: not") ;
  T(setuid4(&m, REC(3), 1) && damaged(&m, 0, "out of order"), "out of order") ;
  {
    unsigned int n = 0 ;
    T(tern_store_check(A, &problem, 0, &n) == TERN_OK && n > 0, "the check still reads and reports it") ;
  }
  T(setuid4(&m, REC(3), 4) && whole(&m, 19), "put right") ;
  T(setuid4(&m, 16, 999), "index UIDVALIDITY 999") ;
  tern_mbox_close(&m) ;
  T(tern_mbox_openent(&m, A, &e) == TERN_TEMP && errno == EUCLEAN
   && strstr(tern_store_damage_what(), "UIDVALIDITY"), "UIDVALIDITY differs from the list") ;
  T(setuid4(&m, 16, e.uidvalidity), "put right") ;
  tern_mbox_close(&m) ;
  T(rename(A "/mail/9/index", A "/mail/9/index.away") == 0, "index gone") ;
  T(tern_mbox_openent(&m, A, &e) == TERN_TEMP && errno == EUCLEAN && strstr(tern_store_damage_what(), "missing")
   && !strcmp(tern_store_damage_path(), A "/mail/9/index"), "a listed mailbox without index is damage") ;
  tern_mbox_close(&m) ;
  T(rename(A "/mail/9/index.away", A "/mail/9/index") == 0, "index back") ;
  T(tern_store_mbox_delete(A, "Bad") == TERN_OK, "delete") ;
  T(tern_mbox_openent(&m, A, &e) == TERN_PERM && errno == ENOENT, "a deleted one is gone, not damaged") ;
  tern_mbox_close(&m) ;
}

/* a crash while an account is made leaves mailboxes without a list: the
   list is made again; a list lost while messages exist is damage */
static void tnolist (void)
{
  T(tern_store_create("new") == TERN_OK && unlink("new/mailboxes") == 0, "an account without messages loses its list") ;
  T(tern_store_create("new") == TERN_OK && access("new/mailboxes", F_OK) == 0, "made again") ;
  T(tern_store_deliver("new", "Inbox", "x\r\n", 3, 0, 0, 0, 0, 0, 0) == TERN_OK && unlink("new/mailboxes") == 0, "one message, then no list") ;
  T(tern_store_create("new") == TERN_TEMP && errno == EUCLEAN && !strcmp(tern_store_damage_path(), "new/mailboxes")
   && strstr(tern_store_damage_what(), "mail/1"), "damage, not a new list") ;
  T(access("new/mailboxes", F_OK) < 0, "no list made") ;
}

/* what the changes log knows of a message taken back after a tear comes
   back with it: its last flags and keywords */
static void ttornflags (void)
{
  tern_mboxent e ;
  tern_mbox m = TERN_MBOX_ZERO ;
  uint64_t ms ;
  T(open19("Torn3", &e) && tern_mbox_open(&m, A, e.id) == TERN_OK && tern_mbox_lock(&m, LOCK_EX) == TERN_OK, "19 messages") ;
  {
    unsigned int bit = 99 ;
    tern_rec rec ;
    size_t pos ;
    T(tern_mbox_keyword(&m, "todo", 4, &bit) == TERN_OK && bit == 0, "keyword todo") ;
    T(tern_mbox_setflags(&m, 10, TERN_F_SEEN, 0, 0, &ms) == TERN_OK
     && tern_mbox_setflags(&m, 10, TERN_F_SEEN | TERN_F_FLAGGED, 1, 0, &ms) == TERN_OK
     && tern_mbox_setflags(&m, 12, TERN_F_ANSWERED, 0, 0, &ms) == TERN_OK
     && tern_mbox_setflags(&m, 3, TERN_F_DRAFT, 0, 0, &ms) == TERN_OK, "flags on 3, 10 (twice), 12") ;
    tern_mbox_unlock(&m) ;
    T(cut(&m, 401), "torn after record 5") ;
    T(tern_mbox_lock(&m, LOCK_EX) == TERN_OK && m.count == 19, "19 records again") ;
    tern_mbox_unlock(&m) ;
    T(tern_mbox_find(&m, 10, &rec, &pos) == TERN_OK && rec.flags == (TERN_F_SEEN | TERN_F_FLAGGED) && rec.keywords == 1,
      "UID 10 taken back with its last flags and keyword") ;
    T(tern_mbox_find(&m, 12, &rec, &pos) == TERN_OK && rec.flags == TERN_F_ANSWERED, "UID 12 too") ;
    T(tern_mbox_find(&m, 11, &rec, &pos) == TERN_OK && rec.flags == 0, "UID 11 had none") ;
    T(tern_mbox_find(&m, 3, &rec, &pos) == TERN_OK && rec.flags == TERN_F_DRAFT, "UID 3 kept its record") ;
    T(rec.modseq <= m.hdr.highestmodseq, "modseqs stay below HIGHESTMODSEQ") ;
  }
  tern_mbox_close(&m) ;
}

int main (void)
{
  if (tern_store_create(A)) { printf("0 passed, 1 failed\n") ; return 1 ; }
  ttorn() ;
  tbadrecs() ;
  tnolist() ;
  ttornflags() ;
  return tdone() ;
}
