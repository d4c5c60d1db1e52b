/* tern-imap-fetch: FETCH and UID FETCH.  Message files are mapped, never
   read whole into memory; body fetches without PEEK set \Seen.  BINARY
   (RFC 3516): a part decoded from base64 or quoted-printable. */
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <sys/file.h>
#include <skalibs/strerr.h>
#include "tern.h"
#include "tern_mime.h"
#include "tern_log.h"
#include "tern-imap.h"

#define F_UID 1
#define F_FLAGS 2
#define F_SIZE 4
#define F_DATE 8
#define F_MODSEQ 16
#define F_ENVELOPE 32
#define F_BODYSTRUCTURE 64
#define F_BODY 128
#define F_SETSEEN 256
#define F_NEEDMSG (F_ENVELOPE | F_BODYSTRUCTURE | F_BODY | F_SECTIONS)
#define F_SECTIONS 512

static void out_date (int64_t t)
{
  static char const mon[] = "JanFebMarAprMayJunJulAugSepOctNovDec" ;
  char buf[40] ;
  time_t tt = (time_t)t ;
  struct tm tm ;
  gmtime_r(&tt, &tm) ;
  strftime(buf, sizeof buf, "\"%d-XXX-%Y %H:%M:%S +0000\"", &tm) ;
  memcpy(buf + 4, mon + 3 * tm.tm_mon, 3) ;
  out_puts(buf) ;
}

/* the header lines of h whose names are (or with not, are not) in the
   list nodes [l+1, end) */
static void fields (stralloc *sa, char const *h, size_t len, inode const *names, size_t n, int not)
{
  size_t i = 0 ;
  while (i < len)
  {
    size_t e = i, colon ;
    int in = 0 ;
    if (h[i] == '\r' || h[i] == '\n') break ;
    for (;;)
    {
      char const *nl = memchr(h + e, '\n', len - e) ;
      e = nl ? (size_t)(nl - h) + 1 : len ;
      if (e >= len || (h[e] != ' ' && h[e] != '\t')) break ;
    }
    for (colon = i ; colon < e && h[colon] != ':' ; colon++) ;
    for (size_t k = 0 ; k < n ; k++)
      if (names[k].len == colon - i && !strncasecmp(names[k].s, h + i, colon - i)) { in = 1 ; break ; }
    if (in != not && !stralloc_catb(sa, h + i, e - i)) strerr_diefusys(111, "fetch") ;
    i = e ;
  }
  if (!stralloc_catb(sa, "\r\n", 2)) strerr_diefusys(111, "fetch") ;
}

#define SEC_ALL 0
#define SEC_HEADER 1
#define SEC_TEXT 2
#define SEC_FIELDS 3
#define SEC_NOT 4
#define SEC_MIME 5
#define NAMEMAX 64

typedef struct sec_s sec ;
struct sec_s
{
  int kind, peek, partial ;
  int bin ;             /* 0 BODY, 1 BINARY (decoded, RFC 3516), 2 BINARY.SIZE */
  size_t off, cnt ;
  char const *path ;    /* part number "1.2", or empty */
  size_t pathlen ;
  char const *echo ;    /* "[...]" as the client wrote it */
  size_t echolen ;
  inode names[NAMEMAX] ;
  size_t nnames ;
} ;

/* HEADER.FIELDS names: "(A B C)" */
static int names (sec *x, char const *s, size_t len)
{
  size_t i = 1 ;
  if (len < 3 || s[0] != '(' || s[len-1] != ')') return 0 ;
  x->nnames = 0 ;
  while (i < len - 1)
  {
    size_t j = i ;
    while (j < len - 1 && s[j] != ' ') j++ ;
    if (j == i || x->nnames >= NAMEMAX) return 0 ;
    x->names[x->nnames].s = (char *)s + i ;
    x->names[x->nnames++].len = j - i ;
    i = j + (j < len - 1) ;
  }
  return x->nnames > 0 ;
}

/* "BODY[...]<o.n>", "BODY.PEEK[...]...", "BINARY[part]<o.n>",
   "BINARY.PEEK[part]..." or "BINARY.SIZE[part]" into x: 1 ok, 0 bad */
