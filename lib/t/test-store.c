/* test-store: account creation, delivery, flags, keywords, expunge and
   compaction, the changes tail, mailbox list operations, name validation, the
   format versions (1 read, 2 written). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <skalibs/djbunix.h>
#include "tern.h"
#include "tern_store.h"
#include "t.h"

#define A "acct"

static struct { char const *name ; int ok ; } const names[] =
{
  { "Inbox", 1 }, { "a", 1 }, { "a/b/c", 1 }, { "with space", 1 }, { "caf\xc3\xa9", 1 },
  { "\xe2\x82\xac/\xf0\x9f\x93\xa7", 1 }, { "...", 1 }, { "a.b", 1 },
  { "", 0 }, { "/", 0 }, { "/a", 0 }, { "a/", 0 }, { "a//b", 0 }, { "..", 0 }, { "a/../b", 0 },
  { ".", 0 }, { "a/.", 0 }, { "a\tb", 0 }, { "a\nb", 0 }, { "a\x7f", 0 }, { "\xc2\x85", 0 },
  { "\xc3", 0 }, { "\xc3\x28", 0 }, { "\xc0\xaf", 0 }, { "\xe0\x80\xaf", 0 }, { "\xed\xa0\x80", 0 },
  { "\xf4\x90\x80\x80", 0 }, { "\xff", 0 }, { "a\x80", 0 },
} ;

static int hasfile (char const *p)
{
  struct stat st ;
  return stat(p, &st) == 0 ;
}

static void tnames (void)
{
  char big[300] ;
  for (size_t i = 0 ; i < sizeof names / sizeof names[0] ; i++)
    T(tern_store_namevalid(names[i].name, strlen(names[i].name)) == names[i].ok, names[i].name) ;
  memset(big, 'x', sizeof big) ;
  T(tern_store_namevalid(big, 255), "255 bytes is fine") ;
  T(!tern_store_namevalid(big, 256), "256 bytes is too long") ;
  T(!tern_store_namevalid("a\0b", 3), "NUL is a control char") ;
  T(tern_store_isinbox("INBOX", 5) && tern_store_isinbox("inbox", 5) && !tern_store_isinbox("inbox2", 6), "inbox matching") ;
  T(tern_store_flagscan("\\seen", 5) == TERN_F_SEEN && tern_store_flagscan("$JUNK", 5) == TERN_F_JUNK, "flag names") ;
  T(!tern_store_flagscan("\\Recent", 7), "\\Recent is not stored") ;
  T(tern_store_suscan("\\Sent", 5) == TERN_SU_SENT && tern_store_suscan("\\Bogus", 6) < 0, "special use") ;
}

static void tcreate (void)
{
  tern_mboxlist l = TERN_MBOXLIST_ZERO ;
  tern_mboxent e ;
  stralloc sa = STRALLOC_ZERO ;
  T(tern_store_create(A) == TERN_OK, "create account") ;
  T(openslurpclose(&sa, A "/mailboxes"), "read list") ;
  T(tern_store_create(A) == TERN_OK, "create is idempotent") ;
  {
    stralloc sb = STRALLOC_ZERO ;
    T(openslurpclose(&sb, A "/mailboxes") && sa.len == sb.len && !memcmp(sa.s, sb.s, sa.len), "second create changes nothing") ;
    stralloc_free(&sb) ;
  }
  T(sa.len > 13 && !memcmp(sa.s, "tern-store 2 7 7\n", 17), "list header (version 2)") ;
  T(tern_mboxlist_read(&l, A) == TERN_OK && tern_mboxlist_len(&l) == 6, "six mailboxes") ;
  T(tern_store_mbox_lookup(A, "INBOX", &e) == TERN_OK && e.id == 1 && e.specialuse == TERN_SU_NONE && e.subscribed, "Inbox") ;
  T(tern_store_mbox_lookup(A, "Junk", &e) == TERN_OK && e.specialuse == TERN_SU_JUNK && e.subscribed, "Junk") ;
  T(tern_store_mbox_lookup(A, "Sent", &e) == TERN_OK && e.specialuse == TERN_SU_SENT, "Sent") ;
  T(tern_store_mbox_lookup(A, "sent", &e) == TERN_PERM && errno == ENOENT, "other names are case-sensitive") ;
  T(hasfile(A "/mail/6/cur") && hasfile(A "/mail/6/index") && hasfile(A "/mail/6/changes"), "mailbox dirs") ;
  tern_mboxlist_free(&l) ;
  stralloc_free(&sa) ;
}

static void tlist (void)
{
  tern_mboxent e ;
  uint32_t id = 0, uv ;
  T(tern_store_mbox_create(A, "Lists/tern", TERN_SU_NONE, &id) == TERN_OK && id == 7, "create Lists/tern") ;
  T(tern_store_mbox_create(A, "Lists/tern", TERN_SU_NONE, 0) == TERN_PERM && errno == EEXIST, "create twice") ;
  T(tern_store_mbox_create(A, "inbox", TERN_SU_NONE, 0) == TERN_PERM && errno == EEXIST, "create inbox") ;
  T(tern_store_mbox_create(A, "a//b", TERN_SU_NONE, 0) == TERN_PERM && errno == EINVAL, "create bad name") ;
  T(tern_store_mbox_create(A, "Lists/tern/sub", TERN_SU_NONE, 0) == TERN_OK, "create inferior") ;
  T(tern_store_mbox_create(A, "Lists/ternx", TERN_SU_NONE, 0) == TERN_OK, "create sibling with prefix") ;
  T(tern_store_mbox_lookup(A, "Lists/tern", &e) == TERN_OK, "lookup") ;
  uv = e.uidvalidity ;
  T(tern_store_mbox_rename(A, "Lists/tern", "Projects/tern") == TERN_OK, "rename") ;
  T(tern_store_mbox_lookup(A, "Projects/tern", &e) == TERN_OK && e.id == 7 && e.uidvalidity == uv, "renamed keeps id and uidvalidity") ;
  T(tern_store_mbox_lookup(A, "Projects/tern/sub", &e) == TERN_OK, "inferior renamed too") ;
  T(tern_store_mbox_lookup(A, "Lists/ternx", &e) == TERN_OK, "sibling not renamed") ;
  T(tern_store_mbox_rename(A, "Inbox", "Old") == TERN_PERM && errno == EPERM, "renaming Inbox is IMAP's job") ;
  T(tern_store_mbox_rename(A, "Sent", "Junk") == TERN_PERM && errno == EEXIST, "rename onto existing") ;
  T(tern_store_mbox_rename(A, "Sent", "Sent/x") == TERN_PERM, "rename under itself") ;
  T(tern_store_mbox_rename(A, "Nope", "Nope2") == TERN_PERM && errno == ENOENT, "rename missing") ;
  T(tern_store_subscribe(A, "Sent", 0) == TERN_OK && tern_store_mbox_lookup(A, "Sent", &e) == TERN_OK && !e.subscribed, "unsubscribe") ;
  T(tern_store_subscribe(A, "Sent", 1) == TERN_OK && tern_store_mbox_lookup(A, "Sent", &e) == TERN_OK && e.subscribed, "subscribe") ;
  T(tern_store_mbox_delete(A, "INBOX") == TERN_PERM && errno == EPERM, "delete Inbox refused") ;
  T(tern_store_mbox_delete(A, "Projects/tern") == TERN_OK, "delete") ;
  T(tern_store_mbox_lookup(A, "Projects/tern", &e) == TERN_PERM && !hasfile(A "/mail/7"), "deleted: gone from list and disk") ;
  T(tern_store_mbox_lookup(A, "Projects/tern/sub", &e) == TERN_OK, "inferior survives delete") ;
  T(tern_store_mbox_create(A, "Projects/tern", TERN_SU_NONE, &id) == TERN_OK && id == 10, "re-create gets a new id") ;
  T(tern_store_mbox_lookup(A, "Projects/tern", &e) == TERN_OK && e.uidvalidity > uv, "and a new uidvalidity") ;
}

static void tlistparse (void)
{
  static char const *const bad[] =
  {
    "", "tern-store 1 2 2", "tern-store 3 2 2\n", "tern-store 0 2 2\n", "tern-store 1 2 2\n1 1 1 - Inbox",
    "tern-store 1 2 2\n2 1 1 - Inbox\n", "tern-store 1 2 2\n1 2 1 - Inbox\n",
    "tern-store 1 3 3\n1 1 1 - Inbox\n2 2 1 - inbox\n", "tern-store 1 3 3\n1 1 1 - A\n1 2 1 - B\n",
    "tern-store 1 2 2\n1 1 2 - A\n", "tern-store 1 2 2\n1 1 1 \\Bogus A\n", "tern-store 1 2 2\n1 1 1 - a//b\n",
    "tern-store 1 2 2\n1  1 1 - A\n", "tern-store 1 99999999999 2\n", "tern-store 1 0 2\n",
    "tern-store 1 2 2\n0 1 1 - A\n", "tern-store 1 2 2\n1 0 1 - A\n", "tern-store 1 2 2\n1 1 1 -\n",
  } ;
  tern_mboxlist l = TERN_MBOXLIST_ZERO ;
  stralloc sa = STRALLOC_ZERO ;
  char const *good = "tern-store 1 4 9\n1 5 1 - INBOX\n3 8 0 \\Trash Old stuff/x y\n" ;
  for (size_t i = 0 ; i < sizeof bad / sizeof bad[0] ; i++)
    T(tern_mboxlist_parse(&l, bad[i], strlen(bad[i])) != TERN_OK, bad[i]) ;
  T(tern_mboxlist_parse(&l, good, strlen(good)) == TERN_OK, "good list") ;
  T(l.nextid == 4 && l.nextuidvalidity == 9 && tern_mboxlist_len(&l) == 2, "good list fields") ;
  T(tern_mboxlist_find(&l, "inbox") && !strcmp(tern_mboxlist_ent(&l, 0)->name, "Inbox"), "Inbox normalized") ;
  T(tern_mboxlist_find(&l, "Old stuff/x y") && tern_mboxlist_ent(&l, 1)->specialuse == TERN_SU_TRASH, "name with spaces") ;
  T(tern_mboxlist_fmt(&sa, &l) && sa.len == strlen(good) && !memcmp(sa.s, "tern-store 2 4 9\n1 5 1 - Inbox\n", 31), "fmt round trip: a version 1 list is written as version 2") ;
  tern_mboxlist_free(&l) ;
  stralloc_free(&sa) ;
}

/* version 2 headers: offset 12 is the unseen boundary; version 1 (offset
   12 the record size, 64) is read with the boundary unknown */
