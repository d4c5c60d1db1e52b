/* tern-imap-append: APPEND with MULTIAPPEND (RFC 3502) and APPENDUID;
   literals arrive as files in the store (see in_command). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "tern.h"
#include "tern_junk.h"
#include "tern-imap.h"

#define APPENDMAX 16

typedef struct amsg_s amsg ;
struct amsg_s
{
  uint32_t flags ;
  char const *kw[TERN_STORE_KWMAX] ;
  unsigned int nkw ;
  int64_t date ;
  inode const *data ;
} ;

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

/* one message's [flags] [date] literal from *i: 1, or 0 after BAD */
static int onemsg (iargs *a, unsigned int *i, amsg *m)
{
  m->flags = 0 ; m->nkw = 0 ; m->date = (int64_t)time(0) ;
  if (*i < a->n && a->a[*i].type == N_LIST)
  {
    for (unsigned int k = *i + 1 ; k < REND(a, *i) ; k++)
    {
      uint32_t f ;
      if (a->a[k].type != N_ATOM) { out_tagged("BAD", "bad flag") ; return 0 ; }
      f = tern_store_flagscan(a->a[k].s, a->a[k].len) ;
      if (f) m->flags |= f ;
      else if (imap_isatom(&a->a[k], "\\Recent")) continue ;
      else if (a->a[k].s[0] == '\\' || !tern_keyword_valid(a->a[k].s, a->a[k].len) || m->nkw >= TERN_STORE_KWMAX) { out_tagged("BAD", "bad flag") ; return 0 ; }
      else m->kw[m->nkw++] = a->a[k].s ;
    }
    *i = REND(a, *i) ;
  }
  /* a date-time is a quoted string: a literal here is the message (past
     IMAP_FILEMAX, literals stay in memory as strings) */
  if (*i + 1 < a->n && a->a[*i].type == N_STRING && !imap_isliteral(&a->a[*i])
   && (a->a[*i+1].type == N_STRING || a->a[*i+1].type == N_FILE))
  {
    if (!parsedate(a->a[*i].s, a->a[*i].len, &m->date)) { out_tagged("BAD", "bad date") ; return 0 ; }
    (*i)++ ;
  }
  if (*i >= a->n || (a->a[*i].type != N_FILE && a->a[*i].type != N_STRING)
   || (a->a[*i].type == N_FILE && a->a[*i].len >= S.nfiles)) { out_tagged("BAD", "APPEND mailbox [flags] [date] literal ...") ; return 0 ; }
  m->data = &a->a[(*i)++] ;
  return 1 ;
}

void cmd_append (iargs *a)
{
  static amsg msgs[APPENDMAX] ;
  stralloc name = STRALLOC_ZERO ;
  uint32_t uids[APPENDMAX] ;
  unsigned int n = 0, i = 1, done = 0 ;
  tern_mboxent e ;
  int r = 0, train = 0, e2 ;
  if (a->n < 2) { out_tagged("BAD", "APPEND mailbox [flags] [date] literal") ; return ; }
  if (!mbox_name(&a->a[0], &name)) goto end ;
  while (i < a->n)
  {
    if (n >= APPENDMAX) { out_tagged("NO", "[LIMIT] too many messages in one APPEND") ; goto end ; }
    if (!onemsg(a, &i, &msgs[n++])) goto end ;
  }
  if (tern_store_mbox_lookup(S.acct.s, name.s, &e)) { out_tagged("NO", "[TRYCREATE] no such mailbox") ; goto end ; }
  /* automatic flags override the client's $Junk/$NotJunk */
  junk_begin(0) ;
  for (unsigned int k = 0 ; k < n ; k++)
  {
    msgs[k].flags = junk_flags(e.name, e.specialuse, msgs[k].flags) ;
    if (tern_junk_wanted(msgs[k].flags) != TERN_TRAIN_NONE) train = 1 ;
  }
  junk_begin(train) ;
  for (; done < n && !r ; done++)
  {
    amsg const *m = &msgs[done] ;
    if (m->data->type == N_FILE)
      r = tern_store_deliverlink(S.acct.s, name.s, S.files[m->data->len].s, m->flags, m->kw, m->nkw, m->date, 0, &uids[done]) ;
    else r = tern_store_deliver(S.acct.s, name.s, m->data->s, m->data->len, m->flags, m->kw, m->nkw, m->date, 0, &uids[done]) ;
  }
  e2 = errno ;
  junk_syncbox(&e, uids, r ? done - 1 : done) ;
  junk_end() ;
  errno = e2 ;
  if (r) { { if (r == TERN_PERM) out_tagged("NO", "[CANNOT] cannot append") ; else out_temp("[UNAVAILABLE] cannot append now") ; } ; goto end ; }
  if (S.state == S_SELECTED) sel_sync() ;
  out_puts(S.tag) ; out_puts(" OK [APPENDUID ") ; out_u64(e.uidvalidity) ; out_puts(" ") ;
  for (unsigned int k = 0 ; k < n ; k++) { if (k) out_puts(",") ; out_u64(uids[k]) ; }
  out_puts("] APPEND completed\r\n") ;
  out_flush() ;
 end:
  stralloc_free(&name) ;
}
