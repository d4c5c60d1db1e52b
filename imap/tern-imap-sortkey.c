/* tern-imap-sortkey: the SORT and THREAD keys of the selected mailbox's
   messages (RFC 5256, RFC 5957), computed once per message and session
   from the header cache (a message file is read only when the cache
   lacks its header) and kept by UID until the message list changes. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <skalibs/strerr.h>
#include <unistr.h>
#include <unicase.h>
#include <uninorm.h>
#include "tern.h"
#include "tern_addrlist.h"
#include "tern_mime.h"
#include "tern-imap.h"

#define SORTFILE_MIN 64   /* new keys that make a session replace the file */

static genalloc keys = GENALLOC_ZERO ;
static uint32_t generation = 1 ;           /* of keys: a new one when they change */     /* skey, parallel to sel_msgs() */
static stralloc arena = STRALLOC_ZERO ;    /* their strings, NUL-terminated */
static uint32_t boxid, boxuv ;             /* the mailbox they are of */

static void die (void)
{
  strerr_diefu1sys(111, "compute sort keys") ;
}

static uint32_t put (stralloc *sa, char const *s, size_t len)
{
  uint32_t off = (uint32_t)sa->len ;
  if (sa->len + len + 1 > 0xffffffffu || !stralloc_catb(sa, s, len) || !stralloc_0(sa)) die() ;
  return off ;
}

/* i;unicode-casemap (RFC 5051): each character titlecased, then NFKD;
   bytes that are not UTF-8 stand for U+FFFD */
void sort_casemap (stralloc *out, char const *s, size_t len)
{
  static stralloc t = STRALLOC_ZERO ;
  uint8_t *r ;
  size_t rl = 0 ;
  t.len = 0 ;
  for (size_t i = 0 ; i < len ;)
  {
    ucs4_t c ;
    uint8_t b[6] ;
    int n = u8_mbtoucr(&c, (uint8_t const *)s + i, len - i), k ;
    if (n <= 0) { c = 0xfffd ; n = 1 ; }
    i += (size_t)n ;
    if (!c) continue ;
    k = u8_uctomb(b, uc_totitle(c), sizeof b) ;
    if (k > 0 && !stralloc_catb(&t, (char *)b, (size_t)k)) die() ;
  }
  out->len = 0 ;
  if (!t.len) return ;
  r = u8_normalize(UNINORM_NFKD, (uint8_t *)t.s, t.len, 0, &rl) ;
  if (!r) die() ;
  if (!stralloc_catb(out, (char *)r, rl)) die() ;
  free(r) ;
}

static size_t blob (char const *s, size_t len)
{
  size_t i = 1 ;
  if (!len || s[0] != '[') return 0 ;
  while (i < len && s[i] != ']' && s[i] != '[') i++ ;
  if (i >= len || s[i] != ']') return 0 ;
  for (i++ ; i < len && s[i] == ' ' ; i++) ;
  return i ;
}

/* a subj-leader at s: *subj-blob ("re" / "fw" ["d"]) *WSP [subj-blob] ":", its length or 0 */
static size_t leader (char const *s, size_t len)
{
  size_t i = 0, b ;
  while ((b = blob(s + i, len - i))) i += b ;
  if (i + 2 <= len && !strncasecmp(s + i, "re", 2)) i += 2 ;
  else if (i + 2 <= len && !strncasecmp(s + i, "fw", 2)) i += i + 3 <= len && (s[i+2] == 'd' || s[i+2] == 'D') ? 3 : 2 ;
  else return 0 ;
  while (i < len && s[i] == ' ') i++ ;
  i += blob(s + i, len - i) ;
  return i < len && s[i] == ':' ? i + 1 : 0 ;
}

/* RFC 5256 2.1: the base subject of a decoded, space-collapsed subject;
   1 if a reply or forward marker went */
