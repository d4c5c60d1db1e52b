/* tern_addr_dotatom: is s a Dot-string (RFC 5321 4.1.2), with RFC 6531's
   UTF-8 atext (valid UTF-8, no C1 controls)?  Decides quoting in SMTP. */
#include <string.h>
#include "tern_addr.h"
#include "tern_utf8.h"

int tern_addr_dotatom (char const *s, size_t len)
{
  size_t i = 0 ;
  int dot = 1 ;  /* at the start or just after a dot: an atom must follow */
  while (i < len)
  {
    unsigned char c = s[i] ;
    if (c == '.')
    {
      if (dot) return 0 ;
      dot = 1 ; i++ ;
    }
    else if (c >= 0x80)
    {
      uint32_t cp ;
      size_t n = tern_utf8_dec(s + i, len - i, &cp) ;
      if (!n || cp < 0xa0) return 0 ;
      dot = 0 ; i += n ;
    }
    else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || (c && strchr("!#$%&'*+-/=?^_`{|}~", c)))
    {
      dot = 0 ; i++ ;
    }
    else return 0 ;
  }
  return !dot ;
}
