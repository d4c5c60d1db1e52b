/* tern-imap-list: LIST (with LIST-EXTENDED selection and return options,
   SPECIAL-USE, LIST-STATUS), LSUB. */
#include <stdlib.h>
#include <string.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include "tern.h"
#include "tern-imap.h"

extern unsigned int status_items (inode const *l, unsigned int count) ;
extern int status_out (tern_mboxent const *e, unsigned int mask) ;

#define L_SUBSCRIBED 1    /* selection: only subscribed */
#define L_SPECIAL 2       /* selection: only special-use */
#define R_SUBSCRIBED 4
#define R_CHILDREN 8
#define R_SPECIAL 16
#define L_LSUB 32
#define L_RECURSIVE 64    /* selection: RECURSIVEMATCH */

/* IMAP wildcard match: * anything, % anything but /.  A DP over the
   name's positions, so no pattern can make it exponential: cur[j] is
   whether p matches s[0..j), for every j <= n, so one run answers for
   every prefix of s (listparents).  The INBOX that starts a name of
   Inbox's tree matches in any case (RFC 3501 5.1, as Dovecot: "i%" lists
   INBOX). */
static uint64_t nmatch = 0 ;   /* match runs: TERN_IMAP_TESTCOUNT */

static void matchdp (char const *p, char const *s, size_t n, unsigned char *cur)
{
  unsigned char nxt[TERN_STORE_NAMEMAX + 2] ;
  size_t ci = mbox_isinboxtree(s, n) ? 5 : 0 ;
  nmatch++ ;
  memset(cur, 0, n + 1) ;
  cur[0] = 1 ;
  for (; *p ; p++)
  {
    if (*p == '*')
    {
      nxt[0] = cur[0] ;
      for (size_t j = 1 ; j <= n ; j++) nxt[j] = nxt[j-1] || cur[j] ;
    }
    else if (*p == '%')
    {
      nxt[0] = cur[0] ;
      for (size_t j = 1 ; j <= n ; j++) nxt[j] = cur[j] || (nxt[j-1] && s[j-1] != '/') ;
    }
    else
    {
      nxt[0] = 0 ;
      for (size_t j = 1 ; j <= n ; j++) nxt[j] = cur[j-1] && (s[j-1] == *p || (j <= ci && (s[j-1] | 0x20) == (*p | 0x20))) ;
    }
    memcpy(cur, nxt, n + 1) ;
  }
}

static int match (char const *p, char const *s)
{
  unsigned char cur[TERN_STORE_NAMEMAX + 2] ;
  size_t n = strlen(s) ;
  if (n > TERN_STORE_NAMEMAX) return 0 ;
  matchdp(p, s, n, cur) ;
  return cur[n] ;
}

/* a set of names sorted by strcmp, for lookups in O(log n): the
   mailboxes' and the subscriptions', made once per LIST */
typedef struct names_s names ;
struct names_s { char const **v ; size_t n ; } ;
#define NAMES_ZERO { .v = 0, .n = 0 }

static int namecmp (void const *a, void const *b)
{
  return strcmp(*(char const *const *)a, *(char const *const *)b) ;
}

static int names_make (names *x, tern_mboxlist const *l, stralloc const *subs)
{
  size_t n = l ? tern_mboxlist_len(l) : 0 ;
  if (!l) for (size_t i = 0 ; i < subs->len ; i += strlen(subs->s + i) + 1) n++ ;
  x->n = 0 ;
  x->v = n ? malloc(n * sizeof *x->v) : 0 ;
  if (n && !x->v) return 0 ;
  if (l) for (size_t i = 0 ; i < n ; i++) x->v[x->n++] = tern_mboxlist_ent(l, i)->name ;
  else for (size_t i = 0 ; i < subs->len ; i += strlen(subs->s + i) + 1) x->v[x->n++] = subs->s + i ;
  if (x->n) qsort(x->v, x->n, sizeof *x->v, &namecmp) ;
  return 1 ;
}

/* the position of the first name not below s */
static size_t lower (names const *x, char const *s)
{
  size_t lo = 0, hi = x->n ;
  while (lo < hi)
  {
    size_t mid = lo + (hi - lo) / 2 ;
    if (strcmp(x->v[mid], s) < 0) lo = mid + 1 ; else hi = mid ;
  }
  return lo ;
}

