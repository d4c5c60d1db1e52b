/* tern_junk.h: the junk filter.  Words of a message (tern_junk_words.c),
   an account's word database (format: junk/tern-junk.5), classifying,
   training, and keeping each message's training state (tern-store(5)
   index bits 16-17) equal to what its $Junk/$NotJunk flags ask for.
   Functions return TERN_OK / TERN_PERM / TERN_TEMP with errno set, or 1/0. */
#ifndef TERN_JUNK_H
#define TERN_JUNK_H

#include <stdint.h>
#include <stddef.h>
#include <regex.h>
#include <skalibs/stralloc.h>
#include <skalibs/genalloc.h>
#include "tern_conf.h"
#include "tern_store.h"

/* ---- options: the account's A:NAME:junk-filter value (tern-conf(8)) ---- */

#define TERN_JUNK_COMBINE_REF 0   /* the reference: top words, eta sum */
#define TERN_JUNK_COMBINE_CHI 1   /* Robinson's chi-square (bogofilter) */

typedef struct tern_junkopt_s tern_junkopt ;
struct tern_junkopt_s
{
  double threshold ;        /* junk above this probability */
  double maxpower ;         /* clamp word probabilities to [p, 1-p] */
  double ignorewords ;      /* skip words within this of 0.5 */
  unsigned int onegrams : 1 ;
  unsigned int twograms : 1 ;
  unsigned int threegrams : 1 ;
  unsigned int topwords ;   /* most hammy and most spammy words used */
  unsigned int rarewords ;  /* words seen <= this often are weakened */
  unsigned int combine ;    /* TERN_JUNK_COMBINE_* */
  unsigned int minham ;     /* results count once this many ham ... */
  unsigned int minspam ;    /* ... and spam messages are trained */
  size_t maxbytes ;         /* only this prefix of a message is read */
} ;
/* The defaults of tern-conf(8) (combine=chi threshold=0.46 onegrams=yes
   ...; threshold 0.95 when combine=ref). */
extern void tern_junkopt_default (tern_junkopt *o) ;
/* Parses a junk-filter value (options as "key=value" separated by
   spaces, any subset, any order; what is left out keeps its default).
   1, or 0 with errno EINVAL. */
extern int tern_junkopt_parse (tern_junkopt *o, char const *s, size_t len) ;
/* The account's options: 1 (filter on), 0 (account has no junk-filter),
   -1 error (errno; EPROTO: a value tern-conf would not have written). */
extern int tern_junkopt_conf (tern_conf const *c, char const *acct, tern_junkopt *o) ;

/* ---- words of one message (REFERENCE.md 8.2) ---- */

#define TERN_JUNK_WORDMAX 64        /* longer words are dropped */
#define TERN_JUNK_WORDSMAX 50000    /* distinct words kept per message */

typedef struct tern_junkwords_s tern_junkwords ;
struct tern_junkwords_s
{
  stralloc s ;          /* the words, each NUL-terminated, first-seen order */
  genalloc off ;        /* size_t: where each word starts in s */
  genalloc set ;        /* private: the hash set that counts a word once */
  genalloc hash ;       /* uint64_t: each word's hash under key (below) */
  uint64_t key[2] ;     /* tern_junkwords_key's, else random per w */
  stralloc scratch[3] ; /* private: decoding buffers kept between messages */
  unsigned int n ;      /* number of words */
  unsigned int cut : 1 ;      /* stopped at maxbytes or WORDSMAX */
  unsigned int badctype : 1 ; /* the top Content-Type is unparsable */
  unsigned int keyed : 1 ;    /* key is set */
} ;
#define TERN_JUNKWORDS_ZERO { .s = STRALLOC_ZERO, .off = GENALLOC_ZERO, .set = GENALLOC_ZERO, .hash = GENALLOC_ZERO, .key = { 0, 0 }, .scratch = { STRALLOC_ZERO, STRALLOC_ZERO, STRALLOC_ZERO }, .n = 0, .cut = 0, .badctype = 0, .keyed = 0 }
#define tern_junkwords_word(w, i) ((w)->s.s + genalloc_s(size_t, &(w)->off)[i])
/* the length of word i (without its NUL) */
#define tern_junkwords_len(w, i) (((i) + 1 < (w)->n ? genalloc_s(size_t, &(w)->off)[(i) + 1] : (w)->s.len) - genalloc_s(size_t, &(w)->off)[i] - 1)

/* The set of words of msg[0..len) (at most o->maxbytes of it are read;
   0: all), replacing what w held.  Parts more than 50 MIME levels deep
   are skipped; an entry (n-gram, Field:word) over TERN_JUNK_WORDMAX bytes
   is not added.  1, or 0 (ENOMEM). */
