/* tern_store_name: mailbox name validation, special-use and flag names
   (tern-store.5).  A name is 1..255 bytes of shortest-form UTF-8 without
   control characters, "/"-separated, no empty, "." or ".." component. */
#include <string.h>
#include <strings.h>
#include "tern_store.h"

/* length of the UTF-8 sequence at s (valid, not a control), or 0 */
static size_t u8len (unsigned char const *s, size_t len)
{
  unsigned char c = s[0] ;
  uint32_t cp ;
  size_t n, i ;
  if (c < 0x20 || c == 0x7f) return 0 ;
  if (c < 0x80) return 1 ;
  if (c >= 0xc2 && c <= 0xdf) { n = 2 ; cp = c & 0x1f ; }
  else if (c >= 0xe0 && c <= 0xef) { n = 3 ; cp = c & 0x0f ; }
  else if (c >= 0xf0 && c <= 0xf4) { n = 4 ; cp = c & 0x07 ; }
  else return 0 ;
  if (n > len) return 0 ;
  for (i = 1 ; i < n ; i++)
  {
    if ((s[i] & 0xc0) != 0x80) return 0 ;
    cp = (cp << 6) | (s[i] & 0x3f) ;
  }
  if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff))) return 0 ;
  if (cp >= 0xd800 && cp <= 0xdfff) return 0 ;
  if (cp >= 0x80 && cp <= 0x9f) return 0 ;
  return n ;
}

int tern_store_namevalid (char const *s, size_t len)
{
  size_t i = 0, comp = 0 ;
  if (!len || len > TERN_STORE_NAMEMAX) return 0 ;
  while (i < len)
  {
    size_t n ;
    if (s[i] == '/')
    {
      if (i == comp) return 0 ;  /* leading "/" or "//" */
      if ((i - comp == 1 && s[comp] == '.') || (i - comp == 2 && s[comp] == '.' && s[comp+1] == '.')) return 0 ;
      comp = ++i ;
      continue ;
    }
    n = u8len((unsigned char const *)s + i, len - i) ;
    if (!n) return 0 ;
    i += n ;
  }
  if (comp == len) return 0 ;  /* trailing "/" */
  if ((len - comp == 1 && s[comp] == '.') || (len - comp == 2 && s[comp] == '.' && s[comp+1] == '.')) return 0 ;
  return 1 ;
}

int tern_store_isinbox (char const *s, size_t len)
{
  return len == 5 && !strncasecmp(s, "inbox", 5) ;
}

int tern_store_isinboxtree (char const *s, size_t len)
{
  return len >= 5 && !strncasecmp(s, "inbox", 5) && (len == 5 || s[5] == '/') ;
}

static char const *const su[TERN_SU_MAX + 1] =
{
  "-", "\\All", "\\Archive", "\\Drafts", "\\Flagged", "\\Junk", "\\Sent", "\\Trash"
} ;

char const *tern_store_sufmt (unsigned int u)
{
  return u <= TERN_SU_MAX ? su[u] : "-" ;
}

int tern_store_suscan (char const *s, size_t len)
{
  for (unsigned int i = 0 ; i <= TERN_SU_MAX ; i++)
    if (strlen(su[i]) == len && !strncasecmp(su[i], s, len)) return (int)i ;
  return -1 ;
}

static char const *const flags[10] =
{
  "\\Seen", "\\Answered", "\\Flagged", "\\Deleted", "\\Draft",
  "$Forwarded", "$Junk", "$NotJunk", "$Phishing", "$MDNSent"
} ;

uint32_t tern_store_flagscan (char const *s, size_t len)
{
  for (unsigned int i = 0 ; i < 10 ; i++)
    if (strlen(flags[i]) == len && !strncasecmp(flags[i], s, len)) return (uint32_t)1 << i ;
  return 0 ;
}

char const *tern_store_flagname (unsigned int bit)
{
  return bit < 10 ? flags[bit] : 0 ;
}