static int has (names const *x, char const *s)
{
  size_t i = lower(x, s) ;
  if (i < x->n && !strcmp(x->v[i], s)) return 1 ;
  return tern_store_isinbox(s, strlen(s)) && strcmp(s, "Inbox") && has(x, "Inbox") ;
}

/* the names under name ("name/..."): [*from, return) */
static size_t under (names const *x, char const *name, size_t *from)
{
  char pre[TERN_STORE_NAMEMAX + 2] ;
  size_t n = strlen(name), i ;
  memcpy(pre, name, n) ;
  pre[n] = '/' ; pre[n+1] = 0 ;
  i = *from = lower(x, pre) ;
  while (i < x->n && !strncmp(x->v[i], pre, n + 1)) i++ ;
  return i ;
}

static int haschildren (names const *boxes, char const *name)
{
  size_t i, end = under(boxes, name, &i) ;
  return end > i ;
}

/* a subscribed name under name that pattern p does not match: the name's
   CHILDINFO (RFC 5258 RECURSIVEMATCH), LSUB's \Noselect parent (RFC 3501
   6.3.9) */
static int subkid (names const *subs, char const *name, char const *p)
{
  size_t i, end = under(subs, name, &i) ;
  for (; i < end ; i++) if (!match(p, subs->v[i])) return 1 ;
  return 0 ;
}

/* e: the mailbox, or 0 for a subscribed name without one (\NonExistent,
   RFC 5258 3.4) or a parent without one; kid: listed for a subscribed
   child only (CHILDINFO, or \Noselect in LSUB) */
static void listone (names const *boxes, char const *name, tern_mboxent const *e, int sub, unsigned int opts, unsigned int st, int kid)
{
  int sp = 0 ;
  out_puts(opts & L_LSUB ? "* LSUB (" : "* LIST (") ;
  if ((opts & L_LSUB) && kid && !sub) { out_puts("\\Noselect") ; sp = 1 ; }
  if (!(opts & L_LSUB))
  {
    out_puts(!e ? "\\NonExistent" : haschildren(boxes, name) ? "\\HasChildren" : "\\HasNoChildren") ;
    /* asked for, a name without a mailbox says it too, as Dovecot's */
    if (!e && (opts & R_CHILDREN)) out_puts(haschildren(boxes, name) ? " \\HasChildren" : " \\HasNoChildren") ;
    sp = 1 ;
    if (e && e->specialuse) { out_puts(" ") ; out_puts(tern_store_sufmt(e->specialuse)) ; }
  }
  if (sub && (opts & (R_SUBSCRIBED | L_SUBSCRIBED))) out_puts(sp ? " \\Subscribed" : "\\Subscribed") ;
  out_puts(") \"/\" ") ;
  out_boxname(name) ;
  if (kid && !(opts & L_LSUB)) out_puts(" (\"CHILDINFO\" (\"SUBSCRIBED\"))") ;
  out_puts("\r\n") ;
  if (st && e) status_out(e, st) ;
}

/* the subscribed names without a mailbox that p matches, then the parents
   (neither mailboxes nor subscribed) of subscribed names that p does not
   match: LSUB's \Noselect, RECURSIVEMATCH's CHILDINFO */
static int listsubs (names const *boxes, stralloc const *subs, names const *subn, char const *p, unsigned int opts)
{
  stralloc done = STRALLOC_ZERO ;
  for (size_t i = 0 ; i < subs->len ; i += strlen(subs->s + i) + 1)
  {
    char const *x = subs->s + i ;
    if (has(boxes, x) || !match(p, x)) continue ;
    listone(boxes, x, 0, 1, opts, 0, (opts & L_RECURSIVE) && subkid(subn, x, p)) ;
  }
  if (!(opts & (L_RECURSIVE | L_LSUB))) return 1 ;
  for (size_t i = 0 ; i < subs->len ; i += strlen(subs->s + i) + 1)
  {
    char const *x = subs->s + i ;
    char par[TERN_STORE_NAMEMAX + 1] ;
    for (size_t k = 1 ; x[k] ; k++)
    {
      if (x[k] != '/') continue ;
      memcpy(par, x, k) ; par[k] = 0 ;
      if (!match(p, par) || has(boxes, par) || has(subn, par) || tern_subs_find(&done, par) || !subkid(subn, par, p)) continue ;
      if (!stralloc_catb(&done, par, k + 1)) { stralloc_free(&done) ; return 0 ; }
      listone(boxes, par, 0, 0, opts, 0, 1) ;
    }
  }
  stralloc_free(&done) ;
  return 1 ;
}