static int section (inode const *it, sec *x)
{
  static struct { char const *name ; int peek, bin ; } const pre[] =
  {
    { "BODY", 0, 0 }, { "BODY.PEEK", 1, 0 }, { "BINARY", 0, 1 }, { "BINARY.PEEK", 1, 1 }, { "BINARY.SIZE", 1, 2 }, { 0, 0, 0 }
  } ;
  char const *s = it->s, *lb = memchr(it->s, '[', it->len), *rb, *sc ;
  size_t n ;
  unsigned int k = 0 ;
  if (!lb) return 0 ;
  while (pre[k].name && (strlen(pre[k].name) != (size_t)(lb - s) || strncasecmp(s, pre[k].name, (size_t)(lb - s)))) k++ ;
  if (!pre[k].name) return 0 ;
  x->peek = pre[k].peek ; x->bin = pre[k].bin ;
  rb = memchr(lb, ']', it->len - (size_t)(lb - s)) ;
  if (!rb) return 0 ;
  x->echo = lb ; x->echolen = (size_t)(rb + 1 - lb) ;
  sc = lb + 1 ; n = (size_t)(rb - sc) ;
  x->partial = 0 ;
  if ((size_t)(rb + 1 - s) < it->len)
  {
    uint64_t o = 0, c = 0 ;
    char const *p = rb + 1, *e = s + it->len ;
    if (*p++ != '<' || e[-1] != '>') return 0 ;
    while (p < e - 1 && *p >= '0' && *p <= '9' && o < 1000000000000ULL) o = o * 10 + (uint64_t)(*p++ - '0') ;
    if (*p != '.') return 0 ;
    p++ ;
    if (p >= e - 1) return 0 ;
    while (p < e - 1 && *p >= '0' && *p <= '9' && c < 1000000000000ULL) c = c * 10 + (uint64_t)(*p++ - '0') ;
    if (p != e - 1 || !c) return 0 ;
    x->partial = 1 ; x->off = (size_t)o ; x->cnt = (size_t)c ;
  }
  if (x->bin == 2 && x->partial) return 0 ;
  x->path = sc ;
  x->pathlen = 0 ;
  while (x->pathlen < n && ((sc[x->pathlen] >= '0' && sc[x->pathlen] <= '9') || (sc[x->pathlen] == '.' && x->pathlen + 1 < n && sc[x->pathlen+1] >= '0' && sc[x->pathlen+1] <= '9'))) x->pathlen++ ;
  for (size_t i = 0 ; i < x->pathlen ; i++)   /* section-part: nz-number *("." nz-number), RFC 3501 9 */
    if (sc[i] == '0' && (!i || sc[i-1] == '.')) return 0 ;
  if (x->pathlen)
  {
    if (x->pathlen < n && sc[x->pathlen] != '.') return 0 ;
    sc += x->pathlen + (x->pathlen < n) ;
    n -= x->pathlen + (x->pathlen < n) ;
    if (n == 4 && !strncasecmp(sc, "MIME", 4)) { x->kind = SEC_MIME ; return !x->bin ; }
  }
  if (!n) x->kind = SEC_ALL ;
  else if (x->bin) return 0 ;
  else if (n == 6 && !strncasecmp(sc, "HEADER", 6)) x->kind = SEC_HEADER ;
  else if (n == 4 && !strncasecmp(sc, "TEXT", 4)) x->kind = SEC_TEXT ;
  else if (n > 18 && !strncasecmp(sc, "HEADER.FIELDS.NOT ", 18)) { x->kind = SEC_NOT ; return names(x, sc + 18, n - 18) ; }
  else if (n > 14 && !strncasecmp(sc, "HEADER.FIELDS ", 14)) { x->kind = SEC_FIELDS ; return names(x, sc + 14, n - 14) ; }
  else return 0 ;
  return 1 ;
}

/* the bytes a section selects: [*b, *b + *bl); tmp holds HEADER.FIELDS
   and decoded BINARY parts (an unknown encoding was refused: cteok) */
