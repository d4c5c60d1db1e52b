/* tern_junkw_text: the text tokenizer (REFERENCE.md 8.2): words of Unicode
   letters and digits (libunistring), lower case, the apostrophe and drop
   rules, 1/2/3-grams.  Only TERN_JUNK_WORDMAX bytes of a word are kept;
   what the drop rules need of the rest is counted as it grows. */
#include <stdint.h>
#include <string.h>
#include <unictype.h>
#include <unicase.h>
#include "tern_utf8.h"
#include "tern_junk_words_int.h"

#define MAX TERN_JUNK_WORDMAX

typedef struct word_s word ;
struct word_s
{
  char b[MAX + 4] ;     /* the word without its apostrophes at either end */
  size_t len ;          /* its length (b holds the first MAX + 4 bytes) */
  size_t total ;        /* bytes including those apostrophes */
  size_t pend ;         /* apostrophes after the last other rune */
  size_t digits, other ;            /* looks numeric: ASCII digits, not hex */
  unsigned int stretch, stretches ; /* looks random: consonant runs */
  int nondigit, ascii ;
} ;

typedef struct hist_s hist ;
struct hist_s { char p[2][MAX + 1] ; size_t len[2] ; } ;  /* 0: previous word */

static int letter (uint32_t c)
{
  if (c < 0x80) return (uint32_t)((c | 0x20) - 'a') < 26 ;
  return uc_is_general_category(c, UC_LETTER) ;
}

static int digit (uint32_t c)
{
  if (c < 0x80) return c - '0' < 10 ;
  return uc_is_general_category(c, UC_DECIMAL_DIGIT_NUMBER) ;
}

/* one rune at s: its length; invalid UTF-8 is U+FFFD of one byte */
static size_t rune (char const *s, size_t len, uint32_t *c)
{
  size_t n ;
  if (!(s[0] & 0x80)) { *c = (unsigned char)s[0] ; return 1 ; }
  n = tern_utf8_dec(s, len, c) ;
  if (!n) { *c = 0xfffd ; n = 1 ; }
  return n ;
}

/* ASCII classes: part of a word, digit, "looks random" consonant
   (bcdfghjklmnpqrstvwxyz, upper case too, and 2-9), hex letter */
#define C_WORD 1
#define C_DIGIT 2
#define C_CONS 4
#define C_HEX 8
static unsigned char cls[128] ;

static void classes (void)
{
  static char const cons[] = "bcdfghjklmnpqrstvwxyzBCDFGHJKLMNPQRSTVWXYZ23456789" ;
  for (unsigned int c = 0 ; c < 128 ; c++)
    cls[c] = (unsigned char)((c - '0' < 10 ? C_WORD | C_DIGIT : 0) | ((c | 0x20) - 'a' < 26 ? C_WORD : 0)
      | (c && strchr(cons, (int)c) ? C_CONS : 0) | ((c | 0x20) - 'a' < 6 ? C_HEX : 0)) ;
}

/* ASCII c (lower case), part of the word's middle */
static void ascii (word *w, unsigned int c)
{
  unsigned int k = cls[c] ;
  if (w->len < sizeof w->b) w->b[w->len] = (char)c ;
  w->len++ ;
  if (k & C_CONS) w->stretch++ ;
  else { if (w->stretch >= 6) w->stretches++ ; w->stretch = 0 ; }
  if (k & C_DIGIT) w->digits++ ;
  else
  {
    w->nondigit = 1 ;
    if (!(k & C_HEX)) w->other++ ;
  }
}

/* eight bytes at once (SWAR): each byte's high bit in a mask */
#define ONES UINT64_C(0x0101010101010101)
#define HIGH (ONES << 7)
/* bytes of x (all < 0x80) in [lo, hi] */
static uint64_t within (uint64_t x, unsigned int lo, unsigned int hi)
{
  return (x + (0x80 - lo) * ONES) & ~(x + (0x7f - hi) * ONES) & HIGH ;
}

/* the bytes flagged in mask m */
static unsigned int count (uint64_t m)
{
  return (unsigned int)(((m >> 7) * ONES) >> 56) ;
}

