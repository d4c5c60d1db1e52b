/* tern-imap-rev2: what a session that enabled IMAP4rev2 (RFC 9051) gets
   that an IMAP4rev1 one does not; the rest of the difference is S.rev2
   checked where a response is written (tern-imap(8) IMAP4REV2). */
#include <skalibs/strerr.h>
#include <skalibs/genalloc.h>
#include "tern.h"
#include "tern-imap.h"

/* SELECT and EXAMINE: a LIST response for the mailbox (RFC 9051 6.3.2),
   in place of the UNSEEN code that RFC 9051 made optional */
void sel_rev2list (void)
{
  out_puts("* LIST (") ;
  if (S.ent.specialuse) out_puts(tern_store_sufmt(S.ent.specialuse)) ;
  out_puts(") \"/\" ") ;
  out_boxname(S.ent.name) ;
  out_puts("\r\n") ;
}

/* "* SEARCH", or "* ESEARCH" with the RETURN options ret (1 MIN, 2 MAX,
   4 COUNT, 8 ALL, 16 SAVE): none for SAVE alone (RFC 5182 2.1) */
void search_results (genalloc const *hits, int uid, int es, unsigned int ret, uint64_t ms)
{
  uint32_t const *h = genalloc_s(uint32_t const, hits) ;
  size_t n = genalloc_len(uint32_t, hits) ;
  if (ret == 16) return ;
  if (!es)
  {
    out_puts("* SEARCH") ;
    for (size_t k = 0 ; k < n ; k++) { out_puts(" ") ; out_u64(h[k]) ; }
    if (n && ms) { out_puts(" (MODSEQ ") ; out_u64(ms) ; out_puts(")") ; }
    out_puts("\r\n") ;
    return ;
  }
  out_puts("* ESEARCH (TAG \"") ; out_puts(S.tag) ; out_puts("\")") ;
  if (uid) out_puts(" UID") ;
  if ((ret & 1) && n) { out_puts(" MIN ") ; out_u64(h[0]) ; }
  if ((ret & 2) && n) { out_puts(" MAX ") ; out_u64(h[n-1]) ; }
  if (ret & 4) { out_puts(" COUNT ") ; out_u64(n) ; }
  if ((ret & 8) && n)
  {
    out_puts(" ALL ") ;
    for (size_t k = 0 ; k < n ; k++)
    {
      size_t e = k ;
      while (e + 1 < n && h[e+1] == h[e] + 1) e++ ;
      if (k) out_puts(",") ;
      out_u64(h[k]) ;
      if (e > k) { out_puts(":") ; out_u64(h[e]) ; }
      k = e ;
    }
  }
  if (n && ms) { out_puts(" MODSEQ ") ; out_u64(ms) ; }
  out_puts("\r\n") ;
}

/* SEARCHRES (RFC 5182, part of IMAP4rev2): the "$" of the selected
   mailbox, its UIDs ascending; emptied when a mailbox is selected or
   closed */
static genalloc saved = GENALLOC_ZERO ;

int searchres_is (inode const *n)
{
  return n->type == N_ATOM && n->len == 1 && n->s[0] == '$' ;
}

/* hits: the SEARCH's (UIDs if uid, else sequence numbers), or 0 if it
   failed; with MIN or MAX but neither COUNT nor ALL only those are kept
   (RFC 5182 2.1) */
void searchres_save (genalloc const *hits, int uid, unsigned int ret)
{
  uint32_t const *h = hits ? genalloc_s(uint32_t const, hits) : 0 ;
  size_t n = hits ? genalloc_len(uint32_t, hits) : 0 ;
  genalloc_setlen(uint32_t, &saved, 0) ;
  for (size_t k = 0 ; k < n ; k++)
  {
    uint32_t u = uid ? h[k] : sel_msgs()[h[k] - 1].uid ;
    if ((ret & 3) && !(ret & 12) && !((ret & 1) && !k) && !((ret & 2) && k == n - 1)) continue ;
    if (!genalloc_catb(uint32_t, &saved, &u, 1)) strerr_diefusys(111, "save a search result") ;
  }
}

int searchres_has (uint32_t uid)
{
  uint32_t const *u = genalloc_s(uint32_t const, &saved) ;
  size_t lo = 0, hi = genalloc_len(uint32_t, &saved) ;
  while (lo < hi)
  {
    size_t mid = lo + (hi - lo) / 2 ;
    if (u[mid] < uid) lo = mid + 1 ; else hi = mid ;
  }
  return lo < genalloc_len(uint32_t, &saved) && u[lo] == uid ;
}

/* sel_set's "$": the indexes of the saved messages still listed */
int searchres_idx (genalloc *idx)
{
  genalloc_setlen(size_t, idx, 0) ;
  for (size_t k = 0 ; k < genalloc_len(uint32_t, &saved) ; k++)
  {
    size_t i = sel_finduid(genalloc_s(uint32_t, &saved)[k]) ;
    if (i < sel_count() && !genalloc_catb(size_t, idx, &i, 1)) strerr_diefusys(111, "make a message set") ;
  }
  return 1 ;
}

void searchres_reset (void)
{
  genalloc_free(uint32_t, &saved) ;
}