static void sectionbytes (sec const *x, msgmap const *m, stralloc *tmp, char const **b, size_t *bl)
{
  size_t es = 0, el = m->len, hl ;
  int ismsg = 1 ;
  *b = m->s ; *bl = 0 ;
  if (x->pathlen && !mime_section(m->s, m->len, x->path, x->pathlen, &es, &el, &ismsg)) return ;
  hl = x->pathlen ? mime_hdrlen(m->s + es, el) : m->hdrlen ;
  if (x->kind == SEC_ALL)
  {
    int cte = x->bin && x->pathlen ? tern_cte_kind(m->s + es, hl) : TERN_CTE_NONE ;
    *b = m->s + es + (x->pathlen ? hl : 0) ; *bl = el - (x->pathlen ? hl : 0) ;
    if (cte <= TERN_CTE_NONE) return ;
    if (!tern_cte_decode(tmp, *b, *bl, cte)) strerr_diefusys(111, "fetch") ;
    *b = tmp->s ; *bl = tmp->len ;
    return ;
  }
  if (x->kind == SEC_MIME) { *b = m->s + es ; *bl = hl ; return ; }
  if (x->pathlen)
  {
    if (!ismsg) return ;
    es += hl ; el -= hl ;
    hl = mime_hdrlen(m->s + es, el) ;
  }
  if (x->kind == SEC_HEADER) { *b = m->s + es ; *bl = hl ; }
  else if (x->kind == SEC_TEXT) { *b = m->s + es + hl ; *bl = el - hl ; }
  else { fields(tmp, m->s + es, hl, x->names, x->nnames, x->kind == SEC_NOT) ; *b = tmp->s ; *bl = tmp->len ; }
}

static void out_section (char const *name, sec const *x, msgmap const *m)
{
  static stralloc tmp = STRALLOC_ZERO ;   /* reused: one per message would be a malloc each */
  char const *body ;
  size_t blen ;
  tmp.len = 0 ;
  sectionbytes(x, m, &tmp, &body, &blen) ;
  out_puts(x->bin == 2 ? "BINARY.SIZE" : x->bin ? "BINARY" : name) ;
  out_put(x->echo, x->echolen) ;
  if (x->bin == 2) { out_puts(" ") ; out_u64(blen) ; goto end ; }
  if (x->partial)
  {
    size_t off = x->off, cnt = x->cnt ;
    out_puts("<") ; out_u64(off) ; out_puts(">") ;
    if (off > blen) off = blen ;
    if (cnt > blen - off) cnt = blen - off ;
    body += off ; blen = cnt ;
  }
  out_puts(x->bin && memchr(body, 0, blen) ? " ~{" : " {") ; out_u64(blen) ; out_puts("}\r\n") ;
  out_put(body, blen) ;
 end:
  if (tmp.a > 65536) stralloc_free(&tmp) ;
}

#define SECMAX 16

typedef struct items_s items ;
struct items_s
{
  unsigned int want ;
  sec secs[SECMAX] ;
  char const *secname[SECMAX] ;
  unsigned int nsecs ;
  int hdronly ;     /* the header block is all it needs */
} ;

static int item (inode const *it, items *x)
{
  static struct { char const *name ; unsigned int bits ; } const simple[] =
  {
    { "UID", F_UID }, { "FLAGS", F_FLAGS }, { "RFC822.SIZE", F_SIZE }, { "INTERNALDATE", F_DATE },
    { "MODSEQ", F_MODSEQ }, { "ENVELOPE", F_ENVELOPE }, { "BODYSTRUCTURE", F_BODYSTRUCTURE }, { "BODY", F_BODY },
    { "ALL", F_FLAGS | F_DATE | F_SIZE | F_ENVELOPE }, { "FAST", F_FLAGS | F_DATE | F_SIZE },
    { "FULL", F_FLAGS | F_DATE | F_SIZE | F_ENVELOPE | F_BODY }, { 0, 0 }
  } ;
  sec *s ;
  if (it->type != N_ATOM) return 0 ;
  for (unsigned int i = 0 ; simple[i].name ; i++)
    if (imap_isatom(it, simple[i].name)) { x->want |= simple[i].bits ; return 1 ; }
  if (x->nsecs >= SECMAX) return 0 ;
  s = &x->secs[x->nsecs] ;
  memset(s, 0, sizeof *s) ;
  s->echo = "" ;
  if (imap_isatom(it, "RFC822")) { s->kind = SEC_ALL ; x->secname[x->nsecs] = "RFC822" ; }
  else if (imap_isatom(it, "RFC822.HEADER")) { s->kind = SEC_HEADER ; s->peek = 1 ; x->secname[x->nsecs] = "RFC822.HEADER" ; }
  else if (imap_isatom(it, "RFC822.TEXT")) { s->kind = SEC_TEXT ; x->secname[x->nsecs] = "RFC822.TEXT" ; }
  else if (section(it, s)) x->secname[x->nsecs] = "BODY" ;
  else return 0 ;
  if (!s->peek) x->want |= F_SETSEEN ;
  x->want |= F_SECTIONS ;
  x->nsecs++ ;
  return 1 ;
}

