/* tern-dns.h: the parts of tern-dns (see tern-dns.8).  libowfat only:
   these files include no skalibs header and no lib/tern*.h. */
#ifndef TERN_DNS_H
#define TERN_DNS_H

#include <stralloc.h>
#include <taia.h>

#define DQ_FOUND 1     /* records found */
#define DQ_NODATA 0    /* the name exists, without records of that type */
#define DQ_NXDOMAIN -1 /* no such name */
#define DQ_LOOP -2     /* more than 16 CNAMEs */
#define DQ_TEMP -3     /* resolver failure or timeout; errno set */
#define DQ_AGAIN -4    /* dq_answer: the CNAME chain leaves this answer */

/* dq_deadline bounds each query; dq_total the run (-t) */
extern struct taia dq_deadline, dq_total ;

/* Look up type qtype (DNS_T_*) for the wire-form name *q, following
   CNAMEs; *q becomes the name at the end of the chain.  Each record is
   appended to out as 2 bytes of big-endian length and then: A 4 bytes,
   AAAA 16, MX 2 bytes of preference and the lower-case dotted name,
   PTR the dotted name, TXT the joined strings. */
extern int dq_lookup (char **q, char const *qtype, stralloc *out) ;
/* Read answer packet buf for question *q of type t as dq_lookup does,
   with *hops counting CNAMEs (more than 16: DQ_LOOP); DQ_AGAIN when *q
   moved along a chain that ends without data: ask again for *q.
   A malformed packet is DQ_TEMP with errno EPROTO. */
extern int dq_answer (char const *buf, unsigned int len, char const *t, char **q, stralloc *out, unsigned int *hops) ;
/* Free the resolver's buffers (at exit, for leak checkers). */
extern void dq_end (void) ;
/* Append the lower-case dotted form of wire name d: 1, or 0 on ENOMEM. */
extern int dq_todot (stralloc *out, char const *d) ;
/* Append "ip ADDR\n" lines for the AAAA then A records of *q.  Returns
   the number of addresses, or DQ_NXDOMAIN, DQ_LOOP, DQ_TEMP.  With v6err
   (MX hosts), the AAAA lookup has half the time left and its temporary
   failure (*v6err: its errno, else 0) leaves the A records to be used. */
extern int dq_addrs (char **q, stralloc *out, int *v6err) ;
/* The "mx" command: output lines into out.  0, or 100/111 with *why. */
extern int dq_mx (char const *domain, stralloc *out, char const **why) ;
/* Wire form of a dotted ASCII name (checked): 1, or 0 bad name (errno
   EINVAL) or ENOMEM. */
extern int dq_name (char **q, char const *s) ;
/* The ip command; txt or ptr (ptr=1): output lines into out, or die. */
extern void dq_ip (char const *name, stralloc *out) ;
extern void dq_txt (char const *name, int ptr, stralloc *out) ;
/* stderr: "tern-dns: warning: ab" (warnsys: and strerror(errno)); "fatal: ab" and exit code; "fatal:
   ab: strerror(errno)" and exit 111. */
extern void dq_warn (char const *a, char const *b) ;
extern void dq_warnsys (char const *a, char const *b) ;  /* ": strerror(errno)" after */
extern void dq_die (int code, char const *a, char const *b) __attribute__((noreturn)) ;
extern void dq_diesys (char const *a, char const *b) __attribute__((noreturn)) ;

#endif
