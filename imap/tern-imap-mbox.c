/* tern-imap-mbox: mailbox names from the client, CREATE, DELETE, RENAME,
   SUBSCRIBE, UNSUBSCRIBE, STATUS. */
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include "tern.h"
#include "tern-imap.h"

/* s[0..len) is INBOX (any case) or a name under it */
int mbox_isinboxtree (char const *s, size_t len)
{
  return tern_store_isinboxtree(s, len) ;
}

/* a store name as the client sees it: Inbox and its tree spelt INBOX,
   as RFC 3501 5.1's examples and Dovecot do */
void out_boxname (char const *name)
{
  char buf[TERN_STORE_NAMEMAX + 1] ;
  size_t len = strlen(name) ;
  if (strncmp(name, "Inbox", 5) || (name[5] && name[5] != '/') || len > TERN_STORE_NAMEMAX) { out_mailbox(name) ; return ; }
  memcpy(buf, "INBOX", 5) ;
  memcpy(buf + 5, name + 5, len - 4) ;
  out_mailbox(buf) ;
}

int mbox_name (inode const *n, stralloc *out)
{
  int ok ;
  if (!imap_isastring(n)) { out_tagged("BAD", "mailbox name expected") ; return 0 ; }
  if (S.utf8) { out->len = 0 ; ok = stralloc_catb(out, n->s, n->len) ; }
  else ok = imap_mutf7_decode(out, n->s, n->len) ;
  if (!ok || !tern_store_namevalid(out->s, out->len) || !stralloc_0(out))
  {
    out_tagged("NO", "[CANNOT] invalid mailbox name: no / at either end, no empty, . or .. part, no control characters, at most 255 bytes") ;
    return 0 ;
  }
  out->len-- ;
  /* INBOX in any case, and so the first level of names under it: the
     store spells it Inbox (RFC 3501 5.1, as Dovecot), as deliveries do */
  tern_store_mbox_canon(S.acct.s, out->s) ;
  return 1 ;
}

/* junk_end, keeping errno for storeerr */
static void junkend (void)
{
  int e = errno ;
  junk_end() ;
  errno = e ;
}

static void storeerr (int r, char const *what)
{
  (void)what ;
  if (r == TERN_PERM && errno == ENOENT) out_tagged("NO", "[NONEXISTENT] no such mailbox") ;
  else if (r == TERN_PERM && errno == EEXIST) out_tagged("NO", "[ALREADYEXISTS] mailbox exists already") ;
  else if (r == TERN_PERM && errno == EPERM) out_tagged("NO", "[CANNOT] not allowed on Inbox") ;
  else if (r == TERN_PERM) out_tagged("NO", "[CANNOT] cannot do that") ;
  else out_temp("[UNAVAILABLE] temporary failure, try again") ;
}

void cmd_create (iargs *a)
{
  stralloc name = STRALLOC_ZERO ;
  uint32_t id ;
  int r, su = TERN_SU_NONE ;
  /* CREATE name [(USE (\Attr))] (RFC 6154 CREATE-SPECIAL-USE, one attribute) */
  if (a->n == 5 && a->a[1].type == N_LIST && imap_isatom(&a->a[2], "USE") && a->a[3].type == N_LIST && a->a[3].len == 1)
    su = tern_store_suscan(a->a[4].s, a->a[4].len) ;
  else if (a->n != 1) { out_tagged("BAD", "CREATE mailbox [(USE (attribute))]") ; return ; }
  if (su < 0 || su == TERN_SU_ALL || su == TERN_SU_FLAGGED) { out_tagged("NO", "[USEATTR] unsupported special-use attribute") ; return ; }
  /* "name/" declares that names will follow under it: creates name (RFC
     3501 6.3.3) */
  if (imap_isastring(&a->a[0]) && a->a[0].len > 1 && a->a[0].s[a->a[0].len-1] == '/') a->a[0].len-- ;
  if (!mbox_name(&a->a[0], &name)) goto end ;
  r = tern_store_mbox_create(S.acct.s, name.s, (unsigned int)su, &id) ;
  /* superiors too (RFC 3501 6.3.3), so that LIST shows a tree */
  for (size_t i = name.len ; !r && i-- > 0 ;)
    if (name.s[i] == '/')
    {
      int e ;
      name.s[i] = 0 ;
      e = tern_store_mbox_create(S.acct.s, name.s, TERN_SU_NONE, &id) ;
      if (e && !(e == TERN_PERM && errno == EEXIST)) break ;
    }
  if (r) storeerr(r, "create") ; else imap_ok("CREATE completed") ;
 end:
  stralloc_free(&name) ;
}