/* the names p matches that are no mailbox but have inferiors, as
   (\Noselect \HasChildren) (RFC 3501 6.3.8 for %, as Dovecot for *; a
   parent deleted before its children stays so, 6.3.4).  Each once: by
   the first name under it in sorted order; at most one match run a
   name, as LIST's own. */
static void listparents (names const *boxes, char const *p)
{
  for (size_t i = 0 ; i < boxes->n ; i++)
  {
    char const *x = boxes->v[i] ;
    char par[TERN_STORE_NAMEMAX + 1] ;
    unsigned char dp[TERN_STORE_NAMEMAX + 2] ;
    size_t n = strlen(x) ;
    int done = 0 ;
    if (n > TERN_STORE_NAMEMAX) continue ;
    for (size_t k = 1 ; k < n ; k++)
    {
      if (x[k] != '/' || (i && !strncmp(boxes->v[i-1], x, k + 1))) continue ;
      memcpy(par, x, k) ; par[k] = 0 ;
      if (has(boxes, par)) continue ;
      if (!done++) matchdp(p, x, n, dp) ;
      if (!dp[k]) continue ;
      out_puts("* LIST (\\Noselect \\HasChildren) \"/\" ") ;
      out_boxname(par) ;
      out_puts("\r\n") ;
    }
  }
}

/* the pattern ref+pat as UTF-8 into p: 1, or 0 */
static int pattern (stralloc *p, inode const *ref, inode const *pat)
{
  stralloc t = STRALLOC_ZERO ;
  int ok ;
  p->len = 0 ;
  if (S.utf8) ok = stralloc_catb(p, ref->s, ref->len) && stralloc_catb(&t, pat->s, pat->len) ;
  else ok = imap_mutf7_decode(p, ref->s, ref->len) && imap_mutf7_decode(&t, pat->s, pat->len) ;
  ok = ok && stralloc_cat(p, &t) && p->len <= 1024 && stralloc_0(p) && strlen(p->s) == p->len - 1 ;
  stralloc_free(&t) ;
  return ok ;
}

/* for tests (tern-imap.8): the match runs of the session's LISTs so far */
static void testcount (void)
{
  char fmt[UINT64_FMT] ;
  if (!getenv("TERN_IMAP_TESTCOUNT")) return ;
  fmt[uint64_fmt(fmt, nmatch)] = 0 ;
  strerr_warnw2x("debug: list matches: ", fmt) ;
}

