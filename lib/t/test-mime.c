/* test-mime: tern_rfc2047_cat on a table of header texts, then hostile
   input (every prefix of malformed words) for crashes under ASan; then
   tern_cte_kind and tern_cte_decode. */
#include <stdlib.h>
#include <string.h>
#include "t.h"
#include "tern_mime.h"

static struct { char const *in, *want ; } const cases[] =
{
  { "plain text", "plain text" },
  { "=?UTF-8?B?R3LDtsOfZQ==?=", "Gr\xc3\xb6\xc3\x9f" "e" },
  { "=?utf-8?q?Gr=C3=B6=c3=9fe_Liste?=", "Gr\xc3\xb6\xc3\x9f" "e Liste" },
  { "=?ISO-8859-1?Q?Andr=E9?= Pirard", "Andr\xc3\xa9 Pirard" },
  { "a =?iso-8859-1?q?b?= c", "a b c" },
  { "=?UTF-8?B?YQ==?= =?UTF-8?B?Yg==?=", "ab" },                 /* space between words dropped */
  { "=?UTF-8?B?YQ==?=\r\n =?UTF-8?B?Yg==?=", "ab" },             /* folded too */
  { "=?UTF-8?B?YQ==?= b", "a b" },
  { "=?UTF-8?B?YWJj?=", "abc" },
  { "=?UTF-8?B?YWI?=", "ab" },                                   /* no padding */
  { "=?windows-1252?Q?=80_=93x=94?=", "\xe2\x82\xac \xe2\x80\x9cx\xe2\x80\x9d" },
  { "=?iso-8859-15?q?=A4?=", "\xe2\x82\xac" },
  { "=?UTF-8*en?Q?hi?=", "hi" },                                 /* RFC 2231 language */
  { "=?KOI8-R?B?5sXEz9I=?=", "=?KOI8-R?B?5sXEz9I=?=" },          /* unknown charset: as is */
  { "=?UTF-8?X?abc?=", "=?UTF-8?X?abc?=" },
  { "=?UTF-8?Q?a b?=", "=?UTF-8?Q?a b?=" },                      /* space inside: not a word */
  { "=?UTF-8?Q?abc", "=?UTF-8?Q?abc" },
  { "=?", "=?" },
  { "=?UTF-8?Q?=4", "=?UTF-8?Q?=4" },
  { "=?UTF-8?Q?=4?=", "=4" },
  { "x =?UTF-8?Q?=ZZ?= y", "x =ZZ y" },
  { "", "" },
  { "trailing  ", "trailing  " },
} ;

int main (void)
{
  stralloc sa = STRALLOC_ZERO ;
  static char const *const hostile[] = { "=?UTF-8?B?", "=?utf-8?Q?=", "=?*?Q?x?=", "=?" "?Q?" "?=", "=?UTF-8??", "=?UTF-8?B?====?=", "=?a?b?c?d?=?=" } ;
  for (size_t i = 0 ; i < sizeof cases / sizeof *cases ; i++)
  {
    sa.len = 0 ;
    T(tern_rfc2047_cat(&sa, cases[i].in, strlen(cases[i].in)) && sa.len == strlen(cases[i].want)
      && !memcmp(sa.s, cases[i].want, sa.len), cases[i].in) ;
  }
  sa.len = 0 ;
  T(tern_rfc2047_cat(&sa, "x", 1) && tern_rfc2047_cat(&sa, "=?UTF-8?Q?y?=", 13) && sa.len == 2 && !memcmp(sa.s, "xy", 2), "appends") ;
  for (size_t i = 0 ; i < sizeof hostile / sizeof *hostile ; i++)
    for (size_t n = 0 ; n <= strlen(hostile[i]) ; n++)
    {
      char *copy = malloc(n + 1) ;  /* exact size: ASan sees any over-read */
      memcpy(copy, hostile[i], n) ;
      sa.len = 0 ;
      T(tern_rfc2047_cat(&sa, copy, n) && sa.len <= 3 * n, hostile[i]) ;
      free(copy) ;
    }
  {
    static struct { char const *hdr ; int kind ; } const k[] =
    {
      { "Content-Type: text/plain\r\n", TERN_CTE_NONE }, { "Content-Transfer-Encoding: base64\r\n", TERN_CTE_BASE64 },
      { "content-transfer-encoding:   Quoted-Printable ; x\r\n", TERN_CTE_QP }, { "Content-Transfer-Encoding: 8bit\r\n", TERN_CTE_NONE },
      { "Content-Transfer-Encoding: x-uuencode\r\n", -1 }, { "Content-Transfer-Encoding: BINARY", TERN_CTE_NONE },
      { "X-Content-Transfer-Encoding: base64\r\n", TERN_CTE_NONE },
    } ;
    static struct { char const *in, *want ; int cte ; } const d[] =
    {
      { "aGVsbG8gd29ybGQ=", "hello world", TERN_CTE_BASE64 }, { "aGVs\r\nbG8=\r\n", "hello", TERN_CTE_BASE64 },
      { "aGVsbG8", "hello", TERN_CTE_BASE64 }, { "caf=C3=A9 =3D 1", "caf\xc3\xa9 = 1", TERN_CTE_QP },
      { "soft=\r\nbreak", "softbreak", TERN_CTE_QP }, { "soft=  \nbreak", "softbreak", TERN_CTE_QP },
      { "bad =ZZ =", "bad =ZZ =", TERN_CTE_QP }, { "as is", "as is", TERN_CTE_NONE },
      /* RFC 2045 6.7 rule 3: trailing blanks of an encoded line are removed */
      { "line  \r\nnext \t\r\nend  ", "line\r\nnext\r\nend", TERN_CTE_QP }, { "x \ny", "x\ny", TERN_CTE_QP },
      { "a =20 \r\n", "a  \r\n", TERN_CTE_QP }, { "in \t side\n", "in \t side\n", TERN_CTE_QP },
      { "keep  \r\n", "keep  \r\n", TERN_CTE_NONE },
    } ;
    for (size_t i = 0 ; i < sizeof k / sizeof *k ; i++)
      T(tern_cte_kind(k[i].hdr, strlen(k[i].hdr)) == k[i].kind, k[i].hdr) ;
    for (size_t i = 0 ; i < sizeof d / sizeof *d ; i++)
    {
      sa.len = 0 ;
      T(tern_cte_decode(&sa, d[i].in, strlen(d[i].in), d[i].cte) && sa.len == strlen(d[i].want) && !memcmp(sa.s, d[i].want, sa.len), d[i].in) ;
    }
  }
  stralloc_free(&sa) ;
  return tdone() ;
}
