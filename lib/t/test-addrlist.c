/* test-addrlist: RFC 5322 address lists against a table (groups, routes,
   comments as names, quoted local parts, UTF-8), the search form, and
   bounded resources: 1 MB fields, 100,000 commas, deep comment nesting. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tern_addrlist.h"
#include "t.h"

/* the list as "[name|route|local|domain]" per mailbox ("@" before the
   domain only when there was one), "G(name)" and "E" for groups */
static void dump (stralloc *sa, tern_addrlist const *l)
{
  tern_addrent const *e = genalloc_s(tern_addrent const, &l->ents) ;
  char const *t = l->text.s ;
  sa->len = 0 ;
  for (size_t i = 0 ; i < genalloc_len(tern_addrent, &l->ents) ; i++)
  {
    if (e[i].kind == TERN_AL_END) { stralloc_cats(sa, "E") ; continue ; }
    if (e[i].kind == TERN_AL_GROUP)
    {
      stralloc_cats(sa, "G(") ; stralloc_catb(sa, t + e[i].name.off, e[i].name.len) ; stralloc_cats(sa, ")") ;
      continue ;
    }
    stralloc_cats(sa, "[") ; stralloc_catb(sa, t + e[i].name.off, e[i].name.len) ;
    stralloc_cats(sa, "|") ; stralloc_catb(sa, t + e[i].route.off, e[i].route.len) ;
    stralloc_cats(sa, "|") ; stralloc_catb(sa, t + e[i].local.off, e[i].local.len) ;
    stralloc_cats(sa, e[i].flags & TERN_ALF_DOMAIN ? "|@" : "|") ;
    stralloc_catb(sa, t + e[i].domain.off, e[i].domain.len) ; stralloc_cats(sa, "]") ;
  }
  stralloc_0(sa) ;
}

static struct { char const *in ; char const *out ; } const cases[] =
{
  { "user@example.com", "[||user|@example.com]" },
  { "Real Name <user@example.com>", "[Real Name||user|@example.com]" },
  { "user@domain (Real Name)", "[Real Name||user|@domain]" },
  { "\"Real Name\" <user@domain> (comment)", "[Real Name||user|@domain]" },
  { "<user@domain> (comment)", "[||user|@domain]" },
  { "<user-from (comment)@ (comment) domain.org>", "[||user-from|@domain.org]" },
  { "group:;", "G(group)E" },
  { "group2: (foo) ;", "G(group2)E" },
  { "undisclosed-recipients:;, b@c", "G(undisclosed-recipients)E[||b|@c]" },
  { "A Group:Chris Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;",
    "G(A Group)[Chris Jones||c|@a.test][||joe|@where.test][John||jdoe|@one.test]E" },
  { "g: a@b", "G(g)[||a|@b]E" },
  { "<@a.example,@b.example:user@d.example>", "[|@a.example,@b.example|user|@d.example]" },
  { "Name <@a.example:user@d.example>", "[Name|@a.example|user|@d.example]" },
  { "\"quoted local\"@example.com", "[||quoted local|@example.com]" },
  { "\"a\\\"b\"@example.com", "[||a\"b|@example.com]" },
  { "\"Joe Q. Public\" <john.q.public@example.com>", "[Joe Q. Public||john.q.public|@example.com]" },
  { "Joe Q. Public <john.q.public@example.com>", "[Joe Q. Public||john.q.public|@example.com]" },
  { "Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>", "[Pete||pete|@silly.test]" },
  { "=?UTF-8?Q?J=C3=B6rg?= <j@example.de>", "[=?UTF-8?Q?J=C3=B6rg?=||j|@example.de]" },
  { "Jörg <jörg@bücher.example>", "[Jörg||jörg|@bücher.example]" },
  { "a@b, c@d,,, e@f", "[||a|@b][||c|@d][||e|@f]" },
  { "user", "[||user|]" },
  { "user@", "[||user|@]" },
  { "<>", "[|||]" },
  { "a@[192.0.2.1]", "[||a|@[192.0.2.1]]" },
  { "Mary Smith <mary@x.test>, jdoe@example.org, Who? <one@y.test>", "[Mary Smith||mary|@x.test][||jdoe|@example.org][Who?||one|@y.test]" },
  { "a@b (one) (two)", "[two||a|@b]" },
  { "a@b (outer (inner) end)", "[outer (inner) end||a|@b]" },
  { "\r\n\tFolded\r\n Name <f@x>", "[Folded Name||f|@x]" },
  { "a@b c@d", "[||a|@b]" },
  { "g: a@b, (x) ; h: ;", "G(g)[||a|@b]EG(h)E" },
  { "g: a: b@c;", "G(g)E" },
  { ">>>;;;,,,", "" },
  { "", "" },
  { "(only a comment)", "" },
  { "\"unterminated", "[||unterminated|]" },
  { "<unterminated@x", "[||unterminated|@x]" },
  { "a@b (unterminated", "[unterminated||a|@b]" },
  { 0, 0 }
} ;

