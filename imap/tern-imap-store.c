/* tern-imap-store: STORE (+FLAGS -FLAGS FLAGS, .SILENT, UNCHANGEDSINCE),
   COPY and MOVE (COPYUID), APPEND (APPENDUID; literals arrive as files). */
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

/* flags in list or atom n into *f, *kw (keywords created when create) */
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
    else if (a->a[k].s[0] == '\\' || create) return 0 ;
  }
  return 1 ;
}

/* applies the change to message j and reports it: 1, or 0 if UNCHANGEDSINCE failed */
static int storeone (size_t j, int mode, uint32_t f, uint64_t kw, uint64_t since, int silent, int uid)
{
  imsg *m = sel_msgs() + j ;
  uint32_t nf = mode == 1 ? m->flags | f : mode == 2 ? m->flags & ~f : f ;
  uint64_t nk = mode == 1 ? m->kw | kw : mode == 2 ? m->kw & ~kw : kw, ms ;
  if (m->flags & TERN_F_EXPUNGED) return 1 ;
  if (since && m->modseq > since) return 0 ;
  if (nf != m->flags || nk != m->kw)
  {
    int r = tern_mbox_setflags(&S.mbox, m->uid, nf, nk, since, &ms) ;
    if (r == TERN_PERM && errno == ESTALE) return 0 ;
    if (r) return 1 ;
    m->flags = nf ; m->kw = nk ; m->modseq = ms ;
  }
  if (!silent || (S.condstore && since))
  {
    out_puts("* ") ; out_u64(j + 1) ; out_puts(" FETCH (") ;
    if (uid) { out_puts("UID ") ; out_u64(m->uid) ; out_puts(" ") ; }
    if (!silent) out_flags(m) ;
    if (S.condstore) { out_puts(silent ? "MODSEQ (" : " MODSEQ (") ; out_u64(m->modseq) ; out_puts(")") ; }
    out_puts(")\r\n") ;
  }
  return 1 ;
}