static int base (stralloc *v)
{
  char *s = v->s ;
  size_t st = 0, e = v->len ;
  int reply = 0 ;
  for (;;)
  {
    for (;;)   /* (2) trailers */
    {
      while (e > st && s[e-1] == ' ') e-- ;
      if (e - st >= 5 && !strncasecmp(s + e - 5, "(fwd)", 5)) { e -= 5 ; reply = 1 ; } else break ;
    }
    for (;;)   /* (3) to (5) leaders and blobs */
    {
      size_t n = st < e && s[st] == ' ' ? 1 : leader(s + st, e - st), b ;
      if (n) { reply |= s[st] != ' ' ; st += n ; continue ; }
      b = blob(s + st, e - st) ;
      if (b && st + b < e) { st += b ; continue ; }
      break ;
    }
    /* (6) "[fwd: ... ]" */
    if (e - st >= 6 && !strncasecmp(s + st, "[fwd:", 5) && s[e-1] == ']') { st += 5 ; e-- ; reply = 1 ; continue ; }
    break ;
  }
  if (e > st) memmove(v->s, v->s + st, e - st) ;
  v->len = e - st ;
  return reply ;
}

static unsigned int num (char const *v, size_t len, size_t *i)
{
  unsigned int x = 0 ;
  while (*i < len && v[*i] >= '0' && v[*i] <= '9' && x < 1000) x = x * 10 + (unsigned int)(v[(*i)++] - '0') ;
  return x ;
}

/* a Date: value as UTC seconds: 1, or 0 if unreadable */
static int sentdate (char const *v, size_t len, int64_t *t)
{
  static char const *const zn[] = { "UT", "GMT", "EST", "EDT", "CST", "CDT", "MST", "MDT", "PST", "PDT", 0 } ;
  static int const zh[] = { 0, 0, -5, -4, -6, -5, -7, -6, -8, -7 } ;
  int64_t day, sec = 0, zone = 0 ;
  char const *c = memchr(v, ':', len) ;
  size_t i ;
  if (!imap_sentday(v, len, &day)) return 0 ;
  if (c)
  {
    /* the time, "h:mm" or "hh:mm:ss", then the zone */
    i = (size_t)(c - v) ;
    while (i && v[i-1] >= '0' && v[i-1] <= '9' && (size_t)(c - v) - i < 2) i-- ;
    sec = (int64_t)num(v, len, &i) * 3600 ;
    if (i < len && v[i] == ':') { i++ ; sec += (int64_t)num(v, len, &i) * 60 ; }
    if (i < len && v[i] == ':') { i++ ; sec += num(v, len, &i) ; }
    while (i < len && v[i] == ' ') i++ ;
    if (i < len && (v[i] == '+' || v[i] == '-'))
    {
      size_t j = i + 1 ;
      int64_t z = num(v, len, &j) ;
      zone = (z / 100 * 60 + z % 100) * 60 * (v[i] == '-' ? -1 : 1) ;
    }
    else for (unsigned int k = 0 ; zn[k] ; k++)
      if (i + strlen(zn[k]) <= len && !strncasecmp(v + i, zn[k], strlen(zn[k]))) { zone = (int64_t)zh[k] * 3600 ; break ; }
  }
  *t = day * 86400 + sec - zone ;
  return 1 ;
}

/* the "<...>" message ids of v, space-separated (first only: just one) */
static void ids (stralloc *out, char const *v, size_t len, int first)
{
  out->len = 0 ;
  for (size_t i = 0 ; i < len ; i++)
  {
    char const *e ;
    if (v[i] != '<' || !(e = memchr(v + i, '>', len - i))) continue ;
    if (out->len && !stralloc_catb(out, " ", 1)) die() ;
    for (; v + i <= e ; i++)
      if (v[i] != ' ' && v[i] != '\t' && v[i] != '\r' && v[i] != '\n' && !stralloc_catb(out, v + i, 1)) die() ;
    i-- ;
    if (first) return ;
  }
}

/* the first address of field name (a group's name for a group): its
   casemapped local part (FROM, TO, CC) into *a, its display name or
   addr-spec (DISPLAYFROM, DISPLAYTO) into *d */
