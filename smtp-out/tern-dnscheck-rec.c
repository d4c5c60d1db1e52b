/* tern-dnscheck-rec.c: the dkim, dmarc and iprev checks of tern-dnscheck:
   the selectors' TXT records against the configured keys, _dmarc, and
   one PTR per socks IP equal to the remote hostname. */
#include <string.h>
#include <strings.h>
#include <skalibs/strerr.h>
#include <skalibs/bytestr.h>
#include <skalibs/fmtscan.h>
#include <skalibs/types.h>
#include "tern.h"
#include "tern_crypto.h"
#include "tern-dnscheck.h"

static void cat (stralloc *sa, char const *const *parts, unsigned int n)
{
  sa->len = 0 ;
  for (unsigned int i = 0 ; i < n ; i++)
    if (parts[i] && !stralloc_cats(sa, parts[i])) strerr_diefusys(111, "allocate") ;
  if (!stralloc_0(sa)) strerr_diefusys(111, "allocate") ;
}

/* a DKIM key record (v=DKIM1 first, p= non-empty): the decoded p= in
   key; 0 if not one */
static int dkimrec (char const *s, size_t len, stralloc *key)
{
  stralloc p = STRALLOC_ZERO ;
  int v = 0, ok = 0 ;
  for (size_t i = 0, first = 1 ; i < len ; first = 0)
  {
    size_t n = byte_chr(s + i, len - i, ';'), a = i, b = i + n, eq ;
    i += n + 1 ;
    while (a < b && (s[a] == ' ' || s[a] == '\t')) a++ ;
    while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t')) b-- ;
    eq = a + byte_chr(s + a, b - a, '=') ;
    if (eq == b) continue ;
    if (eq - a == 1 && s[a] == 'v') v = first && b - eq - 1 == 5 && !memcmp(s + eq + 1, "DKIM1", 5) ;
    if (eq - a == 1 && s[a] == 'p')
    {
      p.len = 0 ;
      for (size_t j = eq + 1 ; j < b ; j++)
        if (s[j] != ' ' && s[j] != '\t' && !stralloc_catb(&p, s + j, 1)) strerr_diefusys(111, "allocate") ;
    }
  }
  key->len = 0 ;
  ok = v && p.len && tern_b64_decat(key, p.s, p.len) ;
  stralloc_free(&p) ;
  return ok ;
}

static void selector (dc *d, char const *sel, char const *file)
{
  stralloc name = STRALLOC_ZERO, out = STRALLOC_ZERO, b64 = STRALLOC_ZERO, mod = STRALLOC_ZERO, key = STRALLOC_ZERO, rec = STRALLOC_ZERO ;
  char const *kind, *why = dc_key(file, &b64, &mod, &kind), *l ;
  size_t n ;
  int found = 0, match = 0 ;
  {
    char const *p[] = { sel, "._domainkey.", d->domain } ;
    cat(&name, p, 3) ;
  }
  if (why && (!stralloc_cats(&b64, "<the public key of ") || !stralloc_cats(&b64, file) || !stralloc_cats(&b64, ">")))
    strerr_diefusys(111, "allocate") ;
  if (!stralloc_0(&b64)) strerr_diefusys(111, "allocate") ;
  {
    char const *p[] = { name.s, ". TXT \"v=DKIM1; k=", kind, "; p=", b64.s, "\"" } ;
    cat(&rec, p, 6) ;
  }
  if (dc_dns(d, "txt", name.s, &out) == TERN_TEMP) goto end ;
  for (unsigned int i = 0 ; dc_line(&out, i, &l, &n) ; i++)
    if (dkimrec(l, n, &key))
    {
      found = 1 ;
      for (size_t j = 0 ; mod.len && j + mod.len <= key.len && !match ; j++) match = !memcmp(key.s + j, mod.s, mod.len) ;
    }
  if (why)
  {
    char const *p[] = { file, " for ", name.s, " cannot be read: ", why } ;
    cat(&rec, p, 5) ;
    dc_problem(d, "dkim", "the configured key ", rec.s, "", 0) ;
  }
  else if (!found) dc_problem(d, "dkim", "no DKIM key record (v=DKIM1, p=) at ", name.s, "", rec.s) ;
  else if (!match) dc_problem(d, "dkim", "the DKIM record at ", name.s, " is not the public key of the configured key", rec.s) ;
 end:
  stralloc_free(&name) ; stralloc_free(&out) ; stralloc_free(&b64) ; stralloc_free(&mod) ; stralloc_free(&key) ; stralloc_free(&rec) ;
}