void cmd_store (iargs *a)
{
  genalloc idx = GENALLOC_ZERO, failed = GENALLOC_ZERO ;
  uint64_t since = 0, kw ;
  uint32_t f ;
  unsigned int i = 1 ;
  int mode, silent ;
  char const *op ;
  if (a->n < 3) { out_tagged("BAD", "STORE set item flags") ; return ; }
  if (a->a[1].type == N_LIST)
  {
    if (a->a[1].len != 2 || !imap_isatom(&a->a[2], "UNCHANGEDSINCE") || !imap_num(&a->a[3], &since)) { out_tagged("BAD", "bad STORE modifier") ; return ; }
    i = 4 ; S.condstore = 1 ;
  }
  if (i + 1 >= a->n || a->a[i].type != N_ATOM) { out_tagged("BAD", "STORE set item flags") ; return ; }
  op = a->a[i].s ;
  mode = op[0] == '+' ? 1 : op[0] == '-' ? 2 : 0 ;
  if (mode) op++ ;
  silent = strlen(op) == 12 ;
  if (strncasecmp(op, "FLAGS", 5) || (op[5] && strcasecmp(op + 5, ".SILENT"))) { out_tagged("BAD", "bad STORE item") ; return ; }
  if (S.readonly) { out_tagged("NO", "[READ-ONLY] mailbox is read-only") ; return ; }
  if (!sel_set(&a->a[0], a->uid, &idx)) { out_tagged("BAD", "bad sequence set") ; goto end ; }
  if (tern_mbox_lock(&S.mbox, LOCK_EX)) { out_tagged("NO", "[UNAVAILABLE] cannot lock the mailbox") ; goto end ; }
  if (!flaglist(a, i + 1, &f, &kw, 1)) { tern_mbox_unlock(&S.mbox) ; out_tagged("BAD", "bad flag") ; goto end ; }
  for (size_t k = 0 ; k < genalloc_len(size_t, &idx) ; k++)
  {
    size_t j = genalloc_s(size_t, &idx)[k] ;
    if (!storeone(j, mode, f, kw, since, silent, a->uid) && !genalloc_catb(size_t, &failed, &j, 1)) strerr_diefusys(111, "store") ;
  }
  tern_mbox_unlock(&S.mbox) ;
  if (genalloc_len(size_t, &failed))
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

static void copymove (iargs *a, int move)
{
  genalloc idx = GENALLOC_ZERO, src = GENALLOC_ZERO, dst = GENALLOC_ZERO ;
  stralloc name = STRALLOC_ZERO ;
  tern_mboxent e ;
  int r = 0 ;
  if (a->n != 2) { out_tagged("BAD", move ? "MOVE set mailbox" : "COPY set mailbox") ; return ; }
  if (!sel_set(&a->a[0], a->uid, &idx)) { out_tagged("BAD", "bad sequence set") ; goto end ; }
  if (!mbox_name(&a->a[1], &name)) goto end ;
  if (move && S.readonly) { out_tagged("NO", "[READ-ONLY] mailbox is read-only") ; goto end ; }
  if (tern_store_mbox_lookup(S.acct.s, name.s, &e)) { out_tagged("NO", "[TRYCREATE] no such mailbox") ; goto end ; }
  for (size_t k = 0 ; k < genalloc_len(size_t, &idx) && !r ; k++)
  {
    imsg *m = sel_msgs() + genalloc_s(size_t, &idx)[k] ;
    uint32_t nu ;
    if (m->flags & TERN_F_EXPUNGED) continue ;
    r = tern_store_copy(&S.mbox, m->uid, S.acct.s, name.s, &nu) ;
    if (r == TERN_PERM && errno == ENOENT) { r = 0 ; continue ; }
    if (!r && (!genalloc_catb(uint32_t, &src, &m->uid, 1) || !genalloc_catb(uint32_t, &dst, &nu, 1))) r = TERN_TEMP ;
  }
  if (r) { out_tagged("NO", "[UNAVAILABLE] copy failed") ; goto end ; }
  if (move && genalloc_len(uint32_t, &src))
  {
    r = tern_mbox_lock(&S.mbox, LOCK_EX) ;
    for (size_t k = 0 ; !r && k < genalloc_len(uint32_t, &src) ; k++)
    {
      uint64_t ms ;
      tern_mbox_expunge(&S.mbox, genalloc_s(uint32_t, &src)[k], &ms) ;
    }
    if (!r) { tern_mbox_compact(&S.mbox, 0) ; tern_mbox_unlock(&S.mbox) ; }
  }
  if (genalloc_len(uint32_t, &src))
  {
    if (move) out_puts("* OK [COPYUID ") ; else { out_puts(S.tag) ; out_puts(" OK [COPYUID ") ; }
    out_u64(e.uidvalidity) ; out_puts(" ") ; out_uidset(&src) ; out_puts(" ") ; out_uidset(&dst) ;
    out_puts(move ? "] moved\r\n" : "] COPY completed\r\n") ;
    if (move) imap_ok("MOVE completed") ; else out_flush() ;
  }
  else imap_ok(move ? "MOVE completed" : "COPY completed") ;
 end:
  genalloc_free(size_t, &idx) ;
  genalloc_free(uint32_t, &src) ;
  genalloc_free(uint32_t, &dst) ;
  stralloc_free(&name) ;
}

void cmd_copy (iargs *a) { copymove(a, 0) ; }
void cmd_move (iargs *a) { copymove(a, 1) ; }

/* "dd-Mon-yyyy hh:mm:ss +zzzz" (day may be " d"): 1 and *t, or 0 */
static int parsedate (char const *s, size_t len, int64_t *t)
{
  static char const mon[] = "janfebmaraprmayjunjulaugsepoctnovdec" ;
  unsigned int d, y, hh, mm, ss, zh, zm, m ;
  char ms[4], sign ;
  int64_t days ;
  if (len != 26 && len != 25) return 0 ;
  if (s[0] == ' ') { s++ ; len-- ; }
  if (len == 25 && s[1] == '-') { char buf[27] ; buf[0] = '0' ; memcpy(buf + 1, s, 25) ; buf[26] = 0 ; return parsedate(buf, 26, t) ; }
  if (len != 26 || s[2] != '-' || s[6] != '-' || s[11] != ' ' || s[14] != ':' || s[17] != ':' || s[20] != ' ') return 0 ;
  if (sscanf(s, "%2u-%3c-%4u %2u:%2u:%2u %c%2u%2u", &d, ms, &y, &hh, &mm, &ss, &sign, &zh, &zm) != 9) return 0 ;
  for (m = 0 ; m < 12 ; m++) if (!strncasecmp(ms, mon + 3 * m, 3)) break ;
  if (m == 12 || !d || d > 31 || y < 1970 || y > 9999 || hh > 23 || mm > 59 || ss > 60 || (sign != '+' && sign != '-')) return 0 ;
  {
    /* days from civil (Howard Hinnant) */
    int yy = (int)y - (m < 2) ;
    int era = yy / 400, yoe = yy - era * 400 ;
    int doy = (153 * ((int)m + (m > 1 ? -2 : 10)) + 2) / 5 + (int)d - 1 ;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy ;
    days = (int64_t)era * 146097 + doe - 719468 ;
  }
  *t = days * 86400 + hh * 3600 + mm * 60 + ss - (sign == '+' ? 1 : -1) * (int64_t)(zh * 3600 + zm * 60) ;
  return 1 ;
}

void cmd_append (iargs *a)
{
  stralloc name = STRALLOC_ZERO ;
  char const *kwn[TERN_STORE_KWMAX] ;
  unsigned int nkw = 0, i = 1 ;
  uint32_t flags = 0, uid ;
  int64_t date = (int64_t)time(0) ;
  tern_mboxent e ;
  int r ;
  if (a->n < 2) { out_tagged("BAD", "APPEND mailbox [flags] [date] literal") ; return ; }
  if (!mbox_name(&a->a[0], &name)) goto end ;
  if (a->a[i].type == N_LIST)
  {
    for (unsigned int k = i + 1 ; k < REND(a, i) ; k++)
    {
      uint32_t f ;
      if (a->a[k].type != N_ATOM) { out_tagged("BAD", "bad flag") ; goto end ; }
      f = tern_store_flagscan(a->a[k].s, a->a[k].len) ;
      if (f) flags |= f ;
      else if (imap_isatom(&a->a[k], "\\Recent")) continue ;
      else if (a->a[k].s[0] == '\\' || !tern_keyword_valid(a->a[k].s, a->a[k].len) || nkw >= TERN_STORE_KWMAX) { out_tagged("BAD", "bad flag") ; goto end ; }
      else kwn[nkw++] = a->a[k].s ;
    }
    i = REND(a, i) ;
  }
  if (i < a->n && a->a[i].type == N_STRING && i + 1 < a->n)
  {
    if (!parsedate(a->a[i].s, a->a[i].len, &date)) { out_tagged("BAD", "bad date") ; goto end ; }
    i++ ;
  }
  if (i + 1 != a->n || (a->a[i].type != N_FILE && a->a[i].type != N_STRING)) { out_tagged("BAD", "APPEND takes one message") ; goto end ; }
  if (tern_store_mbox_lookup(S.acct.s, name.s, &e)) { out_tagged("NO", "[TRYCREATE] no such mailbox") ; goto end ; }
  if (a->a[i].type == N_FILE)
  {
    if (a->a[i].len >= S.nfiles) { out_tagged("BAD", "no such literal") ; goto end ; }
    r = tern_store_deliverlink(S.acct.s, name.s, S.files[a->a[i].len].s, flags, kwn, nkw, date, 0, &uid) ;
  }
  else r = tern_store_deliver(S.acct.s, name.s, a->a[i].s, a->a[i].len, flags, kwn, nkw, date, 0, &uid) ;
  if (r) { out_tagged("NO", r == TERN_PERM ? "[CANNOT] cannot append" : "[UNAVAILABLE] cannot append now") ; goto end ; }
  if (S.state == S_SELECTED) sel_sync() ;
  out_puts(S.tag) ; out_puts(" OK [APPENDUID ") ; out_u64(e.uidvalidity) ; out_puts(" ") ; out_u64(uid) ; out_puts("] APPEND completed\r\n") ;
  out_flush() ;
 end:
  stralloc_free(&name) ;
}