static void addrkeys (char const *h, size_t hl, char const *name, uint32_t *a, uint32_t *d)
{
  static tern_addrlist l = TERN_ADDRLIST_ZERO ;
  static stralloc v = STRALLOC_ZERO, t = STRALLOC_ZERO, c = STRALLOC_ZERO ;
  tern_addrent const *e ;
  char const *x ;
  *a = *d = put(&arena, "", 0) ;
  if (!mime_field(&v, h, hl, name) || !v.len) return ;
  if (!tern_addrlist_parse(&l, v.s, v.len)) die() ;
  if (!genalloc_len(tern_addrent, &l.ents)) return ;
  e = genalloc_s(tern_addrent const, &l.ents) ;
  x = l.text.s ;
  if (e->kind != TERN_AL_MAILBOX)
  {
    sort_casemap(&c, x + e->name.off, e->name.len) ;
    *a = *d = put(&arena, c.s, c.len) ;
    return ;
  }
  sort_casemap(&c, x + e->local.off, e->local.len) ;
  *a = put(&arena, c.s, c.len) ;
  t.len = 0 ;
  if (e->name.len) { if (!tern_rfc2047_cat(&t, x + e->name.off, e->name.len)) die() ; }
  else if (!stralloc_catb(&t, x + e->local.off, e->local.len) || !stralloc_catb(&t, "@", 1)
    || !stralloc_catb(&t, x + e->domain.off, e->domain.len)) die() ;
  sort_casemap(&c, t.s, t.len) ;
  *d = put(&arena, c.s, c.len) ;
}

static void subject (skey *k, char const *h, size_t hl)
{
  static stralloc v = STRALLOC_ZERO, t = STRALLOC_ZERO, c = STRALLOC_ZERO ;
  size_t j = 0 ;
  t.len = 0 ;
  if (mime_field(&v, h, hl, "Subject") && !tern_rfc2047_cat(&t, v.s, v.len)) die() ;
  for (size_t i = 0 ; i < t.len ; i++)
  {
    char ch = t.s[i] == '\t' || t.s[i] == '\r' || t.s[i] == '\n' ? ' ' : t.s[i] ;
    if (ch == ' ' && j && t.s[j-1] == ' ') continue ;
    t.s[j++] = ch ;
  }
  t.len = j ;
  k->reply = base(&t) ;
  sort_casemap(&c, t.s, t.len) ;
  k->s[SK_SUBJ] = put(&arena, c.s, c.len) ;
}

static void compute (skey *k, imsg const *m)
{
  static stralloc v = STRALLOC_ZERO, t = STRALLOC_ZERO ;
  msgmap mm = { .s = 0 } ;
  char const *h = "" ;
  size_t hl = 0 ;
  uint32_t x ;
  k->uid = m->uid ;
  if (!cache_get(m, &h, &hl) && mapmsg(m->uid, &mm))
  {
    h = mm.s ; hl = mm.hdrlen ;
    cache_put(m, h, hl) ;
  }
  if (!mime_field(&v, h, hl, "Date") || !sentdate(v.s, v.len, &k->date)) k->date = m->date ;
  subject(k, h, hl) ;
  addrkeys(h, hl, "From", &k->s[SK_FROM], &k->s[SK_DFROM]) ;
  addrkeys(h, hl, "To", &k->s[SK_TO], &k->s[SK_DTO]) ;
  addrkeys(h, hl, "Cc", &k->s[SK_CC], &x) ;
  ids(&t, v.s, mime_field(&v, h, hl, "Message-ID") ? v.len : 0, 1) ;
  k->s[SK_MSGID] = put(&arena, t.s, t.len) ;
  ids(&t, v.s, mime_field(&v, h, hl, "References") ? v.len : 0, 0) ;
  if (!t.len) ids(&t, v.s, mime_field(&v, h, hl, "In-Reply-To") ? v.len : 0, 1) ;
  k->s[SK_REFS] = put(&arena, t.s, t.len) ;
  unmapmsg(&mm) ;
}

static void copy (skey *k, skey const *o, char const *const *str)
{
  uint32_t uid = k->uid ;
  *k = *o ;
  k->uid = uid ;
  k->ranked = 0 ;   /* its ranks, if any, were another file's */
  for (unsigned int j = 0 ; j < SF_NSTR ; j++) k->s[j] = put(&arena, str[j], strlen(str[j])) ;
}

/* the keys of m[0..n) into k, from the old ones o[0..on) (strings in na),
   else the sort-key file, else computed: the number computed */
#define INMAP 0x80000000u   /* a string offset into the sort-key file's map */

static sfile cur ;          /* the sort-key file that keys point into, or none */

/* the keys of m[0..n) into k, from the old ones o[0..on) (strings in na
   or in cur), else the sort-key file (pointed into, not copied), else
   computed: the number computed */
