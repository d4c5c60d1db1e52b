/* tern-imap-store: STORE (+FLAGS -FLAGS FLAGS, .SILENT, UNCHANGEDSINCE),
   and COPY and MOVE (COPYUID). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <sys/file.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include "tern.h"
#include "tern-imap.h"

/* flags in list or atoms from i into *f, *kw (keywords created when
   create): 1, 0 bad syntax, -1 no room for a new keyword */
static int flaglist (iargs *a, unsigned int i, uint32_t *f, uint64_t *kw, int create)
{
  unsigned int s = i, e = a->n ;
  *f = 0 ; *kw = 0 ;
  if (a->a[i].type == N_LIST) { s = i + 1 ; e = REND(a, i) ; if (e != a->n) return 0 ; }
  for (unsigned int k = s ; k < e ; k++)
  {
    uint64_t bit ;
    int r ;
    if (a->a[k].type != N_ATOM) return 0 ;
    if (imap_isatom(&a->a[k], "\\Recent")) continue ;
    r = sel_kwbit(a->a[k].s, a->a[k].len, &bit, create) ;
    if (r == 1) *f |= (uint32_t)bit ;
    else if (r == 2) *kw |= bit ;
    else if (a->a[k].s[0] == '\\' || !tern_keyword_valid(a->a[k].s, a->a[k].len)) return 0 ;
    else if (create) return -1 ;   /* a good keyword the mailbox cannot take (64 in use) */
  }
  return 1 ;
}

/* applies the change to message j and reports it: 1 (also when it was
   expunged meanwhile), 0 if UNCHANGEDSINCE failed, -1 error (errno).  The
   caller holds the EX lock: +FLAGS and -FLAGS apply to the record on disk,
   never to this session's copy, which may be older than another session's
   change. */
static int storeone (size_t j, int mode, uint32_t f, uint64_t kw, uint64_t since, int silent, int uid)
{
  imsg *m = sel_msgs() + j ;
  tern_rec rec ;
  size_t pos ;
  uint32_t cur, nf ;
  uint64_t nk, ms ;
  int r ;
  if (m->flags & TERN_F_EXPUNGED) return 1 ;
  r = tern_mbox_find(&S.mbox, m->uid, &rec, &pos) ;
  if ((r == TERN_PERM && errno == ENOENT) || (!r && (rec.flags & TERN_F_EXPUNGED))) return 1 ;
  if (r) return -1 ;
  if (since && rec.modseq > since) return 0 ;
  cur = rec.flags & TERN_F_USER ;
  nf = mode == 1 ? cur | f : mode == 2 ? cur & ~f : f ;
  nk = mode == 1 ? rec.keywords | kw : mode == 2 ? rec.keywords & ~kw : kw ;
  /* flags another session set that this one has not reported yet */
  if (silent && (cur != (m->flags & TERN_F_USER) || rec.keywords != m->kw)) sel_dirty(j) ;
  ms = rec.modseq ;
  if (nf != cur || nk != rec.keywords)
  {
    r = tern_mbox_setflags(&S.mbox, m->uid, nf, nk, since, &ms) ;
    if (r == TERN_PERM && errno == ESTALE) return 0 ;
    if (r == TERN_PERM && errno == ENOENT) return 1 ;   /* expunged meanwhile */
    if (r) return -1 ;
  }
  m->flags = (m->flags & ~(uint32_t)TERN_F_USER) | nf ; m->kw = nk ; m->modseq = ms ;
  if (!silent || S.condstore)   /* MODSEQ even for .SILENT once CONDSTORE is on (as Dovecot) */
  {
    out_puts("* ") ; out_u64(j + 1) ; out_puts(" FETCH (") ;
    if (uid || S.qresync) { out_puts("UID ") ; out_u64(m->uid) ; out_puts(" ") ; }   /* QRESYNC: always, as Dovecot */
    if (!silent) out_flags(m) ;
    if (S.condstore) { out_puts(silent ? "MODSEQ (" : " MODSEQ (") ; out_u64(m->modseq) ; out_puts(")") ; }
    out_puts(")\r\n") ;
  }
  return 1 ;
}