extern int tern_junkwords_message (tern_junkwords *w, char const *msg, size_t len, tern_junkopt const *o) ;
extern void tern_junkwords_free (tern_junkwords *w) ;
/* Words read from now on are hashed (hash[]) with key, a junk database's
   (tern_junkdb's key): its lookups then hash no word again.  A zero key
   (no database) is ignored.  Without a key, w draws a random one. */
extern void tern_junkwords_key (tern_junkwords *w, uint64_t const key[2]) ;

/* ---- the database: ACCT/junk/ (junk/tern-junk.5) ---- */

#define TERN_JUNKDB_READ 0    /* map the words; no lock; absent = empty */
#define TERN_JUNKDB_WRITE 1   /* also take ACCT/junk/lock, finish a journal
                                 left by a crash, create the db if absent */
#define TERN_JUNKDB_REBUILD 2 /* an empty database in memory, no lock yet:
                                 train and setstate buffer; tern_junkdb_lock
                                 then commit replaces the whole database */

typedef struct tern_junkdb_s tern_junkdb ;
struct tern_junkdb_s
{
  stralloc dir ;        /* ACCT/junk, NUL-terminated */
  stralloc acct ;       /* ACCT, NUL-terminated */
  int lockfd ;          /* -1 unless WRITE */
  int fd ;              /* the words file, or -1 (absent, READ) */
  char const *map ;     /* its mapping (read-only), or 0 */
  size_t maplen ;
  uint64_t key[2] ;     /* the db's hash key, from its header */
  uint32_t nham, nspam ;  /* trained messages, with pending changes */
  genalloc pend ;       /* private: word changes not yet committed */
  genalloc pendset ;    /* private: index over pend */
  genalloc states ;     /* private: training states to set at commit */
} ;
#define TERN_JUNKDB_ZERO { .dir = STRALLOC_ZERO, .acct = STRALLOC_ZERO, .lockfd = -1, .fd = -1, .map = 0, .maplen = 0, .key = { 0, 0 }, .nham = 0, .nspam = 0, .pend = GENALLOC_ZERO, .pendset = GENALLOC_ZERO, .states = GENALLOC_ZERO }

/* Open ACCT's filter.  Damage (tern-junk.5 broken) is TERN_TEMP, errno
   EUCLEAN, with the path and cause in tern_store_damage_path/what().
   Lock order: the junk lock is taken BEFORE any mailbox lock, never while
   holding one.  Call tern_junkdb_close even after a failed open. */
extern int tern_junkdb_open (tern_junkdb *d, char const *acct, int how) ;
/* REBUILD only: take the lock (finishing a journal left by a crash). */
extern int tern_junkdb_lock (tern_junkdb *d) ;
/* Discards what was not committed, unmaps, releases the lock. */
extern void tern_junkdb_close (tern_junkdb *d) ;

typedef struct tern_junkword_s tern_junkword ;
struct tern_junkword_s
{
  unsigned int i ;      /* index in the tern_junkwords */
  uint32_t ham, spam ;
  double p ;            /* its spam probability as used */
} ;

typedef struct tern_junkresult_s tern_junkresult ;
struct tern_junkresult_s
{
  double prob ;         /* spam probability, 0..1 */
  int junk ;            /* prob > threshold, and significant */
  int significant ;     /* nham >= minham and nspam >= minspam */
  unsigned int nknown ; /* words the database knows */
  unsigned int nused ;  /* words that decided, in used[] */
  tern_junkword used[2 * 64] ;  /* at most 2 * min(topwords, 64) */
} ;

/* Classify a message's words.  Hash lookups only: cost does not grow
   with the database.  TERN_OK, or TERN_TEMP (damage, EUCLEAN). */
extern int tern_junkdb_classify (tern_junkdb const *d, tern_junkwords const *w, tern_junkopt const *o, tern_junkresult *r) ;

/* WRITE or REBUILD.  Count a message's words as spam (spam=1) or ham, adding
   (delta=1) or taking away (delta=-1); a count never goes below zero.
   Buffered until commit. */
extern int tern_junkdb_train (tern_junkdb *d, tern_junkwords const *w, int spam, int delta) ;
/* WRITE or REBUILD.  At commit, set the training state (TERN_TRAIN_*) of
   message UID of mailbox ID (with its UIDVALIDITY) in ACCT's store. */