/* \Seen is added to the flags on disk (another session may have changed
   them since this one looked) */
static void setseen (imsg *m)
{
  tern_rec rec ;
  size_t pos ;
  uint64_t ms ;
  if (S.readonly || (m->flags & TERN_F_SEEN)) return ;
  if (tern_mbox_lock(&S.mbox, LOCK_EX)) return ;
  if (!tern_mbox_find(&S.mbox, m->uid, &rec, &pos)
   && !tern_mbox_setflags(&S.mbox, m->uid, (rec.flags & TERN_F_USER) | TERN_F_SEEN, rec.keywords, 0, &ms))
  {
    m->flags = (m->flags & ~(uint32_t)TERN_F_USER) | (rec.flags & TERN_F_USER) | TERN_F_SEEN ;
    m->kw = rec.keywords ;
    m->modseq = ms ;
  }
  tern_mbox_unlock(&S.mbox) ;
}

/* 0 ENVELOPE, 1 BODY, 2 BODYSTRUCTURE */
static void mimeout (int what, msgmap const *m)
{
  stralloc sa = STRALLOC_ZERO ;
  int ok = what ? mime_structure(&sa, m->s, m->len, what == 2) : mime_envelope(&sa, m->s, m->hdrlen) ;
  if (!ok) strerr_diefusys(111, "fetch") ;
  out_put(sa.s, sa.len) ;
  stralloc_free(&sa) ;
}

static int ctebad ;   /* a BINARY part had an unknown encoding: NO [UNKNOWN-CTE] */
static int gone ;     /* a message file was expunged: NO [EXPUNGEISSUED] */
static int broken ;   /* a message file could not be read: NO [UNAVAILABLE] */

/* 0 if a BINARY section's part is in an encoding tern does not know */
static int cteok (items const *x, msgmap const *m)
{
  for (unsigned int k = 0 ; k < x->nsecs ; k++)
  {
    sec const *s = &x->secs[k] ;
    size_t es, el ;
    int ismsg ;
    if (!s->bin || !s->pathlen || !mime_section(m->s, m->len, s->path, s->pathlen, &es, &el, &ismsg)) continue ;
    if (tern_cte_kind(m->s + es, mime_hdrlen(m->s + es, el)) < 0) return 0 ;
  }
  return 1 ;
}

