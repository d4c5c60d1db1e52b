/* fuzz-qresync: tern-imap's QRESYNC parameters (SELECT's (QRESYNC (...))
   and UID FETCH's (CHANGEDSINCE n VANISHED)) on arbitrary command lines,
   answered from a fixed 40-message list whose older expunges are unknown
   (the fallback): the answer must stay within a bound set by the list. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "../imap/tern-imap.h"
#include "../imap/tern-imap-parse.c"
#include "../imap/tern-imap-qresync.c"

isession S ;
static imsg msgs[40] ;
static size_t outlen ;
static icmd c ;

imsg *sel_msgs (void) { return msgs ; }
size_t sel_count (void) { return 40 ; }
size_t sel_finduid (uint32_t uid) { return uid && !(uid & 1) && uid <= 80 ? uid / 2 - 1 : 40 ; }
void out_puts (char const *s) { outlen += strlen(s) ; }
void out_u64 (uint64_t x) { (void)x ; outlen += 20 ; }
void out_tagged (char const *st, char const *text) { (void)st ; (void)text ; }
void out_flags (imsg const *m) { (void)m ; outlen += 8 ; }
void sel_kwtell (uint64_t kw) { (void)kw ; }

static void setup (void)
{
  for (unsigned int i = 0 ; i < 40 ; i++) { msgs[i].uid = 2 * (i + 1) ; msgs[i].modseq = i + 1 ; }
  S.qresync = 1 ;
  S.generation = 2 ;               /* rewritten by an older program: nothing known, */
  S.mbox.hdr.vanished = 0 ;        /* so the changes log is never opened */
  S.mbox.hdr.uidvalidity = 7 ;
  S.mbox.hdr.uidnext = 100 ;
}

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  char *s = malloc(size + 1) ;
  iargs a ;
  if (!s) return 0 ;
  memcpy(s, data, size) ;
  s[size] = 0 ;
  setup() ;
  outlen = 0 ;
  if (imap_parse(&c, s, size) && c.n >= 3)
  {
    a.uid = imap_isatom(&c.nodes[1], "UID") ;
    a.a = c.nodes + 2 + a.uid ;
    a.off = 2 + a.uid ;
    a.n = c.n > a.off ? c.n - a.off : 0 ;
    if (!a.uid && a.n)
    {
      qsel q = QSEL_ZERO ;
      if (qresync_params(&a, &q)) qresync_select(&q) ;
      qresync_free(&q) ;
    }
    else if (a.n >= 2)
    {
      uint64_t since = 0 ;
      int v = 0 ;
      for (unsigned int k = 1 ; k < a.n ; k++)
        if (a.a[k].type == N_LIST && REND(&a, k) == a.n && qresync_fetchmods(&a, k, &since, &v) && v && a.a[0].type == N_ATOM)
          qresync_fetchvanished(&a.a[0], since) ;
    }
  }
  /* at most 41 ranges of vanished UIDs and 40 FETCH lines */
  if (outlen > 41 * 44 + 40 * 80 + 200) abort() ;
  free(s) ;
  return 0 ;
}
