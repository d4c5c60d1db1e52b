/* tern_junkflags: automatic $Junk/$NotJunk from the mailbox a message is
   put in (REFERENCE.md 9.1): the account's junk-flags and regexes. */
#include <errno.h>
#include <string.h>
#include <regex.h>
#include <stdlib.h>
#include <unicase.h>
#include "tern.h"
#include "tern_junk.h"

static char const *const keys[3] = { ":junk-mailbox", ":neutral-mailbox", ":notjunk-mailbox" } ;

/* 1 found (NUL-terminated in sa), 0 absent, -1 error */
static int get (tern_conf const *c, char const *acct, char const *k, stralloc *sa)
{
  cdb_data v ;
  int r ;
  sa->len = 0 ;
  if (!stralloc_cats(sa, "A:") || !stralloc_cats(sa, acct) || !stralloc_cats(sa, k)) return -1 ;
  r = tern_conf_find(c, sa->s, sa->len, &v) ;
  if (r <= 0) return r ;
  sa->len = 0 ;
  return stralloc_catb(sa, v.s, v.len) && stralloc_0(sa) ? 1 : -1 ;
}

int tern_junkflags_conf (tern_junkflags *f, tern_conf const *c, char const *acct)
{
  stralloc sa = STRALLOC_ZERO ;
  int r ;
  f->on = 0 ;
  f->have = 0 ;
  r = get(c, acct, ":junk-flags", &sa) ;
  if (r < 0) goto err ;
  f->on = r && !strcmp(sa.s, "yes") ;
  for (unsigned int i = 0 ; i < 3 ; i++)
  {
    int e ;
    r = get(c, acct, keys[i], &sa) ;
    if (r < 0) goto err ;
    if (!r) continue ;
    e = regcomp(&f->re[i], sa.s, REG_EXTENDED | REG_NOSUB) ;
    if (e) { errno = e == REG_ESPACE ? ENOMEM : EPROTO ; goto err ; }
    f->have |= 1u << i ;
  }
  stralloc_free(&sa) ;
  return 1 ;
 err:
  {
    int e = errno ;
    stralloc_free(&sa) ;
    tern_junkflags_free(f) ;
    errno = e ;
  }
  return 0 ;
}

void tern_junkflags_free (tern_junkflags *f)
{
  for (unsigned int i = 0 ; i < 3 ; i++) if (f->have & (1u << i)) regfree(&f->re[i]) ;
  f->have = 0 ;
}

static uint32_t set (uint32_t flags, int which)
{
  flags &= ~(uint32_t)(TERN_F_JUNK | TERN_F_NOTJUNK) ;
  return which == 0 ? flags | TERN_F_JUNK : which == 2 ? flags | TERN_F_NOTJUNK : flags ;
}

/* the name lower-cased as Unicode (libunistring), ASCII only if that fails */
static char *lower (char const *name, char *buf, size_t max)
{
  size_t n = strlen(name), len = max - 1 ;
  uint8_t *r = u8_tolower((uint8_t const *)name, n, 0, 0, (uint8_t *)buf, &len) ;
  if (r && len < max)
  {
    if ((char *)r != buf) { memcpy(buf, r, len) ; free(r) ; }
    buf[len] = 0 ;
    return buf ;
  }
  if (r && (char *)r != buf) free(r) ;
  if (n >= max) n = max - 1 ;
  for (size_t i = 0 ; i < n ; i++) buf[i] = name[i] >= 'A' && name[i] <= 'Z' ? name[i] + 32 : name[i] ;
  buf[n] = 0 ;
  return buf ;
}

uint32_t tern_junkflags_apply (tern_junkflags const *f, char const *mailbox, unsigned int specialuse, uint32_t flags)
{
  char buf[4 * TERN_STORE_NAMEMAX + 4] ;
  char const *low ;
  unsigned int count = 0 ;
  if (specialuse == TERN_SU_JUNK) return set(flags, 0) ;
  if (!f->on) return flags ;
  low = lower(mailbox, buf, sizeof buf) ;
  for (int i = 0 ; i < 3 ; i++)
  {
    if (!(f->have & (1u << i))) continue ;
    count++ ;
    if (!regexec(&f->re[i], low, 0, 0, 0)) return set(flags, i) ;
  }
  if (count == 2)
    for (int i = 0 ; i < 3 ; i++) if (!(f->have & (1u << i))) return set(flags, i) ;
  return flags ;
}
