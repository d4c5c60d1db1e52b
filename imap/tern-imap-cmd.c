/* tern-imap-cmd: the command table and the commands of any state
   (CAPABILITY, NOOP, LOGOUT, ID, ENABLE, NAMESPACE), and the first
   CONDSTORE enabling command. */
#include <string.h>
#include <strings.h>
#include <stdlib.h>
#include "tern.h"
#include "tern-imap.h"

#define A_NOAUTH 1
#define A_AUTH 2
#define A_SEL 4
#define A_ANY 7
#define A_LOGGED 6
#define C_UID 8      /* may follow UID */
#define C_NOEXP 16   /* no EXPUNGE responses during it (unless UID) */

static void cmd_logout (iargs *) ;

static struct { char const *name ; void (*f) (iargs *) ; unsigned int flags ; } const table[] =
{
  { "CAPABILITY", &cmd_capability, A_ANY },
  { "NOOP", &cmd_noop, A_ANY },
  { "LOGOUT", &cmd_logout, A_ANY },
  { "ID", &cmd_id, A_ANY },
  { "ENABLE", &cmd_enable, A_LOGGED },
  { "STARTTLS", &cmd_starttls, A_NOAUTH },
  { "LOGIN", &cmd_login, A_NOAUTH },
  { "AUTHENTICATE", &cmd_authenticate, A_NOAUTH },
  { "SELECT", &cmd_select, A_LOGGED },
  { "EXAMINE", &cmd_examine, A_LOGGED },
  { "CREATE", &cmd_create, A_LOGGED },
  { "DELETE", &cmd_delete, A_LOGGED },
  { "RENAME", &cmd_rename, A_LOGGED },
  { "SUBSCRIBE", &cmd_subscribe, A_LOGGED },
  { "UNSUBSCRIBE", &cmd_unsubscribe, A_LOGGED },
  { "LIST", &cmd_list, A_LOGGED },
  { "LSUB", &cmd_lsub, A_LOGGED },
  { "STATUS", &cmd_status, A_LOGGED },
  { "GETQUOTAROOT", &cmd_getquotaroot, A_LOGGED },
  { "GETQUOTA", &cmd_getquota, A_LOGGED },
  { "SETQUOTA", &cmd_setquota, A_LOGGED },
  { "NAMESPACE", &cmd_namespace, A_LOGGED },
  { "APPEND", &cmd_append, A_LOGGED },
  { "IDLE", &cmd_idle, A_LOGGED },
  { "COMPRESS", &cmd_compress, A_LOGGED },
  { "CHECK", &cmd_noop, A_SEL },
  { "CLOSE", &cmd_close, A_SEL },
  { "UNSELECT", &cmd_unselect, A_SEL },
  { "EXPUNGE", &cmd_expunge, A_SEL | C_UID },
  { "FETCH", &cmd_fetch, A_SEL | C_UID | C_NOEXP },
  { "STORE", &cmd_store, A_SEL | C_UID | C_NOEXP },
  { "SEARCH", &cmd_search, A_SEL | C_UID | C_NOEXP },
  { "SORT", &cmd_sort, A_SEL | C_UID | C_NOEXP },
  { "THREAD", &cmd_thread, A_SEL | C_UID | C_NOEXP },
  { "COPY", &cmd_copy, A_SEL | C_UID },
  { "MOVE", &cmd_move, A_SEL | C_UID },
  { 0, 0, 0 }
} ;

static char tag[65] ;

static int goodtag (inode const *n)
{
  if (n->type != N_ATOM || !n->len || n->len > 64) return 0 ;
  for (size_t i = 0 ; i < n->len ; i++)
    if (strchr("+*%\\[]", n->s[i])) return 0 ;
  return 1 ;
}

void imap_dispatch (icmd *c, int parsed)
{
  iargs a = { .a = c->nodes + 2, .n = 0, .uid = 0 } ;
  inode *name ;
  unsigned int i ;
  if (!c->n || !goodtag(&c->nodes[0])) { S.tag = "*" ; out_tagged("BAD", parsed ? "bad tag" : c->err) ; return ; }
  memcpy(tag, c->nodes[0].s, c->nodes[0].len) ;
  tag[c->nodes[0].len] = 0 ;
  S.tag = tag ;
  if (!parsed) { out_tagged("BAD", c->err) ; return ; }
  if (c->n < 2 || c->nodes[1].type != N_ATOM) { out_tagged("BAD", "no command") ; return ; }
  name = &c->nodes[1] ;
  if (imap_isatom(name, "UID"))
  {
    if (c->n < 3 || c->nodes[2].type != N_ATOM) { out_tagged("BAD", "no command after UID") ; return ; }
    a.uid = 1 ;
    name = &c->nodes[2] ;
    a.a++ ;
  }
  a.off = (unsigned int)(a.a - c->nodes) ;
  a.n = c->n - a.off ;
  for (i = 0 ; table[i].name ; i++) if (imap_isatom(name, table[i].name)) break ;
  if (!table[i].name || (a.uid && !(table[i].flags & C_UID))) { out_tagged("BAD", "unknown command") ; return ; }
  if (!(table[i].flags & (1u << S.state)))
  {
    out_tagged("BAD", S.state == S_NOAUTH ? "log in first" : S.state == S_AUTH && (table[i].flags & A_SEL) ? "select a mailbox first" : "not allowed now") ;
    return ;
  }
  S.expok = a.uid || !(table[i].flags & C_NOEXP) ;
  (*table[i].f)(&a) ;
}