static void listrun (iargs *a, unsigned int i, unsigned int opts)
{
  tern_mboxlist l = TERN_MBOXLIST_ZERO ;
  stralloc p = STRALLOC_ZERO, subs = STRALLOC_ZERO ;
  names boxes = NAMES_ZERO, subn = NAMES_ZERO ;
  unsigned int st = 0, ref = i, pat0, patn ;
  if (i + 2 > a->n || !imap_isastring(&a->a[ref])) { out_tagged("BAD", "LIST reference pattern") ; return ; }
  i++ ;
  if (a->a[i].type == N_LIST) { pat0 = i + 1 ; patn = REND(a, i) ; i = patn ; }
  else if (imap_isastring(&a->a[i])) { pat0 = i ; patn = ++i ; }
  else { out_tagged("BAD", "LIST reference pattern") ; return ; }
  if (i < a->n && !(opts & L_LSUB))
  {
    if (!imap_isatom(&a->a[i], "RETURN") || i + 1 >= a->n || a->a[i+1].type != N_LIST || REND(a, i + 1) != a->n) { out_tagged("BAD", "bad LIST return options") ; return ; }
    for (unsigned int k = i + 2 ; k < a->n ; k = REND(a, k))
    {
      if (imap_isatom(&a->a[k], "SUBSCRIBED")) opts |= R_SUBSCRIBED ;
      else if (imap_isatom(&a->a[k], "CHILDREN")) opts |= R_CHILDREN ;
      else if (imap_isatom(&a->a[k], "SPECIAL-USE")) opts |= R_SPECIAL ;
      else if (imap_isatom(&a->a[k], "STATUS") && k + 1 < a->n && (st = status_items(&a->a[k+1], a->a[k+1].len))) k++ ;
      else { out_tagged("BAD", "bad LIST return option") ; return ; }
    }
  }
  else if (i != a->n) { out_tagged("BAD", "too many arguments") ; return ; }
  /* the set is read once, and only when the answer needs it */
  if (tern_mboxlist_read(&l, S.acct.s) || ((opts & (L_SUBSCRIBED | L_LSUB | R_SUBSCRIBED)) && tern_subs_read(&subs, S.acct.s, &l, 0))) { out_temp("[UNAVAILABLE] cannot read the mailbox list") ; goto end ; }
  if (!names_make(&boxes, &l, 0) || !names_make(&subn, 0, &subs)) { out_temp("[UNAVAILABLE] out of memory") ; goto end ; }
  for (unsigned int k = pat0 ; k < patn ; k++)
  {
    if (!imap_isastring(&a->a[k]) || !pattern(&p, &a->a[ref], &a->a[k])) { out_tagged("BAD", "bad pattern") ; goto end ; }
    if (p.len == 1 && !(opts & L_LSUB)) { out_puts("* LIST (\\Noselect) \"/\" \"\"\r\n") ; continue ; }
    for (size_t j = 0 ; j < tern_mboxlist_len(&l) ; j++)
    {
      tern_mboxent const *e = tern_mboxlist_ent(&l, j) ;
      int kid, sub ;
      if ((opts & L_SPECIAL) && !e->specialuse) continue ;
      if (!match(p.s, e->name)) continue ;
      sub = has(&subn, e->name) ;
      kid = ((opts & L_RECURSIVE) || ((opts & L_LSUB) && !sub)) && subkid(&subn, e->name, p.s) ;
      if ((opts & (L_SUBSCRIBED | L_LSUB)) && !sub && !kid) continue ;
      listone(&boxes, e->name, e, sub, opts, st, kid) ;
    }
    if (!(opts & (L_SUBSCRIBED | L_LSUB | L_SPECIAL))) listparents(&boxes, p.s) ;
    if ((opts & (L_SUBSCRIBED | L_LSUB)) && !(opts & L_SPECIAL) && !listsubs(&boxes, &subs, &subn, p.s, opts)) { out_temp("[UNAVAILABLE] out of memory") ; goto end ; }
  }
  imap_ok(opts & L_LSUB ? "LSUB completed" : "LIST completed") ;
  testcount() ;
 end:
  tern_mboxlist_free(&l) ;
  stralloc_free(&p) ;
  stralloc_free(&subs) ;
  free(boxes.v) ;
  free(subn.v) ;
}

void cmd_list (iargs *a)
{
  unsigned int opts = 0, i = 0 ;
  if (a->n && a->a[0].type == N_LIST)
  {
    for (unsigned int k = 1 ; k < REND(a, 0) ; k++)
    {
      if (imap_isatom(&a->a[k], "SUBSCRIBED")) opts |= L_SUBSCRIBED ;
      else if (imap_isatom(&a->a[k], "SPECIAL-USE")) opts |= L_SPECIAL ;
      else if (imap_isatom(&a->a[k], "RECURSIVEMATCH")) opts |= L_RECURSIVE ;
      else if (!imap_isatom(&a->a[k], "REMOTE")) { out_tagged("BAD", "bad LIST selection option") ; return ; }
    }
    /* RFC 5258 3: never alone; tern's CHILDINFO is for SUBSCRIBED */
    if ((opts & L_RECURSIVE) && !(opts & (L_SUBSCRIBED | L_SPECIAL))) { out_tagged("BAD", "RECURSIVEMATCH needs another selection option") ; return ; }
    if (!(opts & L_SUBSCRIBED)) opts &= ~L_RECURSIVE ;
    i = REND(a, 0) ;
  }
  listrun(a, i, opts) ;
}

void cmd_lsub (iargs *a)
{
  listrun(a, 0, L_LSUB) ;
}