/* each message of idx (those that failed UNCHANGEDSINCE into failed),
   retrained as its junk flags ask: 0, or an errno after which the rest
   is left as it was */
static int storeall (genalloc const *idx, int mode, uint32_t f, uint64_t kw, uint64_t since, int silent, int uid, genalloc *failed)
{
  for (size_t k = 0 ; k < genalloc_len(size_t, idx) ; k++)
  {
    size_t j = genalloc_s(size_t const, idx)[k] ;
    int r = storeone(j, mode, f, kw, since, silent, uid) ;
    if (r < 0) return errno ? errno : EIO ;
    if (!r && !genalloc_catb(size_t, failed, &j, 1)) strerr_diefusys(111, "store") ;
    if (!(sel_msgs()[j].flags & TERN_F_EXPUNGED)) junk_sync(&S.mbox, sel_msgs()[j].uid, 0) ;
  }
  return 0 ;
}

/* UNCHANGEDSINCE 0 fails for every message (RFC 7162 3.1.3: a system
   flag always exists): all of idx not expunged into failed */
static void failall (genalloc const *idx, genalloc *failed)
{
  for (size_t k = 0 ; k < genalloc_len(size_t, idx) ; k++)
  {
    size_t j = genalloc_s(size_t const, idx)[k] ;
    if (!(sel_msgs()[j].flags & TERN_F_EXPUNGED) && !genalloc_catb(size_t, failed, &j, 1)) strerr_diefusys(111, "store") ;
  }
}

void cmd_store (iargs *a)
{
  genalloc idx = GENALLOC_ZERO, failed = GENALLOC_ZERO ;
  uint64_t since = 0, kw ;
  uint32_t f ;
  unsigned int i = 1 ;
  int mode, silent, r, never = 0 ;
  char const *op ;
  if (a->n < 3) { out_tagged("BAD", "STORE set item flags") ; return ; }
  if (a->a[1].type == N_LIST)
  {
    if (a->a[1].len != 2 || !imap_isatom(&a->a[2], "UNCHANGEDSINCE") || !imap_num(&a->a[3], &since)) { out_tagged("BAD", "bad STORE modifier") ; return ; }
    i = 4 ;
    never = !since ;
  }
  if (i + 1 >= a->n || a->a[i].type != N_ATOM) { out_tagged("BAD", "STORE set item flags") ; return ; }
  op = a->a[i].s ;
  mode = op[0] == '+' ? 1 : op[0] == '-' ? 2 : 0 ;
  if (mode) op++ ;
  silent = strlen(op) == 12 ;
  if (strncasecmp(op, "FLAGS", 5) || (op[5] && strcasecmp(op + 5, ".SILENT"))) { out_tagged("BAD", "bad STORE item") ; return ; }
  if (S.readonly) { out_tagged("NO", "[READ-ONLY] mailbox is read-only") ; return ; }
  if (since || never) sel_condstore() ;   /* UNCHANGEDSINCE enables CONDSTORE */
  if (!sel_set(&a->a[0], a->uid, &idx)) { out_tagged("BAD", "bad sequence set") ; goto end ; }
  /* a change that can touch $Junk or $NotJunk retrains: the junk lock first */
  r = flaglist(a, i + 1, &f, &kw, 0) ;
  junk_begin(r > 0 && (!mode || (f & (TERN_F_JUNK | TERN_F_NOTJUNK)))) ;
  if (tern_mbox_lock(&S.mbox, LOCK_EX)) { out_temp("[UNAVAILABLE] cannot lock the mailbox") ; goto end ; }
  r = flaglist(a, i + 1, &f, &kw, 1) ;
  if (r <= 0)
  {
    tern_mbox_unlock(&S.mbox) ;
    if (r < 0) out_tagged("NO", "[LIMIT] no room for another keyword in this mailbox") ; else out_tagged("BAD", "bad flag") ;
    goto end ;
  }
  sel_kwtell(kw) ;   /* a keyword new to the mailbox: FLAGS first, also for .SILENT */
  if (never) { failall(&idx, &failed) ; r = 0 ; }
  else r = storeall(&idx, mode, f, kw, since, silent, a->uid, &failed) ;
  junk_commit() ;
  tern_mbox_unlock(&S.mbox) ;
  junk_end() ;
  /* never OK for a change that did not happen */
  if (r) { errno = r ; out_temp("[UNAVAILABLE] cannot store the flags") ; }
  else if (genalloc_len(size_t, &failed))
  {
    out_puts(S.tag) ; out_puts(" OK [MODIFIED ") ;
    for (size_t k = 0 ; k < genalloc_len(size_t, &failed) ; k++)
    {
      size_t j = genalloc_s(size_t, &failed)[k] ;
      if (k) out_puts(",") ;
      out_u64(a->uid ? sel_msgs()[j].uid : j + 1) ;
    }
    out_puts("] conditional STORE failed\r\n") ;
    out_flush() ;
  }
  else imap_ok("STORE completed") ;
 end:
  junk_end() ;
  genalloc_free(size_t, &idx) ;
  genalloc_free(size_t, &failed) ;
}