void imap_ok (char const *text)
{
  if (S.state == S_SELECTED) sel_sync() ;
  out_tagged("OK", text) ;
}

void cmd_capability_list (void)
{
  out_puts("CAPABILITY IMAP4rev1 IMAP4rev2 LITERAL+ SASL-IR ID ENABLE IDLE NAMESPACE UNSELECT UIDPLUS MOVE CONDSTORE BINARY"
    " MULTIAPPEND SPECIAL-USE CREATE-SPECIAL-USE LIST-EXTENDED LIST-STATUS ESEARCH SEARCHRES UTF8=ACCEPT") ;
  out_puts(" SORT SORT=DISPLAY ESORT THREAD=ORDEREDSUBJECT THREAD=REFERENCES") ;
  out_puts(" QRESYNC") ;
  out_puts(" QUOTA QUOTA=RES-STORAGE QUOTA=RES-MESSAGE STATUS=SIZE") ;
  if (S.state == S_NOAUTH)
  {
    if (!S.tls && getenv("SSLCTLFD")) out_puts(" STARTTLS") ;
    if (S.loginok) out_puts(" AUTH=PLAIN AUTH=LOGIN AUTH=CRAM-MD5 AUTH=SCRAM-SHA-1 AUTH=SCRAM-SHA-256") ;
    else out_puts(" LOGINDISABLED") ;
  }
  else out_puts(" COMPRESS=DEFLATE") ;
}

void cmd_capability (iargs *a)
{
  if (a->n) { out_tagged("BAD", "no arguments expected") ; return ; }
  out_puts("* ") ;
  cmd_capability_list() ;
  out_puts("\r\n") ;
  imap_ok("CAPABILITY completed") ;
}

void cmd_noop (iargs *a)
{
  if (a->n) { out_tagged("BAD", "no arguments expected") ; return ; }
  imap_ok("NOOP completed") ;
}

static void cmd_logout (iargs *a)
{
  if (a->n) { out_tagged("BAD", "no arguments expected") ; return ; }
  out_untagged("BYE logging out") ;
  out_tagged("OK", "LOGOUT completed") ;
  S.state = S_LOGOUT ;
}

void cmd_id (iargs *a)
{
  if (a->n < 1 || (a->a[0].type != N_LIST && !imap_isatom(&a->a[0], "NIL")) || REND(a, 0) != a->n)
  {
    out_tagged("BAD", "ID takes one list or NIL") ;
    return ;
  }
  out_untagged("ID (\"name\" \"tern\" \"version\" \"" TERN_VERSION "\")") ;
  imap_ok("ID completed") ;
}

void cmd_enable (iargs *a)
{
  int any = 0 ;
  if (!a->n) { out_tagged("BAD", "ENABLE what?") ; return ; }
  for (unsigned int i = 0 ; i < a->n ; i++)
  {
    if (a->a[i].type != N_ATOM) { out_tagged("BAD", "ENABLE takes atoms") ; return ; }
    if (imap_isatom(&a->a[i], "CONDSTORE") && !S.condstore) { S.condstore = 1 ; out_puts(any++ ? " CONDSTORE" : "* ENABLED CONDSTORE") ; }
    else if (imap_isatom(&a->a[i], "QRESYNC") && !S.qresync) { S.qresync = S.condstore = 1 ; out_puts(any++ ? " QRESYNC" : "* ENABLED QRESYNC") ; }
    else if (imap_isatom(&a->a[i], "UTF8=ACCEPT") && !(S.utf8 & 1)) { S.utf8 |= 1 ; out_puts(any++ ? " UTF8=ACCEPT" : "* ENABLED UTF8=ACCEPT") ; }
    /* not with a mailbox selected: its \Recent state is the rev1 one */
    else if (imap_isatom(&a->a[i], "IMAP4rev2") && !S.rev2 && S.state == S_AUTH) { S.rev2 = mime_global = 1 ; S.utf8 |= 2 ; out_puts(any++ ? " IMAP4rev2" : "* ENABLED IMAP4rev2") ; }
  }
  out_puts(any ? "\r\n" : "* ENABLED\r\n") ;
  imap_ok("ENABLE completed") ;
}

/* a CONDSTORE enabling command (RFC 7162 3.1): the first one in the
   selected state reports HIGHESTMODSEQ (as Dovecot does) */
void sel_condstore (void)
{
  if (S.condstore) return ;
  S.condstore = 1 ;
  if (S.state != S_SELECTED) return ;
  out_puts("* OK [HIGHESTMODSEQ ") ; out_u64(S.highestmodseq ? S.highestmodseq : 1) ; out_puts("] modseq\r\n") ;
}

void cmd_namespace (iargs *a)
{
  if (a->n) { out_tagged("BAD", "no arguments expected") ; return ; }
  out_untagged("NAMESPACE ((\"\" \"/\")) NIL NIL") ;
  imap_ok("NAMESPACE completed") ;
}