/* a run of ASCII letters and digits at s[i..len) joins the word (as
   ascii() on each, lower case): counts in locals, no branch on the
   letter's class (vowels and consonants alternate unpredictably);
   where the run stops.  Once a word has had 6 consonants in a row it
   "looks random" whatever follows (end() reads stretches only as a
   boolean, and a stretch of 6 counts once it ends, however it ends):
   from then on the consonants need no counting, and eight letters or
   digits at a time go by masks (a long token: 64 KiB of "XXX..." lines
   from smtp-source, base64 text) */
static size_t run (word *w, char const *s, size_t i, size_t len)
{
  size_t n = w->len, start = i, digits = w->digits, other = w->other ;
  unsigned int stretch = w->stretch, stretches = w->stretches, nondigit = (unsigned int)w->nondigit ;
  while (i < len)
  {
    unsigned int b, k, cons, dig ;
    if ((stretches || stretch >= 6) && len - i >= 8)
    {
      uint64_t x, dm, lm ;
      memcpy(&x, s + i, 8) ;
      if (!(x & HIGH))
      {
        dm = within(x, '0', '9') ;
        lm = within(x | (ONES << 5), 'a', 'z') ;
        if ((dm | lm) == HIGH)
        {
          x |= lm >> 2 ;  /* lower case: 0x20 where a letter is */
          if (n < sizeof w->b) memcpy(w->b + n, &x, sizeof w->b - n < 8 ? sizeof w->b - n : 8) ;
          n += 8 ;
          digits += count(dm) ;
          nondigit |= dm != HIGH ;
          other += 8 - count(dm | within(x, 'a', 'f')) ;
          i += 8 ;
          continue ;
        }
      }
    }
    b = (unsigned char)s[i] ;
    if (b >= 0x80 || !((k = cls[b]) & C_WORD)) break ;
    if (n < sizeof w->b) w->b[n] = (char)(b - 'A' < 26 ? b | 0x20 : b) ;
    n++ ;
    cons = (k & C_CONS) != 0 ; dig = (k & C_DIGIT) != 0 ;
    stretches += !cons & (stretch >= 6) ;
    stretch = (stretch + 1) & -cons ;
    digits += dig ;
    nondigit |= !dig ;
    other += !(k & (C_DIGIT | C_HEX)) ;
    i++ ;
  }
  w->len = n ; w->total += i - start ; w->digits = digits ; w->other = other ;
  w->stretch = stretch ; w->stretches = stretches ; w->nondigit = (int)nondigit ;
  return i ;
}

/* c >= 0x80, part of the word's middle */
static void core (word *w, uint32_t c)
{
  char u[4] ;
  size_t n = 2 ;
  if (c < 0x800) { u[0] = (char)(0xc0 | c >> 6) ; u[1] = (char)(0x80 | (c & 0x3f)) ; }
  else if (c < 0x10000) { u[0] = (char)(0xe0 | c >> 12) ; u[1] = (char)(0x80 | ((c >> 6) & 0x3f)) ; u[2] = (char)(0x80 | (c & 0x3f)) ; n = 3 ; }
  else { u[0] = (char)(0xf0 | c >> 18) ; u[1] = (char)(0x80 | ((c >> 12) & 0x3f)) ; u[2] = (char)(0x80 | ((c >> 6) & 0x3f)) ; u[3] = (char)(0x80 | (c & 0x3f)) ; n = 4 ; }
  if (w->len + n <= sizeof w->b) memcpy(w->b + w->len, u, n) ;
  w->len += n ;
  if (!digit(c)) w->nondigit = 1 ;
  w->ascii = 0 ;
  if (w->stretch >= 6) w->stretches++ ;
  w->stretch = 0 ;
  w->other++ ;
}

/* an empty word (its buffer need not be cleared) */
static void clear (word *w)
{
  w->len = w->total = w->pend = w->digits = w->other = 0 ;
  w->stretch = w->stretches = 0 ;
  w->nondigit = 0 ;
  w->ascii = 1 ;
}

