/* tern_spf.h: an SPF evaluator (RFC 7208 check_host) for tern dnscheck:
   ip4 ip6 a mx include exists all, redirect=, macros, the limit of 10
   DNS-querying terms and 2 void lookups; ptr never matches (deprecated).
   DNS is the caller's, in tern-dns's output format (tern-dns.8). */
#ifndef TERN_SPF_H
#define TERN_SPF_H

#include <stddef.h>
#include <skalibs/stralloc.h>

enum { TERN_SPF_NONE, TERN_SPF_NEUTRAL, TERN_SPF_PASS, TERN_SPF_FAIL, TERN_SPF_SOFTFAIL,
  TERN_SPF_TEMPERROR, TERN_SPF_PERMERROR } ;

/* dns(ctx, cmd, name, out): cmd "txt", "ip" or "mx" as tern-dns prints
   them into out (emptied first); TERN_OK, TERN_PERM (no such name, no
   address, no mail host: tern-dns's 100) or TERN_TEMP. */
typedef int tern_spf_dns_fn (void *ctx, char const *cmd, char const *name, stralloc *out) ;

#define TERN_SPF_MAXLOOKUPS 10
#define TERN_SPF_MAXVOIDS 2

typedef struct tern_spf_s tern_spf ;
struct tern_spf_s
{
  tern_spf_dns_fn *dns ;
  void *ctx ;
  char ip[16] ;          /* the client address, 4 or 16 bytes */
  int is6 ;
  char const *sender ;   /* "local@domain" (macros s l o) */
  char const *helo ;     /* macro h */
  unsigned int lookups ; /* DNS-querying terms so far */
  unsigned int voids ;
  char why[256] ;        /* for people: what decided the result */
} ;
#define TERN_SPF_ZERO { .dns = 0, .ctx = 0, .ip = { 0 }, .is6 = 0, .sender = "", .helo = "", .lookups = 0, .voids = 0, .why = "" }

/* check_host(ip, domain, sender): a TERN_SPF_* result and s->why. */
extern int tern_spf_check (tern_spf *s, char const *domain) ;
/* "pass", "fail", ... */
extern char const *tern_spf_name (int result) ;
/* 1 if the TXT record s is an SPF record ("v=spf1" then a space or end). */
extern int tern_spf_isrecord (char const *s, size_t len) ;

/* One term of a record (parser; hostile input). */
enum { TERN_SPFT_ALL, TERN_SPFT_INCLUDE, TERN_SPFT_A, TERN_SPFT_MX, TERN_SPFT_PTR, TERN_SPFT_IP4,
  TERN_SPFT_IP6, TERN_SPFT_EXISTS, TERN_SPFT_REDIRECT, TERN_SPFT_EXP, TERN_SPFT_UNKNOWNMOD } ;
typedef struct tern_spf_term_s tern_spf_term ;
struct tern_spf_term_s
{
  char qual ;            /* + - ~ ? */
  unsigned char kind ;
  char const *spec ;     /* domain-spec or macro-string in the term, or 0 */
  size_t speclen ;
  unsigned int cidr4, cidr6 ;
  char ip[16] ;          /* ip4 (4 bytes), ip6 */
} ;
/* 1 and *t, or 0: syntax error. */
extern int tern_spf_term_parse (char const *s, size_t len, tern_spf_term *t) ;
/* Appends the macro expansion of s for domain to out: TERN_OK, TERN_PERM
   (bad macro), TERN_TEMP (no memory). */
extern int tern_spf_expand (tern_spf const *spf, char const *domain, char const *s, size_t len, stralloc *out) ;

#endif
