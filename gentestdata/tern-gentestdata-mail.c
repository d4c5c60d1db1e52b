/* tern-gentestdata-mail: the accounts' mailboxes and messages, made with
   the store's functions (deliver, copy, expunge) as delivery and IMAP do;
   words and dates from the seed, flags and counts fixed (the man page). */
#include <string.h>
#include <sys/file.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include "tern.h"
#include "tern_date.h"
#include "tern_store.h"
#include "tern-gentestdata.h"

#define COPY 3    /* kind: a COPY of Inbox UID 1 */
#define GONE 0x80000000u   /* flags: expunged after delivery */

typedef struct msg_s msg ;
struct msg_s
{
  char const *acct ;
  char const *box ;
  uint32_t flags ;
  char const *kw ;   /* one keyword or 0 */
  int kind ;
} ;

static msg const msgs[] =
{
  { "alice", "Inbox", TERN_F_SEEN, 0, GEN_HAM },
  { "alice", "Inbox", TERN_F_SEEN | TERN_F_FLAGGED, "project", GEN_HAM },
  { "alice", "Inbox", TERN_F_NOTJUNK, 0, GEN_HAM },
  { "alice", "Inbox", GONE, 0, GEN_HAM },
  { "alice", "Inbox", TERN_F_DELETED | TERN_F_SEEN, 0, GEN_HAM },
  { "alice", "Inbox", 0, "todo", GEN_HAM },
  { "alice", "Archive", 0, 0, COPY },
  { "alice", "Sent", TERN_F_SEEN, 0, GEN_HAM },
  { "alice", "Drafts", TERN_F_DRAFT | TERN_F_SEEN, 0, GEN_HAM },
  { "alice", "Junk", TERN_F_JUNK | TERN_F_SEEN, 0, GEN_SPAM },
  { "alice", "Junk", TERN_F_JUNK, 0, GEN_SPAM },
  { "alice", "Lists/tern", TERN_F_SEEN, 0, GEN_HAM },
  { "alice", "Lists/tern", 0, 0, GEN_HAM },
  { "bob", "Inbox", TERN_F_SEEN | TERN_F_ANSWERED, 0, GEN_HAM },
  { "bob", "Inbox", TERN_F_JUNK, 0, GEN_SPAM },
  { "bob", "Inbox", 0, 0, GEN_HAM },
  { "juergen", "Inbox", TERN_F_SEEN, 0, GEN_UTF8 },
  { "juergen", "Inbox", TERN_F_NOTJUNK, 0, GEN_UTF8 },
  { "juergen", "Junk", TERN_F_JUNK, 0, GEN_SPAM },
  { "juergen", "Junk", TERN_F_JUNK | TERN_F_SEEN, 0, GEN_SPAM },
  { "juergen", "Archiv/Gr\xc3\xb6\xc3\x9f" "e", TERN_F_SEEN, "reise", GEN_UTF8 },
} ;

static char const *const newboxes[][2] =
{
  { "alice", "Lists/tern" },
  { "juergen", "Archiv/Gr\xc3\xb6\xc3\x9f" "e" },
} ;

static char const *const words[3][12] =
{
  { "meeting", "project", "schedule", "lunch", "report", "garden", "review", "budget", "holiday", "minutes", "release", "agenda" },
  { "lottery", "winner", "casino", "prize", "pharmacy", "bitcoin", "cheap", "urgent", "offer", "jackpot", "refund", "claim" },
  { "Gr\xc3\xbc\xc3\x9f" "e", "Stra\xc3\x9f" "e", "Br\xc3\xb6tchen", "Fahrrad", "K\xc3\xa4se", "Z\xc3\xbcrich",
    "\xc3\x9c" "bermorgen", "Wanderung", "Bahnhof", "Fr\xc3\xbchst\xc3\xbc" "ck", "M\xc3\xbcnchen", "Ausflug" },
} ;

static char const *const senders[3] = { "Carol <carol@friends.example>", "Prize Desk <promo@deals.example>",
  "Anna <anna@b\xc3\xbc" "cher.example>" } ;