void cmd_delete (iargs *a)
{
  stralloc name = STRALLOC_ZERO ;
  int r ;
  if (a->n != 1) { out_tagged("BAD", "DELETE mailbox") ; return ; }
  if (!mbox_name(&a->a[0], &name)) goto end ;
  if (S.state == S_SELECTED && !strcmp(name.s, S.ent.name)) { out_tagged("NO", "[INUSE] unselect it first") ; goto end ; }
  if (junk_begin(1)) junk_syncall(name.s, 1) ;
  r = tern_store_mbox_delete(S.acct.s, name.s) ;
  junkend() ;
  if (r) storeerr(r, "delete") ; else imap_ok("DELETE completed") ;
 end:
  stralloc_free(&name) ;
}

void cmd_rename (iargs *a)
{
  stralloc from = STRALLOC_ZERO, to = STRALLOC_ZERO ;
  int r ;
  if (a->n != 2) { out_tagged("BAD", "RENAME from to") ; return ; }
  if (!mbox_name(&a->a[0], &from) || !mbox_name(&a->a[1], &to)) goto end ;
  /* INBOX always exists (RFC 9051 7.1, as Dovecot) */
  if (!strcmp(to.s, "Inbox")) { out_tagged("NO", "[ALREADYEXISTS] INBOX exists already") ; goto end ; }
  if (!strcmp(from.s, "Inbox"))
  {
    uint32_t id ;
    /* the copies start untrained: training moves with them */
    r = tern_store_mbox_create(S.acct.s, to.s, TERN_SU_NONE, &id) ;
    if (!r && junk_begin(1)) junk_syncall(from.s, 1) ;
    if (!r) r = tern_store_moveall(S.acct.s, from.s, to.s) ;
    junk_syncall(to.s, 0) ;
    junkend() ;
  }
  else r = tern_store_mbox_rename(S.acct.s, from.s, to.s) ;
  if (r) storeerr(r, "rename") ; else imap_ok("RENAME completed") ;
 end:
  stralloc_free(&from) ;
  stralloc_free(&to) ;
}

static void subscribe (iargs *a, int on)
{
  stralloc name = STRALLOC_ZERO ;
  int r ;
  if (a->n != 1) { out_tagged("BAD", "one mailbox expected") ; return ; }
  if (!mbox_name(&a->a[0], &name)) goto end ;
  /* a name with no mailbox too; unsubscribing one that is not is done */
  r = tern_store_subscribe(S.acct.s, name.s, on) ;
  if (r == TERN_PERM && errno == EOVERFLOW) out_tagged("NO", "[LIMIT] too many subscriptions") ;
  else if (r) storeerr(r, "subscribe") ; else imap_ok(on ? "SUBSCRIBE completed" : "UNSUBSCRIBE completed") ;
 end:
  stralloc_free(&name) ;
}

void cmd_subscribe (iargs *a) { subscribe(a, 1) ; }
void cmd_unsubscribe (iargs *a) { subscribe(a, 0) ; }

/* QUOTA (RFC 9208): one quota root, "", for the whole account.  A resource
   with no limit is not named in a QUOTA response (RFC 9208 5.1), and no
   limit can be configured yet, so the list is empty. */
static void quotaroot (void)
{
  out_puts("* QUOTA \"\" ()\r\n") ;
}

void cmd_getquotaroot (iargs *a)
{
  stralloc name = STRALLOC_ZERO ;
  tern_mboxent e ;
  int r ;
  if (a->n != 1) { out_tagged("BAD", "GETQUOTAROOT mailbox") ; return ; }
  if (!mbox_name(&a->a[0], &name)) goto end ;
  r = tern_store_mbox_lookup(S.acct.s, name.s, &e) ;
  if (r) { storeerr(r, "getquotaroot") ; goto end ; }
  out_puts("* QUOTAROOT ") ;
  out_boxname(e.name) ;
  out_puts(" \"\"\r\n") ;
  quotaroot() ;
  imap_ok("GETQUOTAROOT completed") ;
 end:
  stralloc_free(&name) ;
}

void cmd_getquota (iargs *a)
{
  if (a->n != 1 || !imap_isastring(&a->a[0])) { out_tagged("BAD", "GETQUOTA root") ; return ; }
  if (a->a[0].len) { out_tagged("NO", "[NONEXISTENT] no such quota root") ; return ; }
  quotaroot() ;
  imap_ok("GETQUOTA completed") ;
}

void cmd_setquota (iargs *a)
{
  (void)a ;
  out_tagged("NO", "[NOPERM] limits are set in the configuration, not over IMAP") ;
}