/* rune c (lower case) of n bytes joins the word */
static void grow (word *w, uint32_t c, size_t n)
{
  w->total += n ;
  if (c == '\'') { if (w->len) w->pend++ ; return ; }
  for (; w->pend ; w->pend--) ascii(w, '\'') ;
  if (c < 0x80) ascii(w, c) ; else core(w, c) ;
}

static uint32_t lower (uint32_t c)
{
  if (c < 0x80) return c - 'A' < 26 ? c | 0x20 : c ;
  return uc_tolower(c) ;
}

static size_t utf8len (uint32_t c)
{
  return c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4 ;
}

/* one entry a [b [c]] (lengths la, lb, lc; 0: absent) */
static int entry (tern_junkw *j, char const *a, size_t la, char const *b, size_t lb, char const *c, size_t lc)
{
  char e[MAX + 1] ;
  size_t n = la + (lb ? lb + 1 : 0) + (lc ? lc + 1 : 0), k = j->prefixlen ;
  if (n <= j->minlen || n + k > MAX) return 1 ;
  if (!k && !lb) return tern_junkw_add(j, a, la) ;   /* a body 1-gram: no copy */
  memcpy(e, j->prefix, k) ;
  memcpy(e + k, a, la) ; k += la ;
  if (lb) { e[k++] = ' ' ; memcpy(e + k, b, lb) ; k += lb ; }
  if (lc) { e[k++] = ' ' ; memcpy(e + k, c, lc) ; k += lc ; }
  return tern_junkw_add(j, e, k) ;
}

/* the word ends: drop rules, then its n-grams, then the history moves */
static int end (tern_junkw *j, hist *h, word *w)
{
  tern_junkopt const *o = j->o ;
  size_t len = w->len, digits = w->digits, other = w->other ;
  int ok = 1 ;
  if (w->stretch >= 6) w->stretches++ ;
  if (len >= 2 && w->b[0] == '0' && w->b[1] == 'x') { digits-- ; other-- ; }
  if (w->total > 2 && w->nondigit && len > 2 && !(w->ascii && w->stretches)
   && !(digits >= 4 || (!other && digits >= 3)))
  {
    if (len > MAX) len = MAX + 1 ;  /* too long: any entry with it is dropped */
    if (o->threegrams && h->len[1] && h->len[0]) ok = entry(j, h->p[1], h->len[1], h->p[0], h->len[0], w->b, len) ;
    if (ok && o->twograms && h->len[0]) ok = entry(j, h->p[0], h->len[0], w->b, len, 0, 0) ;
    if (ok && o->onegrams) ok = entry(j, w->b, len, 0, 0, 0, 0) ;
    if (o->twograms || o->threegrams)   /* the history: only n-grams read it */
    {
      memcpy(h->p[1], h->p[0], h->len[0] <= MAX ? h->len[0] : 0) ;
      h->len[1] = h->len[0] ;
      memcpy(h->p[0], w->b, len <= MAX ? len : 0) ;
      h->len[0] = len ;
    }
  }
  clear(w) ;
  return ok ;
}

int tern_junkw_text (tern_junkw *j, char const *s, size_t len)
{
  word w ;
  hist h ;
  size_t i = 0 ;
  clear(&w) ;
  h.len[0] = h.len[1] = 0 ;
  if (!cls['a']) classes() ;
  while (i < len && !j->full)
  {
    uint32_t c, d ;
    unsigned char b = (unsigned char)s[i] ;
    if (b < 0x80 && b != '\'')   /* the common case, without the general tests */
    {
      i++ ;
      if (!(cls[b] & C_WORD)) { if (w.total && !end(j, &h, &w)) return 0 ; continue ; }
      if (w.pend) { grow(&w, b - 'A' < 26 ? b | 0x20 : b, 1) ; continue ; }
      i = run(&w, s, i - 1, len) ;
      continue ;
    }
    i += rune(s + i, len - i, &c) ;
    if (letter(c) || digit(c) || (c == '\'' && !(w.total && i < len && (rune(s + i, len - i, &d), letter(d)))))
    {
      c = lower(c) ;
      grow(&w, c, utf8len(c)) ;
    }
    else if (w.total && !end(j, &h, &w)) return 0 ;
  }
  return !w.total || j->full || end(j, &h, &w) ;
}