static void table (void)
{
  tern_addrlist l = TERN_ADDRLIST_ZERO ;
  stralloc d = STRALLOC_ZERO ;
  for (unsigned int i = 0 ; cases[i].in ; i++)
  {
    int ok = tern_addrlist_parse(&l, cases[i].in, strlen(cases[i].in)) ;
    dump(&d, &l) ;
    if (!ok || strcmp(d.s, cases[i].out)) fprintf(stderr, "in: %s\nwant: %s\ngot:  %s\n", cases[i].in, cases[i].out, d.s) ;
    T(ok && !strcmp(d.s, cases[i].out), cases[i].in) ;
  }
  stralloc_free(&d) ;
  tern_addrlist_free(&l) ;
}

static void fmt (void)
{
  static char const in[] = "=?UTF-8?Q?J=C3=B6rg?= <j@example.de>, <@r.example:u@d>, g:;, x@y (Com Ment)" ;
  static char const want[] = "Jörg <j@example.de>,<@r.example:u@d>,g:,;,Com Ment <x@y>," ;
  tern_addrlist l = TERN_ADDRLIST_ZERO ;
  stralloc sa = STRALLOC_ZERO ;
  int ok = tern_addrlist_parse(&l, in, sizeof in - 1) ;
  for (size_t i = 0 ; ok && i < genalloc_len(tern_addrent, &l.ents) ; i++)
    ok = tern_addrlist_fmt(&sa, &l, genalloc_s(tern_addrent, &l.ents) + i) && stralloc_catb(&sa, ",", 1) ;
  ok = ok && stralloc_0(&sa) ;
  if (ok && strcmp(sa.s, want)) fprintf(stderr, "fmt got: %s\n", sa.s) ;
  T(ok && !strcmp(sa.s, want), "search form: decoded name, route, group") ;
  stralloc_free(&sa) ;
  tern_addrlist_free(&l) ;
}

/* big inputs: linear time (the alarm: quadratic would take hours), every
   group closed, text no longer than the input */
static void bounded (void)
{
  size_t const n = 1 << 20 ;
  char *s = malloc(n) ;
  tern_addrlist l = TERN_ADDRLIST_ZERO ;
  size_t k, groups = 0 ;
  if (!s) { T(0, "malloc") ; return ; }
  for (k = 0 ; k + 5 <= n ; k += 5) memcpy(s + k, "a@b, ", 5) ;
  T(tern_addrlist_parse(&l, s, k) && genalloc_len(tern_addrent, &l.ents) == k / 5, "1 MB of addresses: 209715 mailboxes") ;
  T(l.text.len <= k, "1 MB of addresses: text within the input") ;
  memset(s, ',', 100000) ;
  T(tern_addrlist_parse(&l, s, 100000) && !genalloc_len(tern_addrent, &l.ents), "100,000 commas: no entry") ;
  memset(s, '(', n / 2) ; memset(s + n / 2, ')', n / 2) ;
  T(tern_addrlist_parse(&l, s, n) && !genalloc_len(tern_addrent, &l.ents), "comments nested 524288 deep: no entry") ;
  memset(s, '(', n) ;
  T(tern_addrlist_parse(&l, s, n) && !genalloc_len(tern_addrent, &l.ents), "1 MB of open parentheses: no entry") ;
  for (k = 0 ; k + 3 <= n ; k += 3) memcpy(s + k, "g:,", 3) ;
  T(tern_addrlist_parse(&l, s, k), "1 MB of group starts: parsed") ;
  for (size_t i = 0 ; i < genalloc_len(tern_addrent, &l.ents) ; i++)
    groups += genalloc_s(tern_addrent, &l.ents)[i].kind == TERN_AL_GROUP ? 1 : 0 ;
  T(groups == 1 && genalloc_len(tern_addrent, &l.ents) == 2, "1 MB of group starts: one group, closed at the end") ;
  memset(s, '"', n) ;
  T(tern_addrlist_parse(&l, s, n), "1 MB of quotes: parsed") ;
  memset(s, '<', n) ;
  T(tern_addrlist_parse(&l, s, n) && l.text.len <= n, "1 MB of angle brackets: parsed") ;
  free(s) ;
  tern_addrlist_free(&l) ;
}

int main (void)
{
  alarm(60) ;
  table() ;
  fmt() ;
  bounded() ;
  return tdone() ;
}