static void cat (stralloc *sa, char const *s)
{
  if (!stralloc_cats(sa, s)) strerr_diefusys(111, "allocate") ;
}

static void catwords (stralloc *sa, int kind, unsigned int n)
{
  for (unsigned int i = 0 ; i < n ; i++)
  {
    if (i) cat(sa, " ") ;
    cat(sa, gen_pick(words[kind], 12)) ;
  }
}

void gen_message (stralloc *sa, char const *from, char const *to, int kind, uint64_t date, unsigned int n)
{
  char d[TERN_DATE_FMT], num[UINT64_FMT] ;
  tern_date_fmt(d, date) ;
  cat(sa, "From: ") ; cat(sa, from ? from : senders[kind]) ;
  cat(sa, "\r\nTo: ") ; cat(sa, to) ;
  cat(sa, "\r\nSubject: ") ; catwords(sa, kind, 3) ;
  cat(sa, "\r\nDate: ") ; cat(sa, d) ;
  num[uint64_xfmt(num, gen_seed)] = 0 ;
  cat(sa, "\r\nMessage-ID: <") ; cat(sa, num) ; cat(sa, ".") ;
  num[uint_fmt(num, n)] = 0 ;
  cat(sa, num) ; cat(sa, "@gentestdata.tern.example>\r\n") ;
  if (kind == GEN_UTF8) cat(sa, "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n") ;
  cat(sa, "\r\n") ;
  for (unsigned int i = 0 ; i < 3 ; i++) { catwords(sa, kind, 6) ; cat(sa, "\r\n") ; }
}

static char const *addr (char const *acct)
{
  return !strcmp(acct, "juergen") ? "j\xc3\xbcrgen@b\xc3\xbc" "cher.example" : !strcmp(acct, "bob") ? "bob@tern.example" : "alice@tern.example" ;
}

static void withbox (char const *acct, char const *box, uint32_t uid, int expunge, char const *dest)
{
  tern_mboxent e ;
  tern_mbox m = TERN_MBOX_ZERO ;
  int r = tern_store_mbox_lookup(acct, box, &e) ;
  if (!r) r = tern_mbox_openent(&m, acct, &e) ;
  if (!r && expunge) r = tern_mbox_lock(&m, LOCK_EX) ;
  if (!r && expunge) { r = tern_mbox_expunge(&m, uid, 0) ; tern_mbox_unlock(&m) ; }
  if (!r && !expunge) r = tern_store_copy(&m, uid, acct, dest, 0) ;
  tern_mbox_close(&m) ;
  gen_die(r, expunge ? "expunge a message in " : "copy a message in ", acct) ;
}

static void one (msg const *x, unsigned int n, uint64_t date)
{
  stralloc sa = STRALLOC_ZERO ;
  char const *acct = gen_acct(x->acct) ;
  uint32_t uid ;
  int sent = !strcmp(x->box, "Sent") || !strcmp(x->box, "Drafts") ;
  if (x->kind == COPY) { withbox(acct, "Inbox", 1, 0, x->box) ; return ; }
  gen_message(&sa, sent ? addr(x->acct) : 0, sent ? "Dave <dave@remote.example>" : addr(x->acct), x->kind, date, n) ;
  gen_die(tern_store_deliver(acct, x->box, sa.s, sa.len, x->flags & TERN_F_USER, &x->kw, x->kw ? 1 : 0,
    (int64_t)date, 0, &uid), "deliver to ", x->acct) ;
  if (x->flags & GONE) withbox(acct, x->box, uid, 1, 0) ;
  stralloc_free(&sa) ;
}

void gen_mail (void)
{
  uint64_t date = gen_t0 - 30u * 86400u ;
  for (unsigned int i = 0 ; i < sizeof newboxes / sizeof *newboxes ; i++)
    gen_die(tern_store_mbox_create(gen_acct(newboxes[i][0]), newboxes[i][1], TERN_SU_NONE, 0), "create a mailbox of ", newboxes[i][0]) ;
  for (unsigned int i = 0 ; i < sizeof msgs / sizeof *msgs ; i++)
  {
    date += 3600 + gen_below(6 * 3600) ;
    one(msgs + i, i + 1, date) ;
  }
}
