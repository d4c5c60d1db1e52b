/* tern_dsn_fmt: a whole delivery status notification: the header (with
   Return-Path: <> on top), then multipart/report with the plain text, the
   delivery-status fields and the original message or its header. */
#include <string.h>
#include "tern_date.h"
#include "tern_dsn.h"

/* keep the bytes of s that may be in a boundary or a Message-ID */
static int safe (stralloc *sa, char const *s, size_t max)
{
  for (size_t n = 0 ; *s && n < max ; s++, n++)
    if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')
     || *s == '.' || *s == '-' || *s == '_' || *s == '=')
      if (!stralloc_catb(sa, s, 1)) return 0 ;
  return 1 ;
}

static int eightbit (stralloc const *sa)
{
  for (size_t i = 0 ; i < sa->len ; i++) if ((unsigned char)sa->s[i] >= 128) return 1 ;
  return 0 ;
}

static int part (stralloc *sa, stralloc const *b, char const *type, stralloc const *body, int e8)
{
  return stralloc_catb(sa, "\r\n--", 4) && stralloc_catb(sa, b->s, b->len)
    && stralloc_cats(sa, "\r\nContent-Type: ") && stralloc_cats(sa, type)
    && stralloc_cats(sa, e8 ? "\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" : "\r\nContent-Transfer-Encoding: 7bit\r\n\r\n")
    && stralloc_catb(sa, body->s, body->len) ;
}

static int contains (stralloc const *h, stralloc const *n)
{
  for (size_t i = 0 ; i + n->len <= h->len ; i++)
    if (h->s[i] == n->s[0] && !memcmp(h->s + i, n->s, n->len)) return 1 ;
  return 0 ;
}

/* a boundary found in none of the parts */
static int boundary (stralloc *b, tern_dsn const *d, stralloc const *p, unsigned int n)
{
  for (unsigned int k = 0 ; ; k++)
  {
    char c[2] = { 'a' + k % 26, 0 } ;
    int found = 0 ;
    b->len = 0 ;
    if (!stralloc_cats(b, "=_tern-dsn-") || !safe(b, d->uniq, 40)) return 0 ;
    for (unsigned int j = 0 ; j <= k / 26 && j < 10 ; j++) if (!stralloc_cats(b, c)) return 0 ;
    for (unsigned int i = 0 ; i < n && !found ; i++)
      found = contains(p + i, b) ;
    if (!found || k >= 26 * 10) return 1 ;
  }
}

static int header (stralloc *sa, tern_dsn const *d, stralloc const *b, int failed, int e8)
{
  stralloc t = STRALLOC_ZERO ;
  char date[TERN_DATE_FMT] ;
  size_t n = tern_date_fmt(date, d->now) ;
  int ok = stralloc_cats(sa, "Return-Path: <>\r\n")
    && stralloc_cats(&t, "Mail Delivery System <postmaster@") && safe(&t, d->hostname, 255) && stralloc_catb(&t, ">", 1)
    && tern_dsn_fold(sa, "From", t.s, t.len) ;
  t.len = 0 ;
  ok = ok && stralloc_catb(&t, "<", 1) && tern_dsn_clean(&t, d->sender, strlen(d->sender), d->utf8, TERN_DSN_TEXTMAX)
    && stralloc_catb(&t, ">", 1) && tern_dsn_fold(sa, "To", t.s, t.len)
    && stralloc_cats(sa, failed ? "Subject: Mail delivery failed\r\n" : "Subject: Mail delivery delayed\r\n")
    && (!n || tern_dsn_fold(sa, "Date", date, n)) ;
  t.len = 0 ;
  ok = ok && stralloc_catb(&t, "<", 1) && safe(&t, d->uniq, 100) && stralloc_catb(&t, "@", 1) && safe(&t, d->hostname, 255)
    && stralloc_catb(&t, ">", 1) && tern_dsn_fold(sa, "Message-ID", t.s, t.len) ;
  t.len = 0 ;
  if (ok)
    switch (tern_dsn_msgid(&t, d->msg, d->msglen))
    {
      case -1 : ok = 0 ; break ;
      case 1 : ok = tern_dsn_fold(sa, "In-Reply-To", t.s, t.len) && tern_dsn_fold(sa, "References", t.s, t.len) ; break ;
      default : break ;
    }
  ok = ok && stralloc_cats(sa, "Auto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\n"
      "Content-Type: multipart/report; report-type=delivery-status;\r\n boundary=\"")
    && stralloc_catb(sa, b->s, b->len) && stralloc_cats(sa, "\"\r\n")
    && (!e8 || stralloc_cats(sa, "Content-Transfer-Encoding: 8bit\r\n"))
    && stralloc_cats(sa, "\r\nThis is a delivery status notification in MIME format.\r\n") ;
  stralloc_free(&t) ;
  return ok ;
}

int tern_dsn_fmt (stralloc *sa, tern_dsn const *d)
{
  stralloc p[3] = { STRALLOC_ZERO, STRALLOC_ZERO, STRALLOC_ZERO }, b = STRALLOC_ZERO ;
  int failed = 0, whole, e8 = 0, ok ;
  for (unsigned int i = 0 ; i < d->nrcpt ; i++) if (d->rcpts[i].action == TERN_DSN_FAILED) failed = 1 ;
  whole = failed && d->msgsize <= d->fullmax && d->msglen == d->msgsize ;
  ok = tern_dsn_text(&p[0], d, whole) && tern_dsn_report(&p[1], d)
    && tern_dsn_orig(&p[2], d->msg, d->msglen, !whole, &e8)
    && boundary(&b, d, p, 3) ;
  ok = ok && header(sa, d, &b, failed, e8 || eightbit(&p[0]) || eightbit(&p[1]))
    && part(sa, &b, d->utf8 ? "text/plain; charset=utf-8" : "text/plain; charset=us-ascii", &p[0], eightbit(&p[0]))
    && part(sa, &b, d->utf8 ? "message/global-delivery-status" : "message/delivery-status", &p[1], eightbit(&p[1]))
    && part(sa, &b, whole ? (d->utf8 ? "message/global" : "message/rfc822")
        : (d->utf8 ? "message/global-headers" : "text/rfc822-headers"), &p[2], e8)
    && stralloc_catb(sa, "\r\n--", 4) && stralloc_catb(sa, b.s, b.len) && stralloc_catb(sa, "--\r\n", 4) ;
  for (unsigned int i = 0 ; i < 3 ; i++) stralloc_free(&p[i]) ;
  stralloc_free(&b) ;
  return ok ;
}