extern int tern_junkdb_setstate (tern_junkdb *d, uint32_t mboxid, uint32_t uidvalidity, uint32_t uid, unsigned int state) ;
/* WRITE or REBUILD.  The caller holds m EX-locked and still will at
   commit: the states of m's mailbox are set through m (commit would
   otherwise lock the mailbox itself and wait on the caller forever).
   tern_junk_sync does it for its m.  m stays open until commit. */
extern int tern_junkdb_held (tern_junkdb *d, tern_mbox *m) ;
/* WRITE (or REBUILD after lock).  Make the buffered changes durable, all or nothing: a
   journal naming the new word counts and the training states is written
   and synced, then applied (kill -9 at any moment: the next WRITE open
   finishes it, or it never happened).  The caller still holds the
   mailbox locks the states need (EX), or none: commit takes them.
   TERN_OK, TERN_TEMP (then only close d: the next WRITE open finishes
   or drops that commit). */
extern int tern_junkdb_commit (tern_junkdb *d) ;

/* The counts of one word (tests, diagnostics).  1 held, 0 not. */
extern int tern_junkdb_word (tern_junkdb const *d, char const *word, size_t len, uint32_t *ham, uint32_t *spam) ;

typedef struct tern_junkstats_s tern_junkstats ;
struct tern_junkstats_s
{
  uint32_t nham, nspam ;
  uint64_t words ;      /* distinct words with a count */
  uint64_t slots ;      /* table size */
  uint64_t bytes ;      /* file sizes */
} ;
extern int tern_junkdb_stats (tern_junkdb const *d, tern_junkstats *s) ;

/* ---- messages: training follows flags (REFERENCE.md 9.2) ---- */

/* The training state flags ask for: TERN_TRAIN_SPAM when only $Junk,
   TERN_TRAIN_HAM when only $NotJunk, else TERN_TRAIN_NONE. */
#define tern_junk_wanted(flags) \
  ((((flags) & (TERN_F_JUNK | TERN_F_NOTJUNK)) == TERN_F_JUNK) ? TERN_TRAIN_SPAM : \
   (((flags) & (TERN_F_JUNK | TERN_F_NOTJUNK)) == TERN_F_NOTJUNK) ? TERN_TRAIN_HAM : TERN_TRAIN_NONE)

/* d open WRITE, m EX-locked by the caller.  Bring message uid of m to
   the state its flags ask for (gone: it is being expunged, so none):
   untrain what it was trained as, train what it should be, and record
   the new state for commit.  Nothing when both agree.  A message whose
   file cannot be parsed is left untrained and logged.  TERN_OK,
   TERN_TEMP. */
extern int tern_junk_sync (tern_junkdb *d, tern_junkopt const *o, tern_mbox *m, uint32_t uid, int gone) ;

/* Automatic junk flags (REFERENCE.md 9.1) for a message put in a
   mailbox.  tern_junkflags_apply returns flags with $Junk/$NotJunk set as
   the mailbox asks: a \Junk special-use mailbox always junk; otherwise,
   with junk-flags yes, the lower-cased name searched with the junk,
   neutral, notjunk regexes in that order, and when exactly two are
   configured the missing one matches the rest; else flags unchanged. */
typedef struct tern_junkflags_s tern_junkflags ;
struct tern_junkflags_s
{
  int on ;              /* junk-flags yes */
  unsigned int have ;   /* bit 0 junk, 1 neutral, 2 notjunk regex given */
  regex_t re[3] ;
} ;
/* 1, or 0 with errno (EPROTO: a regex that does not compile). */
extern int tern_junkflags_conf (tern_junkflags *f, tern_conf const *c, char const *acct) ;
extern void tern_junkflags_free (tern_junkflags *f) ;
extern uint32_t tern_junkflags_apply (tern_junkflags const *f, char const *mailbox, unsigned int specialuse, uint32_t flags) ;

/* ---- rebuilding (tern-retrain(8)) ---- */

typedef struct tern_junkretrain_s tern_junkretrain ;
struct tern_junkretrain_s
{
  uint64_t messages ;   /* looked at */
  uint64_t ham, spam ;  /* trained as */
  uint64_t unparsable ; /* left untrained */
} ;
/* Called now and then with the messages done so far and the total. */
typedef void tern_junk_progress_func (void *data, uint64_t done, uint64_t total) ;
/* Rebuild ACCT's filter from every message's current flags and set every
   message's training state to match; safe beside delivery and IMAP (no
   message counted twice or missed when flags change during the run).
   TERN_OK, TERN_TEMP. */
extern int tern_junk_retrain (char const *acct, tern_junkopt const *o, tern_junk_progress_func *f, void *data, tern_junkretrain *st) ;

#endif