#define ST_MESSAGES 1
#define ST_UIDNEXT 2
#define ST_UIDVALIDITY 4
#define ST_UNSEEN 8
#define ST_HIGHESTMODSEQ 16
#define ST_RECENT 32
#define ST_SIZE 64
#define ST_DELETED 128
static char const *const stnames[] = { "MESSAGES", "UIDNEXT", "UIDVALIDITY", "UNSEEN", "HIGHESTMODSEQ", "RECENT", "SIZE", "DELETED", 0 } ;

/* the items of a STATUS list at a->a[i]: a mask, or 0 if bad */
unsigned int status_items (inode const *l, unsigned int count)
{
  unsigned int mask = 0 ;
  if (l->type != N_LIST || !count) return 0 ;
  for (unsigned int i = 1 ; i <= count ; i++)
  {
    unsigned int k = 0 ;
    while (stnames[k] && !imap_isatom(l + i, stnames[k])) k++ ;
    if (!stnames[k]) return 0 ;
    mask |= 1u << k ;
  }
  return mask ;
}

/* writes "* STATUS name (...)": 1, or 0 with errno */
int status_out (tern_mboxent const *e, unsigned int mask)
{
  tern_mbox m = TERN_MBOX_ZERO ;
  genalloc recs = GENALLOC_ZERO ;
  uint64_t unseen = 0, size = 0, deleted = 0 ;
  char const *name = e->name ;
  int r = tern_mbox_openent(&m, S.acct.s, e) ;
  if (!r) r = tern_mbox_header(&m) ;
  uint64_t recent = 0 ;
  if (S.rev2) mask &= ~ST_RECENT ;   /* no RECENT item in IMAP4rev2 (RFC 9051 7.3.2) */
  if (!r && (mask & (ST_UNSEEN | ST_DELETED))) r = tern_mbox_records(&m, 0, &recs) ;
  /* the header's total: no record read for SIZE alone */
  if (!r && (mask & ST_SIZE)) { uint64_t n ; r = tern_mbox_usage(&m, &size, &n) ; }
  if (!r && (mask & ST_RECENT)) r = recent_count(&m, &recent) ;
  if (r) { tern_mbox_close(&m) ; genalloc_free(tern_rec, &recs) ; return 0 ; }
  for (size_t i = 0 ; i < genalloc_len(tern_rec, &recs) ; i++)
  {
    tern_rec const *x = genalloc_s(tern_rec, &recs) + i ;
    if (x->flags & TERN_F_EXPUNGED) continue ;
    if (!(x->flags & TERN_F_SEEN)) unseen++ ;
    if (x->flags & TERN_F_DELETED) deleted++ ;
  }
  out_puts("* STATUS ") ;
  out_boxname(name) ;
  out_puts(" (") ;
  for (unsigned int k = 0, sp = 0 ; stnames[k] ; k++)
  {
    uint64_t v = 0 ;
    if (!(mask & (1u << k))) continue ;
    switch (1u << k)
    {
      case ST_MESSAGES : v = m.count - m.hdr.tombstones ; break ;
      case ST_UIDNEXT : v = m.hdr.uidnext ; break ;
      case ST_UIDVALIDITY : v = m.hdr.uidvalidity ; break ;
      case ST_UNSEEN : v = unseen ; break ;
      case ST_HIGHESTMODSEQ : v = m.hdr.highestmodseq ? m.hdr.highestmodseq : 1 ; break ;
      case ST_SIZE : v = size ; break ;
      case ST_DELETED : v = deleted ; break ;
      case ST_RECENT : v = recent ; break ;
      default : break ;
    }
    if (sp++) out_puts(" ") ;
    out_puts(stnames[k]) ;
    out_puts(" ") ;
    out_u64(v) ;
  }
  out_puts(")\r\n") ;
  tern_mbox_close(&m) ;
  genalloc_free(tern_rec, &recs) ;
  return 1 ;
}

void cmd_status (iargs *a)
{
  stralloc name = STRALLOC_ZERO ;
  tern_mboxent e ;
  unsigned int mask ;
  int r ;
  if (a->n < 2 || REND(a, 1) != a->n || !(mask = status_items(&a->a[1], a->a[1].len))) { out_tagged("BAD", "STATUS mailbox (items)") ; return ; }
  if (!mbox_name(&a->a[0], &name)) goto end ;
  r = tern_store_mbox_lookup(S.acct.s, name.s, &e) ;
  if (r) { storeerr(r, "status") ; goto end ; }
  if (!status_out(&e, mask)) storeerr(errno == ENOENT ? TERN_PERM : tern_errcode(errno), "status") ;
  else imap_ok("STATUS completed") ;
 end:
  stralloc_free(&name) ;
}