static void tversion (void)
{
  tern_idxhdr h = { .version = 1, .unseen = 7, .uidvalidity = 3, .uidnext = 9, .usage = 5 }, g ;
  char s[TERN_STORE_HDRSIZE] ;
  uint32_t gen ;
  tern_idxhdr_pack(s, &h) ;
  T(s[8] == 2 && !s[9] && s[12] == 7 && !s[13] && s[56] == 5, "a header is written as version 2, the boundary at 12") ;
  T(tern_idxhdr_unpack(s, &g) && g.version == 2 && g.unseen == 7 && g.uidnext == 9 && g.usage == 5, "version 2 read back") ;
  s[8] = 1 ; s[12] = 64 ;
  T(tern_idxhdr_unpack(s, &g) && g.version == 1 && !g.unseen && g.uidnext == 9 && g.usage == 5, "version 1 (64 at 12): boundary unknown") ;
  s[12] = 7 ;
  T(!tern_idxhdr_unpack(s, &g), "version 1 without 64 at 12 refused") ;
  s[8] = 3 ;
  T(!tern_idxhdr_unpack(s, &g), "version 3 refused") ;
  tern_chghdr_pack(s, 4) ;
  T(s[8] == 2 && tern_chghdr_unpack(s, &gen) && gen == 4, "changes header version 2") ;
  s[8] = 1 ;
  T(tern_chghdr_unpack(s, &gen) && gen == 4, "changes header version 1 read") ;
  s[8] = 3 ;
  T(!tern_chghdr_unpack(s, &gen), "changes header version 3 refused") ;
}

int main (void)
{
  tversion() ;
  tnames() ;
  tlistparse() ;
  tcreate() ;
  tlist() ;
  return tdone() ;
}