void dc_dkim (dc *d)
{
  size_t dl = strlen(d->domain) ;
  char k[dl + 7] ;
  cdb_find_state st = CDB_FIND_STATE_ZERO ;
  cdb_data v ;
  unsigned int n = 0 ;
  memcpy(k, "d:", 2) ; memcpy(k + 2, d->domain, dl) ; memcpy(k + 2 + dl, ":dkim", 5) ;
  for (int r ; (r = tern_conf_findnext(&d->conf, k, dl + 7, &v, &st)) ; n++)
  {
    size_t sp ;
    if (r < 0) strerr_dief(111, "corrupt configuration") ;
    sp = byte_chr(v.s, v.len, ' ') ;
    if (sp == v.len) continue ;
    {
      char sel[sp + 1], file[v.len - sp] ;
      memcpy(sel, v.s, sp) ; sel[sp] = 0 ;
      memcpy(file, v.s + sp + 1, v.len - sp - 1) ; file[v.len - sp - 1] = 0 ;
      selector(d, sel, file) ;
    }
  }
  if (!n)
    dc_problem(d, "dkim", "no DKIM key configured for ", d->domain,
      ": add \"dkim SELECTOR KEYFILE\" to domains/DOMAIN, compile the configuration, and publish the record tern dnscheck then prints", 0) ;
}

void dc_dmarc (dc *d)
{
  stralloc name = STRALLOC_ZERO, out = STRALLOC_ZERO, rec = STRALLOC_ZERO ;
  char const *l ;
  size_t n ;
  int found = 0 ;
  {
    char const *p[] = { "_dmarc.", d->domain } ;
    cat(&name, p, 2) ;
  }
  if (dc_dns(d, "txt", name.s, &out) != TERN_TEMP)
  {
    for (unsigned int i = 0 ; dc_line(&out, i, &l, &n) ; i++)
      found |= n >= 8 && !memcmp(l, "v=DMARC1", 8) && (n == 8 || l[8] == ';' || l[8] == ' ') ;
    if (!found)
    {
      char const *p[] = { name.s, ". TXT \"v=DMARC1; p=reject; rua=mailto:postmaster@", d->domain, "\"" } ;
      cat(&rec, p, 4) ;
      dc_problem(d, "dmarc", "no DMARC record (TXT v=DMARC1) at ", name.s, "", rec.s) ;
    }
  }
  stralloc_free(&name) ; stralloc_free(&out) ; stralloc_free(&rec) ;
}

/* the in-addr.arpa or ip6.arpa name of ip; 0 if not an address */
static int revname (char const *ip, char *out)
{
  char a[16] ;
  size_t n = strlen(ip), w = 0 ;
  if (strchr(ip, ':'))
  {
    if (ip6_scan(ip, a) != n) return 0 ;
    for (unsigned int i = 32 ; i-- ;)
    {
      out[w++] = "0123456789abcdef"[i & 1 ? a[i >> 1] & 15 : (unsigned char)a[i >> 1] >> 4] ;
      out[w++] = '.' ;
    }
    strcpy(out + w, "ip6.arpa") ;
    return 1 ;
  }
  if (ip4_scan(ip, a) != n) return 0 ;
  for (unsigned int i = 4 ; i-- ;) { w += uint_fmt(out + w, (unsigned char)a[i]) ; out[w++] = '.' ; }
  strcpy(out + w, "in-addr.arpa") ;
  return 1 ;
}

static void iprev (dc *d, dcsocks const *t, char const *ip)
{
  stralloc out = STRALLOC_ZERO, rec = STRALLOC_ZERO, text = STRALLOC_ZERO ;
  char rev[80] ;
  char const *l ;
  size_t n ;
  unsigned int count = 0, same = 0 ;
  if (!revname(ip, rev) || dc_dns(d, "ptr", ip, &out) == TERN_TEMP) goto end ;
  for (; dc_line(&out, count, &l, &n) ; count++) same += n == strlen(t->host) && !strncasecmp(l, t->host, n) ;
  if (count == 1 && same) goto end ;
  for (size_t i = 0 ; i < out.len ; i++) if (out.s[i] == '\n') out.s[i] = ' ' ;
  while (out.len && out.s[out.len - 1] == ' ') out.len-- ;
  if (!stralloc_0(&out)) strerr_diefusys(111, "allocate") ;
  {
    char const *p[] = { ip, " (socks transport ", t->name, ") has ", !count ? "no reverse name" : count > 1 ? "more than one reverse name: " : "the reverse name ",
      out.s, ", it must be exactly ", t->host } ;
    char const *q[] = { rev, ". PTR ", t->host, "." } ;
    cat(&text, p, 8) ;
    cat(&rec, q, 4) ;
  }
  dc_problem(d, "iprev", text.s, "", "", rec.s) ;
 end:
  stralloc_free(&out) ; stralloc_free(&rec) ; stralloc_free(&text) ;
}

void dc_iprev (dc *d)
{
  for (unsigned int i = 0 ; i < d->nsocks ; i++)
    for (char const *s = d->socks[i].ips ; *s ;)
    {
      size_t n = str_chr(s, ',') ;
      char ip[64] ;
      if (n < sizeof ip) { memcpy(ip, s, n) ; ip[n] = 0 ; iprev(d, d->socks + i, ip) ; }
      s += n + !!s[n] ;
    }
}