static size_t fill (skey *k, imsg const *m, size_t n, skey const *o, size_t on, stralloc const *na, int *fileok)
{
  sfile f ;
  skey r ;
  char const *str[SF_NSTR] ;
  uint32_t fuid = 0 ;
  size_t j = 0, made = 0 ;
  int more = *fileok = sortfile_open(&f, 1) ;
  /* room for the old keys' strings at once: growing an arena of megabytes
     step by step would copy it again and again */
  if (!stralloc_readyplus(&arena, (on ? na->len + cur.maplen : 0) + 4096)) die() ;
  if (more) more = sortfile_next(&f, &fuid, &r.date, &r.reply, r.fr, str) ;
  for (size_t i = 0 ; i < n ; i++)
  {
    k[i].uid = m[i].uid ;
    while (j < on && o[j].uid < m[i].uid) j++ ;
    while (more && fuid < m[i].uid) more = sortfile_next(&f, &fuid, &r.date, &r.reply, r.fr, str) ;
    if (more && fuid == m[i].uid)
    {
      /* the file first: its keys come with their ranks, all in one file's */
      k[i] = r ;
      k[i].uid = fuid ;
      k[i].ranked = 1 ;
      for (unsigned int x = 0 ; x < SF_NSTR ; x++) k[i].s[x] = INMAP | (uint32_t)(str[x] - (char const *)f.map) ;
    }
    else if (j < on && o[j].uid == m[i].uid)
    {
      char const *os[SF_NSTR] ;
      for (unsigned int x = 0 ; x < SF_NSTR ; x++)
        os[x] = o[j].s[x] & INMAP ? (char const *)cur.map + (o[j].s[x] & ~INMAP) : na->s + o[j].s[x] ;
      copy(k + i, o + j, os) ;
    }
    else { compute(k + i, m + i) ; k[i].ranked = 0 ; made++ ; }
  }
  /* the old keys' strings are copied: the old map goes, the new one stays */
  sortfile_close(&cur) ;
  cur = f ;
  return made ;
}

/* 1 if the keys kept are those of the message list (sort_keys() would
   make nothing), else 0 */
int sort_current (void)
{
  imsg const *m = sel_msgs() ;
  size_t n = sel_count(), i ;
  skey const *o = genalloc_s(skey, &keys) ;
  if (genalloc_len(skey, &keys) != n || S.ent.id != boxid || S.ent.uidvalidity != boxuv) return 0 ;
  for (i = 0 ; i < n && o[i].uid == m[i].uid ; i++) ;
  return i == n ;
}

/* the keys, parallel to sel_msgs(): kept by UID, read from the sort-key
   file, the new ones computed (and the file replaced when they are many) */
skey const *sort_keys (void)
{
  static genalloc nk = GENALLOC_ZERO ;
  static stralloc na = STRALLOC_ZERO ;
  imsg const *m = sel_msgs() ;
  size_t n = sel_count(), on = genalloc_len(skey, &keys), i, made ;
  skey *o = genalloc_s(skey, &keys) ;
  int fileok ;
  if (S.ent.id != boxid || S.ent.uidvalidity != boxuv) on = 0 ;   /* another mailbox's */
  boxid = S.ent.id ; boxuv = S.ent.uidvalidity ;
  for (i = 0 ; i < n && i < on && o[i].uid == m[i].uid ; i++) ;
  if (i == n && on == n) return o ;
  if (!genalloc_ready(skey, &nk, n)) die() ;
  tern_hugepages(genalloc_s(skey, &nk), n * sizeof(skey)) ;
  {
    stralloc t = arena ; arena = na ; na = t ;   /* na: the old strings */
  }
  arena.len = 0 ;
  made = fill(genalloc_s(skey, &nk), m, n, o, on, &na, &fileok) ;
  genalloc_setlen(skey, &nk, n) ;
  {
    genalloc t = keys ; keys = nk ; nk = t ;
  }
  genalloc_setlen(skey, &nk, 0) ;
  na.len = 0 ;
  generation++ ;
  cache_done() ;
  /* a few new messages are cheap to compute again; many are written */
  if (made && (!fileok || made >= SORTFILE_MIN || made * 8 >= n)) sortfile_write(genalloc_s(skey, &keys), n) ;
  return genalloc_s(skey, &keys) ;
}

uint32_t sort_generation (void)
{
  return generation ;
}

char const *sort_str (uint32_t off)
{
  return off & INMAP ? (char const *)cur.map + (off & ~INMAP) : arena.s + off ;
}

void sort_free (void)
{
  sortfile_close(&cur) ;
  genalloc_free(skey, &keys) ;
  stralloc_free(&arena) ;
}