static void fetchone (size_t i, items const *x)
{
  imsg *m = sel_msgs() + i ;
  msgmap mm = { .s = "", .len = 0, .hdrlen = 0, .mapped = 0 } ;
  int sp = 0 ;
  unsigned int want = x->want ;
  /* a message expunged by another session (RFC 2180 4.1.2) is left out,
     never answered with made-up contents: the FETCH ends NO [EXPUNGEISSUED]
     and the EXPUNGE follows when the client may be told */
  if (want & F_NEEDMSG)
  {
    if (x->hdronly && cache_get(m, &mm.s, &mm.len)) mm.hdrlen = mm.len ;
    else if (!mapmsg(m->uid, &mm))
    {
      if (errno == ENOENT) gone = 1 ;
      else { broken = 1 ; tern_log_warn("temp", "pid", S.pid, "account", S.account.s, "tag", S.tag, "reply", "cannot read a message", "error", strerror(errno), TERN_LOG_END) ; }
      return ;
    }
    else if (x->hdronly) cache_put(m, mm.s, mm.hdrlen) ;
  }
  if (!cteok(x, &mm)) { ctebad = 1 ; unmapmsg(&mm) ; return ; }
  if ((want & F_SETSEEN) && !(m->flags & TERN_F_SEEN)) { setseen(m) ; want |= S.condstore ? F_FLAGS | F_MODSEQ : F_FLAGS ; }
  if (want & F_FLAGS) sel_kwtell(m->kw) ;
  out_puts("* ") ; out_u64(i + 1) ; out_puts(" FETCH (") ;
#define SP() (sp++ ? out_puts(" ") : (void)0)
  if (want & F_UID) { SP() ; out_puts("UID ") ; out_u64(m->uid) ; }
  if (want & F_FLAGS) { SP() ; out_flags(m) ; }
  if (want & F_SIZE) { SP() ; out_puts("RFC822.SIZE ") ; out_u64(m->size) ; }
  if (want & F_DATE) { SP() ; out_puts("INTERNALDATE ") ; out_date(m->date) ; }
  if (want & F_MODSEQ) { SP() ; out_puts("MODSEQ (") ; out_u64(m->modseq) ; out_puts(")") ; }
  if (want & F_ENVELOPE) { SP() ; out_puts("ENVELOPE ") ; mimeout(0, &mm) ; }
  if (want & F_BODYSTRUCTURE) { SP() ; out_puts("BODYSTRUCTURE ") ; mimeout(2, &mm) ; }
  if (want & F_BODY) { SP() ; out_puts("BODY ") ; mimeout(1, &mm) ; }
  if (want & F_SECTIONS)
    for (unsigned int k = 0 ; k < x->nsecs ; k++) { SP() ; out_section(x->secname[k], &x->secs[k], &mm) ; }
#undef SP
  out_puts(")\r\n") ;
  unmapmsg(&mm) ;
}

void cmd_fetch (iargs *a)
{
  static items x ;
  genalloc idx = GENALLOC_ZERO ;
  uint64_t since = 0 ;
  int vanished = 0 ;
  unsigned int i = 1, end ;
  memset(&x, 0, sizeof x) ;
  ctebad = gone = broken = 0 ;
  if (a->n < 2) { out_tagged("BAD", "FETCH set items") ; return ; }
  if (a->a[1].type == N_LIST) { end = REND(a, 1) ; for (unsigned int k = 2 ; k < end ; k++) if (!item(&a->a[k], &x)) goto bad ; }
  else { end = 2 ; if (!item(&a->a[1], &x)) goto bad ; }
  i = end ;
  if (i < a->n)
  {
    if (!qresync_fetchmods(a, i, &since, &vanished)) goto bad ;
    x.want |= F_MODSEQ ;
  }
  if (x.want & F_MODSEQ) sel_condstore() ;
  if (a->uid) x.want |= F_UID ;
  x.hdronly = !(x.want & (F_BODY | F_BODYSTRUCTURE)) ;
  for (unsigned int k = 0 ; k < x.nsecs ; k++)
    if (x.secs[k].pathlen || (x.secs[k].kind != SEC_HEADER && x.secs[k].kind != SEC_FIELDS && x.secs[k].kind != SEC_NOT)) x.hdronly = 0 ;
  if (!sel_set(&a->a[0], a->uid, &idx)) { out_tagged("BAD", "bad sequence set") ; goto end ; }
  if (vanished) qresync_fetchvanished(&a->a[0], since) ;
  for (size_t k = 0 ; k < genalloc_len(size_t, &idx) ; k++)
  {
    size_t j = genalloc_s(size_t, &idx)[k] ;
    if (since && sel_msgs()[j].modseq <= since) continue ;
    fetchone(j, &x) ;
  }
  cache_done() ;
  if (broken) out_tagged("NO", "[UNAVAILABLE] cannot read some of the messages now") ;
  else if (gone) { sel_sync() ; out_tagged("NO", "[EXPUNGEISSUED] some of the requested messages no longer exist") ; }
  else if (ctebad) out_tagged("NO", "[UNKNOWN-CTE] a part is in an encoding tern cannot decode") ;
  /* pipelined commands wait behind it (mbsync's FETCH of one message
     after another): the mailbox is looked at after the last of them, not
     after each one, since others' changes may wait (RFC 3501 5.2) */
  else if (in_pending()) out_tagged("OK", a->uid ? "UID FETCH completed" : "FETCH completed") ;
  else imap_ok(a->uid ? "UID FETCH completed" : "FETCH completed") ;
  goto end ;
 bad:
  out_tagged("BAD", "bad FETCH item") ;
 end:
  genalloc_free(size_t, &idx) ;
}
