/* tern-imap-out: writing responses: a buffer flushed when full, at the
   end of a command's replies, and before waiting for input (after
   COMPRESS, deflated: a sync point only at those two ends). */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>
#include "tern.h"
#include "tern_log.h"
#include "tern-imap.h"

static char obuf[16384] ;
static size_t olen = 0 ;

/* writes the buffer; end: the end of a burst (a deflate sync point) */
static void drain (int end)
{
  size_t w = 0 ;
  if (zip_on()) { zip_out(obuf, olen, end) ; olen = 0 ; return ; }
  while (w < olen)
  {
    ssize_t r = write(S.outfd, obuf + w, olen - w) ;
    if (r < 0)
    {
      if (errno == EINTR) continue ;
      strerr_diefusys(111, "write to the client") ;
    }
    w += (size_t)r ;
  }
  olen = 0 ;
}

void out_flush (void)
{
  drain(1) ;
}

void out_put (char const *s, size_t len)
{
  while (len)
  {
    size_t n = sizeof obuf - olen ;
    if (!n) { drain(0) ; continue ; }
    if (n > len) n = len ;
    memcpy(obuf + olen, s, n) ;
    olen += n ; s += n ; len -= n ;
  }
}

void out_puts (char const *s)
{
  out_put(s, strlen(s)) ;
}

void out_u64 (uint64_t x)
{
  char fmt[UINT64_FMT] ;
  size_t i = sizeof fmt ;
  do { fmt[--i] = (char)('0' + x % 10) ; x /= 10 ; } while (x) ;
  out_put(fmt + i, sizeof fmt - i) ;
}

static void out_literal (char const *s, size_t len)
{
  out_put("{", 1) ;
  out_u64(len) ;
  out_put("}\r\n", 3) ;
  out_put(s, len) ;
}

/* quoted when it can be, else a literal */
/* s as a quoted string, " and \\ escaped (RFC 3501 9 quoted) */
static void out_quoted (char const *s, size_t len)
{
  out_put("\"", 1) ;
  for (size_t i = 0 ; i < len ; i++)
  {
    if (s[i] == '"' || s[i] == '\\') out_put("\\", 1) ;
    out_put(s + i, 1) ;
  }
  out_put("\"", 1) ;
}

void out_astring (char const *s, size_t len)
{
  size_t i ;
  for (i = 0 ; i < len ; i++)
    if (s[i] == '\r' || s[i] == '\n' || !s[i] || (unsigned char)s[i] >= 0x80) break ;
  if (i < len || len > 1000) { out_literal(s, len) ; return ; }
  out_quoted(s, len) ;
}

void out_nstring (char const *s, size_t len)
{
  if (!s) out_puts("NIL") ; else out_astring(s, len) ;
}

void out_mailbox (char const *name)
{
  size_t len = strlen(name) ;
  if (!S.utf8)
  {
    stralloc sa = STRALLOC_ZERO ;
    if (!imap_mutf7_encode(&sa, name, len)) strerr_diefusys(111, "encode a mailbox name") ;
    out_quoted(sa.s, sa.len) ;   /* a name may hold " or \\ */
    stralloc_free(&sa) ;
    return ;
  }
  out_quoted(name, len) ;   /* UTF-8 names go quoted (RFC 6855 allows 8-bit in quoted strings) */
}

void out_tagged (char const *status, char const *text)
{
  out_puts(S.tag ? S.tag : "*") ;
  out_put(" ", 1) ;
  out_puts(status) ;
  out_put(" ", 1) ;
  out_puts(text) ;
  out_put("\r\n", 2) ;
  /* pipelined commands waiting: their replies go out together (fill()
     flushes before it waits for input) */
  if (!in_pending()) out_flush() ;
}

/* the store damage just found, logged once a session with its file and
   what is wrong (text: the reply given, or 0) */
void log_damage (char const *text)
{
  static stralloc seen = STRALLOC_ZERO ;
  char const *p = tern_store_damage_path(), *w = tern_store_damage_what() ;
  size_t pl = strlen(p) + 1, wl = strlen(w) + 1 ;
  if (seen.len == pl + wl && !memcmp(seen.s, p, pl) && !memcmp(seen.s + pl, w, wl)) return ;
  seen.len = 0 ;
  if (!stralloc_catb(&seen, p, pl) || !stralloc_catb(&seen, w, wl)) seen.len = 0 ;
  tern_log_warn("damage", "pid", S.pid, "account", S.account.s, "path", p, "error", w, "tag", S.tag,
    "reply", text ? text : "none", TERN_LOG_END) ;
}

/* a temporary failure: logged with errno (damage: its file and fault),
   then a tagged NO */
void out_temp (char const *text)
{
  if (errno == EUCLEAN) log_damage(text) ;
  else tern_log_warn("temp", "pid", S.pid, "account", S.account.s, "tag", S.tag, "reply", text, "error", strerror(errno), TERN_LOG_END) ;
  out_tagged("NO", text) ;
}

void out_untagged (char const *text)
{
  out_put("* ", 2) ;
  out_puts(text) ;
  out_put("\r\n", 2) ;
}
