/* fuzz-sendmail-hdr.c: tern-sendmail's parsers on hostile input: the
   message normaliser (header, Bcc, folding, line ends), the address lists
   of To/Cc/Bcc, and the configuration file.  Properties: the output has
   CRLF line ends only, no line over 998 bytes, no Bcc field, and the
   header ends where hdrend says.  Includes the program parts directly. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "../sendmail/tern-sendmail-msg.c"
#include "../sendmail/tern-sendmail-addr.c"
#include "../sendmail/tern-sendmail-conf.c"

static void props (smmsg const *m)
{
  size_t col = 0 ;
  if (m->hdrend + 2 > m->out.len || memcmp(m->out.s + m->hdrend, "\r\n", 2)) abort() ;
  for (size_t i = 0 ; i < m->out.len ; i++)
  {
    char c = m->out.s[i] ;
    if (c == '\r') { if (i + 1 >= m->out.len || m->out.s[i + 1] != '\n') abort() ; col = 0 ; i++ ; continue ; }
    if (c == '\n' || ++col > SM_LINEMAX) abort() ;
  }
  if (m->out.len < 2 || memcmp(m->out.s + m->out.len - 2, "\r\n", 2)) abort() ;
  for (size_t i = 0 ; i < m->hdrend ; i++)
    if ((!i || m->out.s[i - 1] == '\n') && m->hdrend - i >= 4 && !strncasecmp(m->out.s + i, "bcc:", 4)) abort() ;
}

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  static smmsg m = SMMSG_ZERO ;
  static stralloc list = STRALLOC_ZERO, rcpt = STRALLOC_ZERO, keys = STRALLOC_ZERO ;
  smconf c = SMCONF_ZERO ;
  unsigned int n = 0 ;
  char const *s = (char const *)data ;
  if (!sm_msg(&m, s, size, size & 1)) abort() ;
  props(&m) ;
  list.len = rcpt.len = keys.len = 0 ;
  for (size_t p = 0 ; p < m.rcpt.len ;)
  {
    char const *nl = memchr(m.rcpt.s + p, '\n', m.rcpt.len - p) ;
    size_t l ;
    if (!nl) abort() ;
    l = (size_t)(nl - (m.rcpt.s + p)) ;
    if (sm_addrlist(m.rcpt.s + p, l, &list) == TERN_TEMP) abort() ;
    p += l + 1 ;
  }
  for (size_t p = 0 ; p < list.len && n < 200 ; p += strlen(list.s + p) + 1)
  {
    if (!list.s[p]) abort() ;   /* no empty address */
    sm_addradd(list.s + p, "example.org", &rcpt, &keys, &n) ;
  }
  if (sm_conf_parse(&c, s, size) < 0) abort() ;
  stralloc_free(&c.text) ;
  return 0 ;
}