static void out_uidset (genalloc const *u)
{
  for (size_t k = 0 ; k < genalloc_len(uint32_t, u) ; k++)
  {
    if (k) out_puts(",") ;
    out_u64(genalloc_s(uint32_t const, u)[k]) ;
  }
}

/* COPY of one message as tern_store_copy does, with the automatic junk
   flags of the destination e (a new copy starts untrained) */
static int copyone (uint32_t uid, tern_mboxent const *e, uint32_t *nu)
{
  stralloc p = STRALLOC_ZERO ;
  char const *kw[TERN_STORE_KWMAX] ;
  unsigned int nkw = 0 ;
  tern_rec rec ;
  size_t pos ;
  int r = tern_mbox_header(&S.mbox) ;
  if (!r) r = tern_mbox_find(&S.mbox, uid, &rec, &pos) ;
  if (!r && (rec.flags & TERN_F_EXPUNGED)) { r = TERN_PERM ; errno = ENOENT ; }
  if (!r && rec.keywords) r = tern_mbox_keywords(&S.mbox) ;
  if (r) return r ;
  for (unsigned int b = 0 ; b < TERN_STORE_KWMAX ; b++)
    if (rec.keywords & ((uint64_t)1 << b) && tern_mbox_keywordname(&S.mbox, b)) kw[nkw++] = tern_mbox_keywordname(&S.mbox, b) ;
  if (!tern_mbox_path(&p, &S.mbox, "cur", uid)) return TERN_TEMP ;
  r = tern_store_deliverlink(S.acct.s, e->name, p.s, junk_flags(e->name, e->specialuse, rec.flags & TERN_F_USER),
    kw, nkw, rec.internaldate, 0, nu) ;
  if (r == TERN_TEMP && errno == ENOENT) r = TERN_PERM ;  /* expunged under us */
  stralloc_free(&p) ;
  return r ;
}

/* MOVE's expunge of the copied messages: each untrained before it goes */
static void moveexpunge (genalloc const *src)
{
  uint32_t const *u = genalloc_s(uint32_t const, src) ;
  size_t n = genalloc_len(uint32_t, src) ;
  if (tern_mbox_lock(&S.mbox, LOCK_EX)) return ;
  for (size_t k = 0 ; k < n ; k++) junk_sync(&S.mbox, u[k], 1) ;
  junk_commit() ;
  for (size_t k = 0 ; k < n ; k++)
  {
    uint64_t ms ;
    tern_mbox_expunge(&S.mbox, u[k], &ms) ;
  }
  tern_mbox_compact(&S.mbox, 0) ;
  tern_mbox_unlock(&S.mbox) ;
}

