/* tern-smtp-in-rcpt: MAIL and RCPT, with the MX rules (configured domains
   and addresses only, never a relay) and the submission rules (the sender
   belongs to the authenticated account, any recipient). */
#include <string.h>
#include <skalibs/cdb.h>
#include "tern.h"
#include "tern_addr.h"
#include "tern_conf.h"
#include "tern-smtp-in.h"

static tern_addr addr = TERN_ADDR_ZERO ;
static stralloc tmp = STRALLOC_ZERO ;

/* a configuration lookup failed: why, then 451 */
static char const *tempfail (smtp *s)
{
  smtp_syserr(s, "config", s->conf.path.s) ;
  return "451 4.3.0 temporary failure" ;
}

static char const *logform (void)
{
  tmp.len = 0 ;
  if (!tern_addr_logfmt(&tmp, &addr) || !stralloc_0(&tmp)) return "?" ;
  return tmp.s ;
}

static char const *sender_ok (smtp *s)
{
  int r ;
  if (!s->submission || addr.flags & TERN_ADDRF_NULL) return 0 ;
  tmp.len = 0 ;
  r = tern_conf_account(&s->conf, &addr, &tmp) ;
  if (r < 0) return tempfail(s) ;
  if (!r || tmp.len != s->account.len - 1 || memcmp(tmp.s, s->account.s, tmp.len))
    return "553 5.7.1 sender address does not belong to your account" ;
  return 0 ;
}

void smtp_mail (smtp *s, char const *arg, size_t len)
{
  char const *r ;
  if (s->mail || s->bdat) { smtp_reject(s, "503 5.5.1 nested MAIL command", "MAIL", 0) ; return ; }
  if (s->submission && !s->account.len)
  {
    smtp_reject(s, s->tls ? "530 5.7.0 authentication required" : "530 5.7.0 must issue a STARTTLS command first", "MAIL", 0) ;
    return ;
  }
  if (!tern_conf_refresh(&s->conf)) { smtp_reject(s, tempfail(s), "MAIL", 0) ; return ; }
  r = smtp_parse_mail(&addr, arg, len, &s->mp) ;
  if (r) { smtp_reject(s, r, "MAIL", 0) ; return ; }
  if (s->mp.size > s->maxsize) { smtp_reject(s, "552 5.3.4 message too big", "MAIL", logform()) ; return ; }
  r = sender_ok(s) ;
  if (r) { smtp_reject(s, r, "MAIL", logform()) ; return ; }
  s->from.len = s->fromlog.len = 0 ;
  if (!tern_addr_fmt(&s->from, &addr, 1) || !stralloc_0(&s->from)
   || !stralloc_catb(&s->fromlog, "<", 1) || !tern_addr_logfmt(&s->fromlog, &addr)
   || !stralloc_catb(&s->fromlog, ">", 1) || !stralloc_0(&s->fromlog))
  {
    smtp_reject(s, "451 4.3.0 out of memory", "MAIL", 0) ;
    return ;
  }
  s->mail = 1 ;
  s->nrcpt = 0 ;
  s->rcpts.len = 0 ;
  smtp_reply("250 2.1.0 sender ok") ;
}

/* the first address of the postmaster account, appended to sa; 1, 0, -1 */
static int postmaster (smtp *s, stralloc *sa)
{
  stralloc name = STRALLOC_ZERO ;
  cdb_data d ;
  int r = tern_conf_global(&s->conf, "postmaster", &name) ;
  if (r == 1)
  {
    if (!stralloc_insertb(&name, 0, "A:", 2) || !stralloc_cats(&name, ":address")) r = -1 ;
    else r = tern_conf_find(&s->conf, name.s, name.len, &d) ;
    if (r == 1 && !stralloc_catb(sa, d.s, d.len)) r = -1 ;
  }
  stralloc_free(&name) ;
  return r ;
}

static int ispostmaster (void)
{
  static char const pm[] = "postmaster" ;
  if (addr.local.len != 10) return 0 ;
  for (size_t i = 0 ; i < 10 ; i++)
    if ((addr.local.s[i] | 0x20) != pm[i]) return 0 ;
  return 1 ;
}

/* MX rules: 0 accepted (the address to queue is appended to s->rcpts), or a reply */
static char const *mx (smtp *s)
{
  cdb_data d ;
  int r ;
  if (!addr.domain.len)
  {
    if (!ispostmaster()) return "550 5.1.1 no such user" ;
    r = postmaster(s, &s->rcpts) ;
    return r < 0 ? tempfail(s) : r ? 0 : "550 5.1.1 no such user" ;
  }
  if (addr.flags & TERN_ADDRF_LITERAL) return "550 5.7.1 relaying denied" ;
  tmp.len = 0 ;
  if (!stralloc_catb(&tmp, "d:", 2) || !stralloc_catb(&tmp, addr.domain.s, addr.domain.len))
    return "451 4.3.0 out of memory" ;
  r = tern_conf_find(&s->conf, tmp.s, tmp.len, &d) ;
  if (r < 0) return tempfail(s) ;
  if (!r) return "550 5.7.1 relaying denied" ;
  tmp.len = 0 ;
  r = tern_conf_account(&s->conf, &addr, &tmp) ;
  if (r < 0) return tempfail(s) ;
  if (!r && ispostmaster())
  {
    r = postmaster(s, &s->rcpts) ;
    if (r) return r < 0 ? tempfail(s) : 0 ;
  }
  if (!r) return "550 5.1.1 no such user" ;
  return tern_addr_fmt(&s->rcpts, &addr, 1) ? 0 : "451 4.3.0 out of memory" ;
}

void smtp_rcpt (smtp *s, char const *arg, size_t len)
{
  char const *r ;
  size_t before = s->rcpts.len ;
  if (!s->mail || s->bdat) { smtp_reject(s, "503 5.5.1 need MAIL first", "RCPT", 0) ; return ; }
  if (s->nrcpt >= SMTP_MAXRCPT) { smtp_reject(s, "452 4.5.3 too many recipients", "RCPT", 0) ; return ; }
  r = smtp_parse_rcpt(&addr, arg, len, s->mp.utf8) ;
  if (r) { smtp_reject(s, r, "RCPT", 0) ; return ; }
  if (s->submission && (addr.domain.len || !ispostmaster()))
    r = addr.domain.len ? (tern_addr_fmt(&s->rcpts, &addr, 1) ? 0 : "451 4.3.0 out of memory")
      : "550 5.1.1 no such user" ;
  else r = mx(s) ;
  if (!r && !stralloc_0(&s->rcpts)) r = "451 4.3.0 out of memory" ;
  if (r)
  {
    s->rcpts.len = before ;
    smtp_reject(s, r, "RCPT", logform()) ;
    return ;
  }
  s->nrcpt++ ;
  smtp_reply("250 2.1.5 recipient ok") ;
}

void smtp_rcpt_wipe (void)
{
  smtp_wipesa(&addr.local) ;
  smtp_wipesa(&addr.domain) ;
  smtp_wipesa(&addr.udomain) ;
  addr.flags = 0 ;
  smtp_wipesa(&tmp) ;
}