/* reads others' changes, expunges kept for later (the set's numbers stay
   valid): 1 if a message of idx is gone */
static int goneany (genalloc const *idx)
{
  int expok = S.expok ;
  S.expok = 0 ;
  sel_sync() ;
  S.expok = expok ;
  for (size_t k = 0 ; k < genalloc_len(size_t, idx) ; k++)
    if (sel_msgs()[genalloc_s(size_t const, idx)[k]].flags & TERN_F_EXPUNGED) return 1 ;
  return 0 ;
}

static void copymove (iargs *a, int move)
{
  genalloc idx = GENALLOC_ZERO, src = GENALLOC_ZERO, dst = GENALLOC_ZERO ;
  stralloc name = STRALLOC_ZERO ;
  tern_mboxent e ;
  int r = 0, e2 ;
  if (a->n != 2) { out_tagged("BAD", move ? "MOVE set mailbox" : "COPY set mailbox") ; return ; }
  if (!sel_set(&a->a[0], a->uid, &idx)) { out_tagged("BAD", "bad sequence set") ; goto end ; }
  if (!mbox_name(&a->a[1], &name)) goto end ;
  if (move && S.readonly) { out_tagged("NO", "[READ-ONLY] mailbox is read-only") ; goto end ; }
  if (tern_store_mbox_lookup(S.acct.s, name.s, &e)) { out_tagged("NO", "[TRYCREATE] no such mailbox") ; goto end ; }
  if (goneany(&idx))
  {
    /* a message of the set was expunged by another session: nothing is
       copied (as Dovecot; RFC 2180 4.4.1), the client is told */
    sel_sync() ;
    out_tagged("NO", "[EXPUNGEISSUED] some of the messages no longer exist") ;
    goto end ;
  }
  junk_begin(genalloc_len(size_t, &idx) > 0) ;
  for (size_t k = 0 ; k < genalloc_len(size_t, &idx) && !r ; k++)
  {
    imsg *m = sel_msgs() + genalloc_s(size_t, &idx)[k] ;
    uint32_t nu ;
    if (m->flags & TERN_F_EXPUNGED) continue ;
    r = copyone(m->uid, &e, &nu) ;
    if (r == TERN_PERM && errno == ENOENT) { r = 0 ; continue ; }
    if (!r && (!genalloc_catb(uint32_t, &src, &m->uid, 1) || !genalloc_catb(uint32_t, &dst, &nu, 1))) r = TERN_TEMP ;
  }
  /* the copies made are trained even when a later one failed */
  e2 = errno ;
  junk_syncbox(&e, genalloc_s(uint32_t, &dst), genalloc_len(uint32_t, &dst)) ;
  errno = e2 ;
  if (r) { out_temp("[UNAVAILABLE] copy failed") ; goto end ; }
  if (move && genalloc_len(uint32_t, &src)) moveexpunge(&src) ;
  junk_end() ;
  if (genalloc_len(uint32_t, &src))
  {
    if (move) out_puts("* OK [COPYUID ") ; else { sel_sync() ; out_puts(S.tag) ; out_puts(" OK [COPYUID ") ; }
    out_u64(e.uidvalidity) ; out_puts(" ") ; out_uidset(&src) ; out_puts(" ") ; out_uidset(&dst) ;
    out_puts(move ? "] moved\r\n" : "] COPY completed\r\n") ;
    if (move) imap_ok("MOVE completed") ; else out_flush() ;
  }
  else imap_ok(move ? "MOVE completed" : "COPY completed") ;
 end:
  junk_end() ;
  genalloc_free(size_t, &idx) ;
  genalloc_free(uint32_t, &src) ;
  genalloc_free(uint32_t, &dst) ;
  stralloc_free(&name) ;
}

void cmd_copy (iargs *a) { copymove(a, 0) ; }
void cmd_move (iargs *a) { copymove(a, 1) ; }

